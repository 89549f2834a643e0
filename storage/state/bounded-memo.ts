/**
 * The value kept for `key`, made from the key on first use. A bound, not an LRU: a map that has
 * reached `limit` entries starts over, which only costs making a value again. `make` takes the key
 * rather than closing over it, so a hit (most calls, on hot paths) allocates nothing.
 */
export function memoized<V>(values: Map<string, V>, key: string, limit: number, make: (key: string) => V): V {
  const value = values.get(key);
  return value !== undefined ? value : remember(values, key, limit, make(key));
}

/** Keeps `value` for `key` in a map bounded as memoized's are, and returns it. */
export function remember<V>(values: Map<string, V>, key: string, limit: number, value: V): V {
  if (values.size >= limit) values.clear();
  values.set(key, value);
  return value;
}

/**
 * The value kept for `key`, made on first use. A bound, not an LRU: a map that has reached `limit`
 * entries starts over, which only costs making a value again.
 */
export function memoized<V>(values: Map<string, V>, key: string, limit: number, make: () => V): V {
  let value = values.get(key);
  if (value === undefined) {
    if (values.size >= limit) values.clear();
    values.set(key, (value = make()));
  }
  return value;
}

import { remember } from "../storage/state/bounded-memo.js";

/** Values kept per map; a map that grows past this many starts over (a miss only makes the value again). */
const LIMIT = 4096;

/**
 * The one frozen value for `key`, made on first use. Parts of an answer that many resources share
 * (a state, a placement, options) are handed out as the same frozen object, whose XML the writer
 * makes once and reuses.
 */
export function sharedFrozen<V>(values: Map<string, V>, key: string, make: () => V): V {
  const value = values.get(key);
  return value !== undefined ? value : remember(values, key, LIMIT, Object.freeze(make()));
}

import { memoized } from "./bounded-memo.js";

/** Distinct values kept; past this many the table starts over (a lookup miss only costs a copy). */
const LIMIT = 65_536;

const table = new Map<string, string>();
const itself = (value: string) => value;

/**
 * One string object per distinct value. SQLite gives every row read its own copy of each text
 * column; a row kept in memory for a long time (an instance between Describes) would otherwise
 * hold some thirty copies of values such as its account, region, state and instance type.
 */
export function interned<T extends string | null>(value: T): T {
  if (value === null) return value;
  return memoized(table, value, LIMIT, itself) as T;
}

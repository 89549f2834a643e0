import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isoTimestamp } from "../../sdk-compat/protocol/scalars.js";

const builtin = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (error) {
    return (error as Error).name;
  }
};
const fast = (ms: number): string => {
  try {
    return isoTimestamp(ms);
  } catch (error) {
    return (error as Error).name;
  }
};

describe("isoTimestamp writes what Date#toISOString writes", () => {
  it("at day, leap-day, year and range boundaries, and for values a Date truncates or rejects", () => {
    const cases = [
      0, 1, 999, 1000, 59_999, 3_599_999, 86_399_999, 86_400_000, 86_400_001,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 2, 1), Date.UTC(2100, 1, 28, 12), Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -1, -86_400_001, 8.64e15, 1_733_230_000_000.7, NaN, Infinity,
    ];
    for (const ms of cases) assert.equal(fast(ms), builtin(ms), `at ${ms}`);
  });

  it("for 100,000 instants across the four-digit years, in order and out of order", () => {
    // A fixed-seed generator (mulberry32): a failure names an instant that fails again.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let ms = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 50_000; i++) {
      ms += Math.floor(random() * 5_000_000);
      assert.equal(fast(ms), builtin(ms), `at ${ms}`);
      const any = Math.floor(random() * Date.UTC(10000, 0, 1));
      assert.equal(fast(any), builtin(any), `at ${any}`);
    }
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClaimedValues } from "../../storage/state/claimed-values.js";

describe("ClaimedValues: a superset of a column's values per scope", () => {
  it("a value the rows hold, or one claimed before, cannot be claimed; scopes are separate", () => {
    const rows: Record<string, string[]> = { a: ["1.1.1.1"], b: [] };
    const claimed = new ClaimedValues((scope) => rows[scope] ?? []);
    assert.equal(claimed.claim("a", "1.1.1.1"), false);
    assert.equal(claimed.claim("a", "2.2.2.2"), true);
    assert.equal(claimed.claim("a", "2.2.2.2"), false);
    assert.equal(claimed.claim("b", "1.1.1.1"), true);
  });

  it("reads a scope once, and again after `limit` claims or clear(), when claims not in the rows are dropped", () => {
    let reads = 0;
    const rows = ["a", "b", "c", "x"];
    const claimed = new ClaimedValues(() => {
      reads++;
      return rows;
    }, 2);
    assert.equal(claimed.claim("s", "y"), true);
    assert.equal(claimed.claim("s", "z"), true);
    assert.equal(reads, 1, "rows holding more values than the limit do not cause a read per claim");
    // "y" was written, "z" rolled back: the read after two claims knows only what the rows hold.
    rows.push("y");
    assert.equal(claimed.claim("s", "y"), false);
    assert.equal(reads, 2);
    assert.equal(claimed.claim("s", "z"), true);
    assert.equal(claimed.claim("s", "w"), true);
    assert.equal(reads, 2);
    claimed.clear();
    assert.equal(claimed.claim("s", "w"), true, "after clear() only the rows count");
    assert.equal(reads, 3);
  });
});

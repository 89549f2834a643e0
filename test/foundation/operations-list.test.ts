import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

describe("docs/operations.md", () => {
  it("lists exactly the operations the handlers serve (regenerate with node scripts/list-operations.mjs)", () => {
    const run = spawnSync(process.execPath, [join(root, "scripts", "list-operations.mjs"), "--check"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
  });
});

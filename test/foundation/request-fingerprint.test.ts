import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalJson, requestFingerprint } from "../../storage/state/request-fingerprint.js";

describe("ClientToken request fingerprints", () => {
  const input = {
    ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 2, ClientToken: "t-1",
    Placement: { AvailabilityZone: "us-east-1a", Tenancy: "default" },
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }],
  };

  it("does not depend on the order members were written in, at any depth", () => {
    const reordered = {
      TagSpecifications: [{ Tags: [{ Value: "1", Key: "a" }, { Value: "2", Key: "b" }], ResourceType: "instance" }],
      Placement: { Tenancy: "default", AvailabilityZone: "us-east-1a" },
      MaxCount: 2, MinCount: 1, ImageId: "ami-0123456789abcdef0", ClientToken: "t-1",
    };
    assert.equal(requestFingerprint(reordered), requestFingerprint(input));
  });

  it("ignores the token itself, DryRun and undefined members", () => {
    assert.equal(requestFingerprint({ ...input, ClientToken: "other", DryRun: false, KeyName: undefined }), requestFingerprint(input));
  });

  it("tells apart a changed value, an added member and a reordered list", () => {
    const base = requestFingerprint(input);
    assert.notEqual(requestFingerprint({ ...input, MaxCount: 3 }), base);
    assert.notEqual(requestFingerprint({ ...input, KeyName: "k" }), base);
    const tags = [...input.TagSpecifications[0]!.Tags].reverse();
    assert.notEqual(requestFingerprint({ ...input, TagSpecifications: [{ ResourceType: "instance", Tags: tags }] }), base);
  });

  it("writes what JSON.stringify writes for the same members in code-unit order, so stored fingerprints stay valid", () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
    const value = {
      z: [0, -0, -1.5, 1e21, 2 ** 53, Number.NaN, Infinity, true, false, null],
      "k\"ey": "back\\slash, tab\t, newline\n, nul\u0000, é, 😀, \u2028",
      a: { y: "plain text with spaces & <xml> 'quotes'", x: "" },
    };
    assert.equal(canonicalJson(value), JSON.stringify(sorted(value)));
    assert.equal(requestFingerprint({ ...input, ClientToken: undefined }), createHash("sha1").update(JSON.stringify(sorted({ ...input, ClientToken: undefined }))).digest("hex"));
  });

  it("gives each of many distinct requests its own digest, beyond the memo's bound and after it started over", () => {
    const digest = (n: number) => createHash("sha1").update(canonicalJson({ ...input, ClientToken: undefined, MaxCount: n })).digest("hex");
    const seen = new Set<string>();
    for (let n = 0; n < 600; n++) {
      const fingerprint = requestFingerprint({ ...input, MaxCount: n, ClientToken: `t-${n}` });
      assert.equal(fingerprint, digest(n));
      seen.add(fingerprint);
    }
    assert.equal(seen.size, 600);
    // Asked again after the memo started over, the first requests get their own digests back.
    for (let n = 0; n < 3; n++) assert.equal(requestFingerprint({ ...input, MaxCount: n }), digest(n));
  });

  it("writes JSON that parses back to the same value", () => {
    const value = { b: [1, "x", null, { d: true, c: new Date(0) }], a: "quote \" and \u2028", e: new Uint8Array([1, 2, 3]) };
    assert.deepEqual(JSON.parse(canonicalJson(value)), { a: "quote \" and \u2028", b: [1, "x", null, { c: "1970-01-01T00:00:00.000Z", d: true }], e: "AQID" });
  });
});

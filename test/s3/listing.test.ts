import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command, ListObjectsCommand, paginateListObjectsV2, S3ServiceException } from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("S3 listing (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const Bucket = "listing";
  // Unicode keys sort by UTF-8 bytes: "Z" < "a" < "é" (C3 A9) < "中" (E4 B8 AD) < "😀" (F0 9F 98 80).
  const keys = ["a/1", "a/2", "a/b/3", "b", "c/x/y", "Z", "é", "中", "😀", "space key", "plus+key", "pct%key", "a/../b"];
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    await s3.send(new CreateBucketCommand({ Bucket }));
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  const sorted = () => [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

  it("lists every key in UTF-8 binary order with sizes and ETags", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), sorted());
    assert.equal(out.KeyCount, keys.length);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Name, Bucket);
    const first = out.Contents![0]!;
    assert.equal(first.Size, Buffer.byteLength(first.Key!));
    assert.match(first.ETag!, /^"[0-9a-f]{32}"$/);
    assert.equal(first.StorageClass, "STANDARD");
    assert.ok(first.LastModified instanceof Date);
  });

  it("groups by delimiter into CommonPrefixes and filters by prefix", async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: "/" }));
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ["a/", "c/"]);
    assert.deepEqual(top.Contents?.map((c) => c.Key), sorted().filter((k) => !k.includes("/")));
    const inA = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "a/", Delimiter: "/" }));
    assert.deepEqual(inA.Contents?.map((c) => c.Key), ["a/1", "a/2"]);
    assert.deepEqual(inA.CommonPrefixes?.map((p) => p.Prefix), ["a/../", "a/b/"]);
    assert.equal(inA.Prefix, "a/");
    assert.equal(inA.Delimiter, "/");
  });

  it("pages with max-keys and continuation tokens, counting common prefixes as keys", async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket, Delimiter: "/" })) {
      pages++;
      assert.ok((page.KeyCount ?? 0) <= 2);
      for (const c of page.Contents ?? []) seen.push(c.Key!);
      for (const p of page.CommonPrefixes ?? []) seen.push(p.Prefix!);
    }
    const expected = [...new Set(sorted().map((k) => (k.includes("/") ? k.slice(0, k.indexOf("/") + 1) : k)))];
    assert.deepEqual(seen, expected);
    assert.equal(pages, Math.ceil(expected.length / 2));
  });

  it("starts after a key and honours max-keys=0", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket, StartAfter: "b" }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), sorted().filter((k) => Buffer.compare(Buffer.from(k), Buffer.from("b")) > 0));
    assert.equal(out.StartAfter, "b");
    const none = await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 0 }));
    assert.equal(none.KeyCount, 0);
    assert.equal(none.Contents, undefined);
  });

  it("url-encodes keys with encoding-type=url", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket, EncodingType: "url", Prefix: "p" }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ["pct%25key", "plus%2Bkey"]);
    const spaced = await s3.send(new ListObjectsV2Command({ Bucket, EncodingType: "url", Prefix: "sp" }));
    assert.deepEqual(spaced.Contents?.map((c) => c.Key), ["space+key"]);
  });

  it("lists v1 with marker, NextMarker and owners", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 3, Delimiter: "/" }));
    assert.equal(first.IsTruncated, true);
    assert.deepEqual([...(first.Contents ?? []).map((c) => c.Key), ...(first.CommonPrefixes ?? []).map((p) => p.Prefix)].sort(), ["Z", "a/", "b"]);
    assert.equal(first.NextMarker, "b");
    assert.equal(first.Contents?.[0]?.Owner?.ID, "000000000000");
    const fromPrefix = await s3.send(new ListObjectsCommand({ Bucket, Marker: "a/", Delimiter: "/" }));
    assert.equal(fromPrefix.Contents?.[0]?.Key, "b", "a NextMarker that is a common prefix skips its keys");
    const all = await s3.send(new ListObjectsCommand({ Bucket, Marker: "c" }));
    assert.deepEqual(all.Contents?.map((c) => c.Key), sorted().filter((k) => Buffer.compare(Buffer.from(k), Buffer.from("c")) > 0));
  });

  it("refuses a forged continuation token and a negative max-keys", async () => {
    await assert.rejects(s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: "bm90LWEtdG9rZW4=" })), (e: unknown) => {
      assert.ok(e instanceof S3ServiceException);
      assert.equal(e.name, "InvalidArgument");
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
    const res = await fetch(`${cb.endpoint}/${Bucket}?list-type=2&max-keys=-1`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>InvalidArgument<\/Code>/);
  });

  it("pages a 1,200-key bucket through the index", async () => {
    const big = "listing-big";
    await s3.send(new CreateBucketCommand({ Bucket: big }));
    const all = Array.from({ length: 1200 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    // Seeded with plain unsigned PUTs: signing 1,200 SDK requests would dominate the test's time.
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < all.length) {
        const res = await fetch(`${cb.endpoint}/${big}/${all[next++]}`, { method: "PUT", body: "" });
        assert.equal(res.status, 200);
      }
    }));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: big }));
    assert.equal(first.KeyCount, 1000);
    assert.equal(first.IsTruncated, true);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: big, ContinuationToken: first.NextContinuationToken }));
    assert.equal(second.KeyCount, 200);
    assert.equal(second.IsTruncated, false);
    assert.deepEqual([...first.Contents!, ...second.Contents!].map((c) => c.Key), all.sort());
  });
});

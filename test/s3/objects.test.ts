import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, DeleteObjectsCommand,
  CopyObjectCommand, NoSuchKey,
} from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { rejectsWith } from "./support.js";


describe("S3 objects (SDK v3, default client settings)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const Bucket = "objects";
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  it("puts and gets an object with metadata, content headers and storage class", async () => {
    const put = await s3.send(new PutObjectCommand({
      Bucket, Key: "docs/hello.txt", Body: "hello world", ContentType: "text/plain", CacheControl: "max-age=60", ContentDisposition: "inline",
      ContentLanguage: "en", Metadata: { owner: "alice", "Mixed-Case": "v" }, StorageClass: "STANDARD_IA",
    }));
    assert.equal(put.ETag, '"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "docs/hello.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello world");
    assert.equal(got.ETag, put.ETag);
    assert.equal(got.ContentType, "text/plain");
    assert.equal(got.ContentLength, 11);
    assert.equal(got.CacheControl, "max-age=60");
    assert.equal(got.ContentDisposition, "inline");
    assert.equal(got.ContentLanguage, "en");
    assert.deepEqual(got.Metadata, { owner: "alice", "mixed-case": "v" });
    assert.equal(got.StorageClass, "STANDARD_IA");
    assert.ok(got.LastModified instanceof Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "docs/hello.txt" }));
    assert.equal(head.ContentLength, 11);
    assert.equal(head.ETag, put.ETag);
    assert.deepEqual(head.Metadata, { owner: "alice", "mixed-case": "v" });
  });

  it("stores and returns the CRC32 the SDK sends by default, and other algorithms", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "crc", Body: "checksummed" }));
    assert.ok(put.ChecksumCRC32, "SDK sends CRC32 by default and S3 echoes it");
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "crc", ChecksumMode: "ENABLED" }));
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    assert.equal(got.ChecksumType, "FULL_OBJECT");
    assert.equal(await got.Body!.transformToString(), "checksummed");
    for (const algorithm of ["CRC32C", "SHA1", "SHA256", "CRC64NVME"] as const) {
      const out = await s3.send(new PutObjectCommand({ Bucket, Key: `sum-${algorithm}`, Body: "abc", ChecksumAlgorithm: algorithm }));
      const field = `Checksum${algorithm}` as const;
      assert.ok(out[field], algorithm);
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: `sum-${algorithm}`, ChecksumMode: "ENABLED" }));
      assert.equal(head[field], out[field]);
    }
    const sha = await s3.send(new HeadObjectCommand({ Bucket, Key: "sum-SHA256", ChecksumMode: "ENABLED" }));
    assert.equal(sha.ChecksumSHA256, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });

  it("refuses a body that does not match its Content-MD5 or checksum (BadDigest)", async () => {
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "bad", Body: "abc", ContentMD5: "1B2M2Y8AsgTpgAmY7PhCfg==" })), "BadDigest", 400);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "bad", Body: "abc", ChecksumSHA256: "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa1=" })), "BadDigest", 400);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "bad" })), "NotFound", 404);
  });

  it("serves ranges, response-* overrides and 416 InvalidRange", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "range", Body: "0123456789" }));
    const mid = await s3.send(new GetObjectCommand({ Bucket, Key: "range", Range: "bytes=2-5" }));
    assert.equal(mid.$metadata.httpStatusCode, 206);
    assert.equal(mid.ContentRange, "bytes 2-5/10");
    assert.equal(mid.ContentLength, 4);
    assert.equal(await mid.Body!.transformToString(), "2345");
    const suffix = await s3.send(new GetObjectCommand({ Bucket, Key: "range", Range: "bytes=-3" }));
    assert.equal(await suffix.Body!.transformToString(), "789");
    const open = await s3.send(new GetObjectCommand({ Bucket, Key: "range", Range: "bytes=7-" }));
    assert.equal(await open.Body!.transformToString(), "789");
    const error = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "range", Range: "bytes=20-30" })), "InvalidRange", 416);
    assert.equal((error as unknown as { ActualObjectSize?: string }).ActualObjectSize, "10");
    const over = await s3.send(new GetObjectCommand({
      Bucket, Key: "range", ResponseContentType: "application/x-test", ResponseContentDisposition: "attachment; filename=\"r.txt\"", ResponseCacheControl: "no-cache",
      ResponseContentLanguage: "fr", ResponseContentEncoding: "identity", ResponseExpires: new Date("2030-01-01T00:00:00Z"),
    }));
    assert.equal(over.ContentType, "application/x-test");
    assert.equal(over.ContentDisposition, 'attachment; filename="r.txt"');
    assert.equal(over.CacheControl, "no-cache");
    assert.equal(over.ContentLanguage, "fr");
    assert.equal(over.ContentEncoding, "identity");
    assert.equal(over.Expires?.toISOString(), "2030-01-01T00:00:00.000Z");
    await over.Body!.transformToString();
  });

  it("answers conditional GETs with 304 and 412", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "cond", Body: "v1" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "cond" }));
    const ok = await s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfMatch: put.ETag }));
    assert.equal(await ok.Body!.transformToString(), "v1");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfMatch: '"0000"' })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfNoneMatch: put.ETag })), undefined, 304);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfModifiedSince: new Date(head.LastModified!.getTime() + 1000) })), undefined, 304);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfUnmodifiedSince: new Date(head.LastModified!.getTime() - 1000) })), "PreconditionFailed", 412);
    const modified = await s3.send(new GetObjectCommand({ Bucket, Key: "cond", IfModifiedSince: new Date(head.LastModified!.getTime() - 1000) }));
    assert.equal(await modified.Body!.transformToString(), "v1");
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "cond", IfMatch: '"0000"' })), undefined, 412);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket, Key: "cond", IfNoneMatch: put.ETag })), undefined, 304);
  });

  it("makes create-only and compare-and-swap writes with If-None-Match and If-Match", async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket, Key: "cas", Body: "one", IfNoneMatch: "*" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "cas", Body: "two", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "cas", Body: "two", IfMatch: '"ffff"' })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "cas-missing", Body: "two", IfMatch: first.ETag })), "NoSuchKey", 404);
    const second = await s3.send(new PutObjectCommand({ Bucket, Key: "cas", Body: "two", IfMatch: first.ETag }));
    assert.notEqual(second.ETag, first.ETag);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "cas" }));
    assert.equal(await got.Body!.transformToString(), "two");
  });

  it("streams a large body in and out (aws-chunked from a stream body)", async () => {
    const size = 3 * 1024 * 1024 + 17;
    const chunk = Buffer.alloc(64 * 1024, 7);
    async function* generate() {
      let left = size;
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        yield chunk.subarray(0, n);
      }
    }
    await s3.send(new PutObjectCommand({ Bucket, Key: "big", Body: Readable.from(generate()), ContentLength: size }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "big", ChecksumMode: "ENABLED" }));
    assert.equal(got.ContentLength, size);
    let total = 0;
    for await (const part of got.Body as Readable) total += (part as Buffer).length;
    assert.equal(total, size);
    const tail = await s3.send(new GetObjectCommand({ Bucket, Key: "big", Range: `bytes=${size - 5}-` }));
    assert.deepEqual(Buffer.from(await tail.Body!.transformToByteArray()), Buffer.alloc(5, 7));
  });

  it("deletes objects one at a time and in batches (quiet too)", async () => {
    for (const k of ["d/1", "d/2", "d/3", "d/4"]) await s3.send(new PutObjectCommand({ Bucket, Key: k, Body: k }));
    const single = await s3.send(new DeleteObjectCommand({ Bucket, Key: "d/1" }));
    assert.equal(single.$metadata.httpStatusCode, 204);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "d/never-existed" }));
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "d/2" }, { Key: "d/missing" }] } }));
    assert.deepEqual(batch.Deleted?.map((d) => d.Key).sort(), ["d/2", "d/missing"]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "d/3" }, { Key: "d/4" }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    const error = await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "d/4" })), "NoSuchKey", 404);
    assert.ok(error instanceof NoSuchKey);
    assert.equal((error as unknown as { Key?: string }).Key, "d/4");
  });

  it("copies objects with COPY and REPLACE directives and copy-source conditionals", async () => {
    const src = await s3.send(new PutObjectCommand({ Bucket, Key: "src key+ü", Body: "copy me", ContentType: "text/x-src", Metadata: { a: "1" } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: "dst", CopySource: `${Bucket}/${encodeURIComponent("src key+ü")}` }));
    assert.equal(copied.CopyObjectResult?.ETag, src.ETag);
    assert.ok(copied.CopyObjectResult?.LastModified instanceof Date);
    const dst = await s3.send(new GetObjectCommand({ Bucket, Key: "dst" }));
    assert.equal(await dst.Body!.transformToString(), "copy me");
    assert.equal(dst.ContentType, "text/x-src");
    assert.deepEqual(dst.Metadata, { a: "1" });
    await s3.send(new CopyObjectCommand({ Bucket, Key: "dst2", CopySource: `/${Bucket}/${encodeURIComponent("src key+ü")}`, MetadataDirective: "REPLACE", ContentType: "text/x-new", Metadata: { b: "2" } }));
    const dst2 = await s3.send(new HeadObjectCommand({ Bucket, Key: "dst2" }));
    assert.equal(dst2.ContentType, "text/x-new");
    assert.deepEqual(dst2.Metadata, { b: "2" });
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "dst3", CopySource: `${Bucket}/dst`, CopySourceIfMatch: '"nope"' })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "dst3", CopySource: `${Bucket}/dst`, CopySourceIfNoneMatch: src.ETag })), "PreconditionFailed", 412);
    await s3.send(new CopyObjectCommand({ Bucket, Key: "dst3", CopySource: `${Bucket}/dst`, CopySourceIfMatch: src.ETag }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "dst", CopySource: `${Bucket}/dst` })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "dst4", CopySource: `${Bucket}/absent` })), "NoSuchKey", 404);
    // The source can go; the copy keeps its bytes.
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "src key+ü" }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: "dst3" }))).Body!.transformToString(), "copy me");
  });

  it("answers NoSuchBucket and NoSuchKey with S3's error XML", async () => {
    const res = await fetch(`${cb.endpoint}/objects/absent-key`);
    assert.equal(res.status, 404);
    const text = await res.text();
    assert.match(text, /<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>absent-key<\/Key><RequestId>/);
    assert.ok(res.headers.get("x-amz-request-id"));
    const nb = await fetch(`${cb.endpoint}/no-such-bucket-here/k`);
    assert.equal(nb.status, 404);
    assert.match(await nb.text(), /<Code>NoSuchBucket<\/Code>.*<BucketName>no-such-bucket-here<\/BucketName>/);
  });

  it("keeps serving the old bytes to a reader when the key is overwritten or deleted mid-GET", async () => {
    const size = 2 * 1024 * 1024;
    await s3.send(new PutObjectCommand({ Bucket, Key: "swap", Body: Buffer.alloc(size, 1) }));
    const reading = await s3.send(new GetObjectCommand({ Bucket, Key: "swap" }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "swap", Body: Buffer.alloc(size, 2) }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "swap" }));
    const old = Buffer.from(await reading.Body!.transformToByteArray());
    assert.equal(old.length, size);
    assert.ok(old.every((b) => b === 1));
  });

  it("answers MalformedXML for bodies that are not the expected XML", async () => {
    for (const body of ["<Delete><Object><Key>x</Key></Object>", "not xml at all", "<Other/>"]) {
      const res = await fetch(`${cb.endpoint}/${Bucket}?delete`, { method: "POST", body, headers: { "content-md5": "1B2M2Y8AsgTpgAmY7PhCfg==" } });
      assert.equal(res.status, 400, body);
      assert.match(await res.text(), /<Code>MalformedXML<\/Code>/);
    }
    const upload = await fetch(`${cb.endpoint}/${Bucket}/mx?uploads`, { method: "POST" });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await upload.text())![1]!;
    const res = await fetch(`${cb.endpoint}/${Bucket}/mx?uploadId=${encodeURIComponent(uploadId)}`, { method: "POST", body: "<CompleteMultipartUpload><Part>" });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>MalformedXML<\/Code>/);
  });

  it("refuses keys over 1,024 bytes and metadata over 2 KB", async () => {
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "é".repeat(513), Body: "x" })), "KeyTooLongError", 400);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "meta", Body: "x", Metadata: { big: "v".repeat(2100) } })), "MetadataTooLarge", 400);
    await s3.send(new PutObjectCommand({ Bucket, Key: "k".repeat(1024), Body: "x" }));
  });

  it("refuses a single PUT over 5 GiB with EntityTooLarge before reading the body", async () => {
    const url = new URL(`${cb.endpoint}/objects/huge`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers: { "content-length": String(6 * 1024 ** 3) } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
        res.on("error", reject);
      });
      req.on("error", () => {});
      req.write(Buffer.alloc(1024));
    });
    assert.equal(status, 400);
    assert.match(body, /<Code>EntityTooLarge<\/Code>/);
    assert.match(body, /<MaxSizeAllowed>5368709120<\/MaxSizeAllowed>/);
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { request } from "node:http";
import { join } from "node:path";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { crc32 } from "node:zlib";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3, awsCli } from "../support/fixture.js";

function crc32Base64(text: string): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(text) >>> 0);
  return b.toString("base64");
}

/** Keys users trip over: spaces, unicode, +, % and dot segments. */
const AWKWARD = ["with space.txt", "ünïcødé/文件.txt", "plus+sign.txt", "percent%20literal.txt", "a/../b.txt"];

describe("S3 through presigned URLs, boto3 and the aws CLI", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  let dir: string;
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    dir = mkdtempSync(join(tmpdir(), "cloudbox-s3-"));
  });
  after(async () => {
    s3.destroy();
    rmSync(dir, { recursive: true, force: true });
    await cb.stop();
  });

  it("presigned GET and PUT URLs work with plain fetch", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "presigned" }));
    const body = "uploaded by fetch";
    // A default client signs a CRC32 into the URL: the real one of the body makes the PUT valid.
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "presigned", Key: "via url+ü.txt", ContentType: "text/plain", ChecksumCRC32: crc32Base64(body) }), { expiresIn: 300 });
    const put = await fetch(putUrl, { method: "PUT", body, headers: { "content-type": "text/plain" } });
    assert.equal(put.status, 200, await put.text());
    assert.ok(put.headers.get("etag"));
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "presigned", Key: "via url+ü.txt" }), { expiresIn: 300 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "text/plain");
    assert.equal(await got.text(), body);
    const ranged = await fetch(getUrl, { headers: { range: "bytes=0-7" } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), "uploaded");
  });

  it("validates the checksum signed into a presigned PUT, as AWS does", async () => {
    // Without ChecksumCRC32 the SDK signs the CRC32 of an empty body (AAAAAA==): AWS then refuses any
    // other body, and so does cloudbox rather than give a false green.
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "presigned", Key: "empty-crc" }), { expiresIn: 300 });
    assert.match(url, /x-amz-checksum-crc32=AAAAAA%3D%3D/);
    const refused = await fetch(url, { method: "PUT", body: "not empty" });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /<Code>BadDigest<\/Code>/);
    const empty = await fetch(url, { method: "PUT", body: "" });
    assert.equal(empty.status, 200);
  });

  it("refuses an expired presigned URL with AccessDenied", async () => {
    const virtual = await startTestCloudbox({ clock: "virtual" });
    try {
      const client = new S3Client(sdkConfig(virtual));
      await client.send(new CreateBucketCommand({ Bucket: "expiring" }));
      await client.send(new PutObjectCommand({ Bucket: "expiring", Key: "k", Body: "v" }));
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: "expiring", Key: "k" }), { expiresIn: 60 });
      assert.equal((await fetch(url)).status, 200);
      virtual.clock.advance!(61_000);
      const res = await fetch(url);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
      client.destroy();
    } finally {
      await virtual.stop();
    }
  });

  it("boto3: upload_file (multipart), download, paginators and awkward keys", async () => {
    const big = join(dir, "boto-big.bin");
    writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, 3));
    const result = (await boto3(cb, `
import boto3, json, hashlib
from boto3.s3.transfer import TransferConfig
s3 = boto3.client("s3", config=boto3.session.Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket="boto")
s3.upload_file(${JSON.stringify(big)}, "boto", "big.bin", Config=TransferConfig(multipart_threshold=5*1024*1024, multipart_chunksize=5*1024*1024))
keys = ${JSON.stringify(AWKWARD)}
for k in keys:
    s3.put_object(Bucket="boto", Key=k, Body=k.encode())
bodies = {k: s3.get_object(Bucket="boto", Key=k)["Body"].read().decode() for k in keys}
head = s3.head_object(Bucket="boto", Key="big.bin")
listed = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto", PaginationConfig={"PageSize": 2}):
    listed += [c["Key"] for c in page.get("Contents", [])]
v1 = []
for page in s3.get_paginator("list_objects").paginate(Bucket="boto", PaginationConfig={"PageSize": 2}):
    v1 += [c["Key"] for c in page.get("Contents", [])]
s3.download_file("boto", "big.bin", ${JSON.stringify(big + ".down")})
print(json.dumps({"bodies": bodies, "length": head["ContentLength"], "etag": head["ETag"], "listed": listed, "v1": v1}))
`)) as { bodies: Record<string, string>; length: number; etag: string; listed: string[]; v1: string[] };
    assert.equal(result.length, 9 * 1024 * 1024);
    assert.match(result.etag, /-2"$/);
    for (const k of AWKWARD) assert.equal(result.bodies[k], k);
    const expected = ["big.bin", ...AWKWARD].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(result.listed, expected);
    assert.deepEqual(result.v1, expected);
    assert.ok(readFileSync(big + ".down").equals(Buffer.alloc(9 * 1024 * 1024, 3)));
  });

  it("aws CLI: s3 cp, sync, ls --recursive and rb --force with awkward keys", async () => {
    const src = join(dir, "tree");
    for (const k of AWKWARD) {
      const path = join(src, k.replace("a/../b.txt", "a-dot-dot-b.txt"));
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, `content of ${k}`);
    }
    assert.equal((await awsCli(cb, ["s3", "mb", "s3://cli-bucket"])).code, 0);
    const sync = await awsCli(cb, ["s3", "sync", src, "s3://cli-bucket/tree"]);
    assert.equal(sync.code, 0, sync.stderr);
    const cp = await awsCli(cb, ["s3", "cp", join(src, "with space.txt"), "s3://cli-bucket/a/../b"]);
    assert.equal(cp.code, 0, cp.stderr);
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: "cli-bucket" }));
    const keys = objects.Contents?.map((c) => c.Key) ?? [];
    assert.ok(keys.includes("tree/with space.txt"), keys.join(","));
    assert.ok(keys.includes("tree/ünïcødé/文件.txt"));
    assert.ok(keys.includes("tree/plus+sign.txt"));
    assert.ok(keys.includes("tree/percent%20literal.txt"));
    assert.ok(keys.includes("a/../b"), "the key keeps its dot segments");
    const ls = await awsCli(cb, ["s3", "ls", "--recursive", "s3://cli-bucket"]);
    assert.equal(ls.code, 0, ls.stderr);
    for (const k of keys) assert.ok(ls.stdout.includes(k!), `ls shows ${k}:\n${ls.stdout}`);
    const down = join(dir, "down");
    const back = await awsCli(cb, ["s3", "sync", "s3://cli-bucket/tree", down]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(readFileSync(join(down, "plus+sign.txt"), "utf8"), "content of plus+sign.txt");
    assert.equal(readFileSync(join(down, "ünïcødé", "文件.txt"), "utf8"), "content of ünïcødé/文件.txt");
    const again = await awsCli(cb, ["s3", "sync", src, "s3://cli-bucket/tree"]);
    assert.equal(again.stdout.trim(), "", "a second sync uploads nothing");
    const cpDown = await awsCli(cb, ["s3", "cp", "s3://cli-bucket/tree/with space.txt", join(dir, "single.txt")]);
    assert.equal(cpDown.code, 0, cpDown.stderr);
    assert.equal(readFileSync(join(dir, "single.txt"), "utf8"), "content of with space.txt");
    const rb = await awsCli(cb, ["s3", "rb", "--force", "s3://cli-bucket"]);
    assert.equal(rb.code, 0, rb.stderr);
    const buckets = await awsCli(cb, ["s3api", "list-buckets"]);
    assert.ok(!(buckets.json as { Buckets: { Name: string }[] }).Buckets.some((b) => b.Name === "cli-bucket"));
    assert.ok(readdirSync(down).length > 0);
  });

  it("answers virtual-host style requests", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "vhost" }));
    await s3.send(new PutObjectCommand({ Bucket: "vhost", Key: "k.txt", Body: "virtual" }));
    // fetch will not send a Host of our choosing; node:http will.
    const url = new URL(cb.endpoint);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: "/k.txt", headers: { host: `vhost.localhost:${url.port}` } }, (r) => {
        let body = "";
        r.on("data", (d: Buffer) => (body += d.toString()));
        r.on("end", () => resolve({ status: r.statusCode!, body }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(res.status, 200);
    assert.equal(res.body, "virtual");
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, DeleteObjectsCommand,
  CopyObjectCommand, PutBucketVersioningCommand, GetBucketVersioningCommand, ListObjectVersionsCommand, ListObjectsV2Command,
  DeleteBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { ListObjectVersionsCommandOutput } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

describe("S3 versioning (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  async function versionedBucket(Bucket: string): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
  }
  const text = async (Bucket: string, Key: string, VersionId?: string) => (await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToString();

  it("reports the versioning state: none until configured, then Enabled or Suspended", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "state" }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "state" }))).Status, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket: "state", VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "state" }))).Status, "Enabled");
    await s3.send(new PutBucketVersioningCommand({ Bucket: "state", VersioningConfiguration: { Status: "Suspended" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "state" }))).Status, "Suspended");
  });

  it("refuses MFA delete (not honoured) with 501 and a bad status with MalformedXML", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "mfa" }));
    const mfa = await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: "mfa", VersioningConfiguration: { Status: "Enabled", MFADelete: "Enabled" } })), "NotImplemented", 501);
    assert.match(mfa.message, /MfaDelete/);
    await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: "mfa", MFA: "serial 123456", VersioningConfiguration: { Status: "Enabled" } })), "NotImplemented", 501);
    await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: "mfa", VersioningConfiguration: { Status: "On" as "Enabled" } })), "MalformedXML", 400);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "mfa" }))).Status, undefined);
  });

  it("keeps every version of a key, each with its own id, and reads any of them", async () => {
    await versionedBucket("keep");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "keep", Key: "k", Body: "one" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "keep", Key: "k", Body: "two" }));
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    assert.notEqual(v1.VersionId, "null");
    const got = await s3.send(new GetObjectCommand({ Bucket: "keep", Key: "k" }));
    assert.equal(got.VersionId, v2.VersionId);
    assert.equal(await got.Body!.transformToString(), "two");
    assert.equal(await text("keep", "k", v1.VersionId), "one");
    const head = await s3.send(new HeadObjectCommand({ Bucket: "keep", Key: "k", VersionId: v1.VersionId }));
    assert.equal(head.VersionId, v1.VersionId);
    assert.equal(head.ContentLength, 3);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "keep" }));
    assert.deepEqual(listed.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]), [["k", v2.VersionId, true, 3], ["k", v1.VersionId, false, 3]]);
    const current = await s3.send(new ListObjectsV2Command({ Bucket: "keep" }));
    assert.equal(current.KeyCount, 1);
  });

  it("a delete adds a delete marker: the key is gone from GET and listings, the versions stay", async () => {
    await versionedBucket("markers");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "markers", Key: "doc", Body: "kept" }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: "markers", Key: "doc" }));
    assert.equal(deleted.DeleteMarker, true);
    assert.ok(deleted.VersionId && deleted.VersionId !== v1.VersionId);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "markers", Key: "doc" })), "NoSuchKey", 404);
    // The 404 says the current version is a delete marker, and names it.
    const res = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: "markers", Key: "doc" })));
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amz-delete-marker"), "true");
    assert.equal(res.headers.get("x-amz-version-id"), deleted.VersionId);
    // Naming the delete marker's version: 405 MethodNotAllowed.
    const byId = await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "markers", Key: "doc", VersionId: deleted.VersionId })), "MethodNotAllowed", 405);
    assert.match(byId.message, /not allowed against this resource/);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: "markers" }))).KeyCount, 0);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "markers" }));
    assert.deepEqual(listed.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest]), [["doc", deleted.VersionId, true]]);
    assert.deepEqual(listed.Versions!.map((v) => [v.VersionId, v.IsLatest]), [[v1.VersionId, false]]);
    assert.equal(await text("markers", "doc", v1.VersionId), "kept");
    // Deleting the marker brings the object back.
    const undone = await s3.send(new DeleteObjectCommand({ Bucket: "markers", Key: "doc", VersionId: deleted.VersionId }));
    assert.equal(undone.DeleteMarker, true);
    assert.equal(undone.VersionId, deleted.VersionId);
    assert.equal(await text("markers", "doc"), "kept");
  });

  it("deleting a version for good makes the next newest current; the bucket is not empty while versions remain", async () => {
    await versionedBucket("purge");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "purge", Key: "k", Body: "one" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "purge", Key: "k", Body: "two" }));
    const gone = await s3.send(new DeleteObjectCommand({ Bucket: "purge", Key: "k", VersionId: v2.VersionId }));
    assert.equal(gone.VersionId, v2.VersionId);
    assert.equal(gone.DeleteMarker, undefined);
    const got = await s3.send(new GetObjectCommand({ Bucket: "purge", Key: "k" }));
    assert.equal(got.VersionId, v1.VersionId);
    assert.equal(await got.Body!.transformToString(), "one");
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "purge", Key: "k", VersionId: v2.VersionId })), "NoSuchVersion", 404);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "purge", Key: "k" }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "purge" })), "BucketNotEmpty", 409);
    await s3.send(new DeleteObjectCommand({ Bucket: "purge", Key: "k", VersionId: v1.VersionId }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "purge" })), "BucketNotEmpty", 409);
    await s3.send(new DeleteObjectCommand({ Bucket: "purge", Key: "k", VersionId: marker.VersionId }));
    await s3.send(new DeleteBucketCommand({ Bucket: "purge" }));
  });

  it("suspended versioning writes and deletes the one null version and keeps the others", async () => {
    await versionedBucket("suspended");
    const kept = await s3.send(new PutObjectCommand({ Bucket: "suspended", Key: "k", Body: "versioned" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "suspended", VersioningConfiguration: { Status: "Suspended" } }));
    const n1 = await s3.send(new PutObjectCommand({ Bucket: "suspended", Key: "k", Body: "null one" }));
    assert.equal(n1.VersionId, "null");
    await s3.send(new PutObjectCommand({ Bucket: "suspended", Key: "k", Body: "null two" }));
    let listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "suspended" }));
    assert.deepEqual(listed.Versions!.map((v) => [v.VersionId, v.IsLatest]), [["null", true], [kept.VersionId, false]]);
    assert.equal(await text("suspended", "k", "null"), "null two");
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "suspended", Key: "k" }));
    assert.equal(marker.DeleteMarker, true);
    assert.equal(marker.VersionId, "null");
    listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "suspended" }));
    // The delete marker replaced the null version.
    assert.deepEqual(listed.Versions!.map((v) => v.VersionId), [kept.VersionId]);
    assert.deepEqual(listed.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest]), [["null", true]]);
    // Re-enabled: new writes get ids again, the null marker stays an older version.
    await s3.send(new PutBucketVersioningCommand({ Bucket: "suspended", VersioningConfiguration: { Status: "Enabled" } }));
    const v3 = await s3.send(new PutObjectCommand({ Bucket: "suspended", Key: "k", Body: "three" }));
    assert.notEqual(v3.VersionId, "null");
    listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "suspended" }));
    assert.deepEqual([...listed.Versions!.map((v) => v.VersionId), ...listed.DeleteMarkers!.map((m) => m.VersionId)], [v3.VersionId, kept.VersionId, "null"]);
  });

  it("objects of a bucket that was never versioned are its null version", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "plain" }));
    const put = await s3.send(new PutObjectCommand({ Bucket: "plain", Key: "k", Body: "v" }));
    assert.equal(put.VersionId, undefined);
    assert.equal((await s3.send(new GetObjectCommand({ Bucket: "plain", Key: "k" }))).VersionId, undefined);
    assert.equal(await text("plain", "k", "null"), "v");
    const invalid = await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "plain", Key: "k", VersionId: "3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" })), "InvalidArgument", 400);
    assert.equal(invalid.message, "Invalid version id specified");
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: "plain", Key: "k", VersionId: "someversion" })), "InvalidArgument", 400);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "plain" }));
    assert.deepEqual(listed.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest]), [["k", "null", true]]);
    // Enabling versioning keeps the object as the null version, now answered as such.
    await s3.send(new PutBucketVersioningCommand({ Bucket: "plain", VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: "plain", Key: "k" }))).VersionId, "null");
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "plain", Key: "k", Body: "w" }));
    assert.equal(await text("plain", "k", "null"), "v");
    assert.equal(await text("plain", "k", v2.VersionId), "w");
  });

  it("lists versions page by page with key and version-id markers, prefix, delimiter and url encoding", async () => {
    await versionedBucket("pages");
    const ids: [string, string][] = [];
    for (const key of ["a", "b", "dir/x", "dir/y", "c d"]) {
      for (let i = 0; i < 3; i++) ids.push([key, (await s3.send(new PutObjectCommand({ Bucket: "pages", Key: key, Body: `${key}${i}` }))).VersionId!]);
    }
    await s3.send(new DeleteObjectCommand({ Bucket: "pages", Key: "b" }));
    // S3 order: keys in byte order, each key's newest version first.
    const expected = ["a", "b", "c d", "dir/x", "dir/y"].flatMap((key) => ids.filter(([k]) => k === key).map(([, id]) => `${key}@${id}`).reverse());
    const all: string[] = [];
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    let pages = 0;
    for (;;) {
      const page: ListObjectVersionsCommandOutput = await s3.send(new ListObjectVersionsCommand({ Bucket: "pages", MaxKeys: 4, ...markers }));
      pages++;
      const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].sort((x, y) => (x.Key! < y.Key! ? -1 : x.Key! > y.Key! ? 1 : 0));
      assert.ok(entries.length <= 4);
      for (const v of page.Versions ?? []) all.push(`${v.Key}@${v.VersionId}`);
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
    assert.deepEqual(all, expected);
    assert.equal(pages, 4);
    const folders = await s3.send(new ListObjectVersionsCommand({ Bucket: "pages", Delimiter: "/" }));
    assert.deepEqual(folders.CommonPrefixes, [{ Prefix: "dir/" }]);
    assert.equal(folders.Versions!.length, 9);
    const prefixed = await s3.send(new ListObjectVersionsCommand({ Bucket: "pages", Prefix: "dir/", MaxKeys: 2 }));
    assert.deepEqual(prefixed.Versions!.map((v) => v.Key), ["dir/x", "dir/x"]);
    assert.equal(prefixed.NextKeyMarker, "dir/x");
    // Only the key marker: listing resumes after every version of that key.
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: "pages", KeyMarker: "c d" }));
    assert.deepEqual([...new Set(after.Versions!.map((v) => v.Key))], ["dir/x", "dir/y"]);
    const encoded = await s3.send(new ListObjectVersionsCommand({ Bucket: "pages", Prefix: "c", EncodingType: "url" }));
    assert.equal(encoded.Versions![0]!.Key, "c+d");
    await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket: "pages", VersionIdMarker: ids[0]![1] })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket: "pages", KeyMarker: "a", VersionIdMarker: "nosuchversionid" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new ListObjectVersionsCommand({ Bucket: "pages", EncodingType: "base64" as "url" })), "InvalidArgument", 400);
  });

  it("DeleteObjects deletes versions and adds delete markers, saying which", async () => {
    await versionedBucket("batch");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "batch", Key: "x", Body: "1" }));
    await s3.send(new PutObjectCommand({ Bucket: "batch", Key: "y", Body: "2" }));
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: "batch", Delete: { Objects: [{ Key: "x", VersionId: v1.VersionId }, { Key: "y" }] } }));
    const byKey = Object.fromEntries(result.Deleted!.map((d) => [d.Key, d]));
    assert.equal(byKey.x!.VersionId, v1.VersionId);
    assert.equal(byKey.x!.DeleteMarker, undefined);
    assert.equal(byKey.y!.DeleteMarker, true);
    assert.ok(byKey.y!.DeleteMarkerVersionId);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "batch" }));
    assert.deepEqual(listed.Versions!.map((v) => v.Key), ["y"]);
    assert.deepEqual(listed.DeleteMarkers!.map((m) => m.VersionId), [byKey.y!.DeleteMarkerVersionId]);
    const undo = await s3.send(new DeleteObjectsCommand({ Bucket: "batch", Delete: { Objects: [{ Key: "y", VersionId: byKey.y!.DeleteMarkerVersionId }] } }));
    assert.deepEqual(undo.Deleted, [{ Key: "y", VersionId: byKey.y!.DeleteMarkerVersionId, DeleteMarker: true, DeleteMarkerVersionId: byKey.y!.DeleteMarkerVersionId }]);
    assert.equal(await text("batch", "y"), "2");
  });

  it("copies a chosen version (x-amz-copy-source ?versionId=) and names the versions of both sides", async () => {
    await versionedBucket("copies");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "copies", Key: "src", Body: "old" }));
    await s3.send(new PutObjectCommand({ Bucket: "copies", Key: "src", Body: "new" }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: "copies", Key: "dst", CopySource: `copies/src?versionId=${v1.VersionId}` }));
    assert.equal(copied.CopySourceVersionId, v1.VersionId);
    assert.ok(copied.VersionId);
    assert.equal(await text("copies", "dst"), "old");
    // Restoring an old version by copying it over its own key is allowed.
    await s3.send(new CopyObjectCommand({ Bucket: "copies", Key: "src", CopySource: `copies/src?versionId=${v1.VersionId}` }));
    assert.equal(await text("copies", "src"), "old");
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "copies", Key: "src" }));
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: "copies", Key: "x", CopySource: "copies/src" })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: "copies", Key: "x", CopySource: `copies/src?versionId=${marker.VersionId}` })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: "copies", Key: "x", CopySource: "copies/src?versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })), "NoSuchVersion", 404);
  });

  it("a completed multipart upload is a new version; UploadPartCopy reads a chosen version", async () => {
    await versionedBucket("parts");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "parts", Key: "src", Body: "first" }));
    await s3.send(new PutObjectCommand({ Bucket: "parts", Key: "src", Body: "second" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "parts", Key: "big" }));
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: "parts", Key: "big", UploadId, PartNumber: 1, CopySource: `parts/src?versionId=${v1.VersionId}` }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: "parts", Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] } }));
    assert.ok(done.VersionId && done.VersionId !== "null");
    assert.equal(await text("parts", "big"), "first");
    const { UploadId: second } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "parts", Key: "big" }));
    const up = await s3.send(new UploadPartCommand({ Bucket: "parts", Key: "big", UploadId: second, PartNumber: 1, Body: "again" }));
    const again = await s3.send(new CompleteMultipartUploadCommand({ Bucket: "parts", Key: "big", UploadId: second, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: up.ETag }] } }));
    assert.equal(await text("parts", "big", done.VersionId), "first");
    assert.equal(await text("parts", "big", again.VersionId), "again");
  });

  it("If-None-Match: * writes over a delete marker, as the key has no object", async () => {
    await versionedBucket("create-only");
    await s3.send(new PutObjectCommand({ Bucket: "create-only", Key: "k", Body: "1" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "create-only", Key: "k", Body: "2", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    await s3.send(new DeleteObjectCommand({ Bucket: "create-only", Key: "k" }));
    await s3.send(new PutObjectCommand({ Bucket: "create-only", Key: "k", Body: "3", IfNoneMatch: "*" }));
    assert.equal(await text("create-only", "k"), "3");
  });
});

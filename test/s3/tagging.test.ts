import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, CopyObjectCommand, PutBucketVersioningCommand,
  PutObjectTaggingCommand, GetObjectTaggingCommand, DeleteObjectTaggingCommand, PutBucketTaggingCommand, GetBucketTaggingCommand,
  DeleteBucketTaggingCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

describe("S3 tagging (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const Bucket = "tags";
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  const tagsOf = async (Key: string, VersionId?: string, bucket = Bucket) => (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key, VersionId }))).TagSet;

  it("stores the tags of x-amz-tagging on PutObject and counts them on GET and HEAD", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "tagged", Body: "x", Tagging: "team=core&cost%20center=a+b&empty=" }));
    assert.deepEqual(await tagsOf("tagged"), [{ Key: "team", Value: "core" }, { Key: "cost center", Value: "a b" }, { Key: "empty", Value: "" }]);
    assert.equal((await s3.send(new GetObjectCommand({ Bucket, Key: "tagged" }))).TagCount, 3);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "tagged" }))).TagCount, 3);
    await s3.send(new PutObjectCommand({ Bucket, Key: "untagged", Body: "x" }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "untagged" }))).TagCount, undefined);
    assert.deepEqual(await tagsOf("untagged"), []);
  });

  it("puts, gets and deletes an object's tag set", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "edited", Body: "x" }));
    const tags = [{ Key: "ünï/文", Value: "a+b-c=d.e_f:g@h" }, { Key: "k", Value: "v" }];
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: "edited", Tagging: { TagSet: tags } }));
    assert.deepEqual(await tagsOf("edited"), tags);
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: "edited", Tagging: { TagSet: [{ Key: "only", Value: "one" }] } }));
    assert.deepEqual(await tagsOf("edited"), [{ Key: "only", Value: "one" }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: "edited" }));
    assert.deepEqual(await tagsOf("edited"), []);
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket, Key: "missing" })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new PutObjectTaggingCommand({ Bucket, Key: "missing", Tagging: { TagSet: [] } })), "NoSuchKey", 404);
  });

  it("refuses tag sets S3 refuses, with its codes and messages", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "strict", Body: "x" }));
    const put = (TagSet: { Key: string; Value: string }[]) => s3.send(new PutObjectTaggingCommand({ Bucket, Key: "strict", Tagging: { TagSet } }));
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "" }));
    assert.equal((await rejectsWith(put(eleven), "BadRequest", 400)).message, "Object tags cannot be greater than 10");
    assert.equal((await rejectsWith(put([{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }]), "InvalidTag", 400)).message, "Cannot provide multiple Tags with the same key");
    assert.equal((await rejectsWith(put([{ Key: "k".repeat(129), Value: "" }]), "InvalidTag", 400)).message, "The TagKey you have provided is invalid");
    assert.equal((await rejectsWith(put([{ Key: "k", Value: "v".repeat(257) }]), "InvalidTag", 400)).message, "The TagValue you have provided is invalid");
    await rejectsWith(put([{ Key: "a,b", Value: "" }]), "InvalidTag", 400);
    await rejectsWith(put([{ Key: "k", Value: "😀" }]), "InvalidTag", 400);
    assert.equal((await rejectsWith(put([{ Key: "aws:cost", Value: "" }]), "InvalidTag", 400)).message, "System tags cannot be added/updated by requester");
    // 128 and 256 characters (not bytes) are the limits.
    await put([{ Key: "文".repeat(128), Value: "字".repeat(256) }]);
    const header = await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "new", Body: "x", Tagging: "a=1&a=2" })), "InvalidArgument", 400);
    assert.match(header.message, /x-amz-tagging' shall be encoded as UTF-8 then URLEncoded/);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "new", Body: "x", Tagging: "a=%FF" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "new", Body: "x", Tagging: "=1" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket, Key: "new" })), "NoSuchKey", 404);
  });

  it("tags each version on its own", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "tag-versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "tag-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "tag-versions", Key: "k", Body: "1", Tagging: "v=1" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "tag-versions", Key: "k", Body: "2" }));
    const put = await s3.send(new PutObjectTaggingCommand({ Bucket: "tag-versions", Key: "k", VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: "old", Value: "yes" }] } }));
    assert.equal(put.VersionId, v1.VersionId);
    assert.deepEqual(await tagsOf("k", v1.VersionId, "tag-versions"), [{ Key: "old", Value: "yes" }]);
    assert.deepEqual(await tagsOf("k", undefined, "tag-versions"), []);
    const got = await s3.send(new GetObjectTaggingCommand({ Bucket: "tag-versions", Key: "k" }));
    assert.equal(got.VersionId, v2.VersionId);
    const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket: "tag-versions", Key: "k", VersionId: v1.VersionId }));
    assert.equal(deleted.VersionId, v1.VersionId);
    assert.deepEqual(await tagsOf("k", v1.VersionId, "tag-versions"), []);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "tag-versions", Key: "k" }));
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket: "tag-versions", Key: "k", VersionId: marker.VersionId })), "MethodNotAllowed", 405);
    await rejectsWith(s3.send(new GetObjectTaggingCommand({ Bucket: "tag-versions", Key: "k" })), "NoSuchKey", 404);
  });

  it("CopyObject copies the tags, or replaces them with x-amz-tagging-directive REPLACE", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "source", Body: "x", Tagging: "from=source" }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: "copied", CopySource: `${Bucket}/source` }));
    assert.deepEqual(await tagsOf("copied"), [{ Key: "from", Value: "source" }]);
    await s3.send(new CopyObjectCommand({ Bucket, Key: "replaced", CopySource: `${Bucket}/source`, TaggingDirective: "REPLACE", Tagging: "new=tag" }));
    assert.deepEqual(await tagsOf("replaced"), [{ Key: "new", Value: "tag" }]);
    await s3.send(new CopyObjectCommand({ Bucket, Key: "cleared", CopySource: `${Bucket}/source`, TaggingDirective: "REPLACE" }));
    assert.deepEqual(await tagsOf("cleared"), []);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket, Key: "bad", CopySource: `${Bucket}/source`, TaggingDirective: "MERGE" as "COPY" })), "InvalidArgument", 400);
  });

  it("a multipart upload keeps the tags of CreateMultipartUpload", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "multi", Tagging: "kind=multipart" }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: "multi", UploadId, PartNumber: 1, Body: "p" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "multi", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.deepEqual(await tagsOf("multi"), [{ Key: "kind", Value: "multipart" }]);
    await rejectsWith(s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "multi2", Tagging: "aws:x=1" })), "InvalidTag", 400);
  });

  it("bucket tags: NoSuchTagSet until set, then put, get and delete", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bucket-tags" }));
    const none = await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: "bucket-tags" })), "NoSuchTagSet", 404);
    assert.equal(none.message, "The TagSet does not exist");
    await s3.send(new PutBucketTaggingCommand({ Bucket: "bucket-tags", Tagging: { TagSet: [{ Key: "env", Value: "test" }, { Key: "owner", Value: "me" }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: "bucket-tags" }))).TagSet, [{ Key: "env", Value: "test" }, { Key: "owner", Value: "me" }]);
    await rejectsWith(s3.send(new PutBucketTaggingCommand({ Bucket: "bucket-tags", Tagging: { TagSet: [{ Key: "a", Value: "" }, { Key: "a", Value: "" }] } })), "InvalidTag", 400);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: "bucket-tags" }));
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: "bucket-tags" })), "NoSuchTagSet", 404);
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: "no-such-bucket-here" })), "NoSuchBucket", 404);
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, GetBucketLocationCommand, DeleteBucketCommand, PutObjectCommand,
  DeleteObjectCommand, BucketAlreadyExists, BucketAlreadyOwnedByYou, NoSuchBucket, NotFound,
} from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { rejectsWith } from "./support.js";


describe("S3 buckets (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const otherAccount = () => new S3Client({ ...sdkConfig(cb), credentials: { accessKeyId: "111122223333", secretAccessKey: "x" } });
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  it("creates, heads, lists, locates and deletes a bucket", async () => {
    const created = await s3.send(new CreateBucketCommand({ Bucket: "alpha-bucket" }));
    assert.equal(created.Location, "/alpha-bucket");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket" }));
    assert.equal(head.BucketRegion, "us-east-1");
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: "alpha-bucket" }));
    assert.ok(!location.LocationConstraint, "us-east-1 has an empty constraint");
    const list = await s3.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ["alpha-bucket"]);
    assert.ok(list.Buckets?.[0]?.CreationDate instanceof Date);
    await s3.send(new DeleteBucketCommand({ Bucket: "alpha-bucket" }));
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket" })), "NotFound", 404);
  });

  it("refuses invalid names with InvalidBucketName", async () => {
    for (const name of ["ab", "UpperCase", "under_score", "a..b", "192.168.1.1", "-leading", "trailing-", "xn--punycode", "name-s3alias", "a".repeat(64)]) {
      const error = await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: name })), "InvalidBucketName", 400);
      assert.equal((error as unknown as { BucketName?: string }).BucketName, name);
    }
  });

  it("applies the LocationConstraint rules", async () => {
    await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "loc-east", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })), "InvalidLocationConstraint", 400);
    await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "loc-east", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })), "IllegalLocationConstraintException", 400);
    // The SDK always adds its region as the constraint, so the bare request goes through fetch.
    const bare = await fetch(`${cb.endpoint}/loc-west`, { method: "PUT", headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0" } });
    assert.equal(bare.status, 400);
    assert.match(await bare.text(), /<Code>IllegalLocationConstraintException<\/Code><Message>The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.<\/Message>/);
    const west = new S3Client(sdkConfig(cb, "eu-west-1"));
    await west.send(new CreateBucketCommand({ Bucket: "loc-west", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    assert.equal((await west.send(new GetBucketLocationCommand({ Bucket: "loc-west" }))).LocationConstraint, "eu-west-1");
    assert.equal((await west.send(new HeadBucketCommand({ Bucket: "loc-west" }))).BucketRegion, "eu-west-1");
    await rejectsWith(west.send(new CreateBucketCommand({ Bucket: "loc-west", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })), "BucketAlreadyOwnedByYou", 409);
    const inWest = await s3.send(new ListBucketsCommand({ BucketRegion: "eu-west-1" }));
    assert.deepEqual(inWest.Buckets?.map((b) => [b.Name, b.BucketRegion]), [["loc-west", "eu-west-1"]]);
    await west.send(new DeleteBucketCommand({ Bucket: "loc-west" }));
    west.destroy();
  });

  it("shares one namespace across accounts", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "shared-name" }));
    // us-east-1 keeps the legacy answer for your own bucket: 200.
    await s3.send(new CreateBucketCommand({ Bucket: "shared-name" }));
    const other = otherAccount();
    const error = await rejectsWith(other.send(new CreateBucketCommand({ Bucket: "shared-name" })), "BucketAlreadyExists", 409);
    assert.ok(error instanceof BucketAlreadyExists);
    assert.deepEqual((await other.send(new ListBucketsCommand({}))).Buckets ?? [], []);
    await rejectsWith(other.send(new PutObjectCommand({ Bucket: "shared-name", Key: "k", Body: "x" })), "AccessDenied", 403);
    other.destroy();
    await s3.send(new DeleteBucketCommand({ Bucket: "shared-name" }));
    assert.ok(BucketAlreadyOwnedByYou);
  });

  it("pages ListBuckets with prefix and continuation token", async () => {
    for (const n of ["page-a", "page-b", "page-c", "other-x"]) await s3.send(new CreateBucketCommand({ Bucket: n }));
    const first = await s3.send(new ListBucketsCommand({ Prefix: "page-", MaxBuckets: 2 }));
    assert.deepEqual(first.Buckets?.map((b) => b.Name), ["page-a", "page-b"]);
    assert.equal(first.Prefix, "page-");
    assert.ok(first.ContinuationToken);
    const second = await s3.send(new ListBucketsCommand({ Prefix: "page-", MaxBuckets: 2, ContinuationToken: first.ContinuationToken }));
    assert.deepEqual(second.Buckets?.map((b) => b.Name), ["page-c"]);
    assert.equal(second.ContinuationToken, undefined);
    for (const n of ["page-a", "page-b", "page-c", "other-x"]) await s3.send(new DeleteBucketCommand({ Bucket: n }));
  });

  it("refuses to delete a bucket that has objects (BucketNotEmpty 409) and answers NoSuchBucket", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "full-bucket" }));
    await s3.send(new PutObjectCommand({ Bucket: "full-bucket", Key: "k", Body: "x" }));
    const error = await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "full-bucket" })), "BucketNotEmpty", 409);
    assert.match(error.message, /not empty/);
    await s3.send(new DeleteObjectCommand({ Bucket: "full-bucket", Key: "k" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "full-bucket" }));
    const missing = await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "full-bucket" })), "NoSuchBucket", 404);
    assert.ok(missing instanceof NoSuchBucket);
    assert.equal((missing as unknown as { BucketName?: string }).BucketName, "full-bucket");
    assert.ok(NotFound);
  });
});

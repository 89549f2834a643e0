import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, UploadPartCopyCommand, CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand, ListPartsCommand, ListMultipartUploadsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

const MiB = 1024 * 1024;


/** Deterministic bytes: byte i of the stream is (i * 31 + 7) & 0xff. */
function pattern(start: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = ((start + i) * 31 + 7) & 0xff;
  return b;
}

function md5(b: Buffer): Buffer {
  return createHash("md5").update(b).digest();
}

describe("S3 multipart uploads (SDK v3 and lib-storage)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const Bucket = "multipart";
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  it("uploads, lists and completes parts into an md5-N object that reads back whole and by part", async () => {
    const Key = "mp/object.bin";
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: "application/x-mp", Metadata: { kind: "mp" } }));
    const UploadId = create.UploadId!;
    assert.ok(UploadId);
    const p1 = pattern(0, 5 * MiB);
    const p2 = pattern(5 * MiB, 1234);
    const r2 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: p2 }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: p1 }));
    assert.equal(r1.ETag, `"${md5(p1).toString("hex")}"`);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [[Key, UploadId]]);
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), [[1, p1.length, r1.ETag], [2, p2.length, r2.ETag]]);
    const page = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 1 }));
    assert.equal(page.IsTruncated, true);
    assert.equal(page.NextPartNumberMarker, "1");
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] } }));
    const expectedEtag = `"${createHash("md5").update(Buffer.concat([md5(p1), md5(p2)])).digest("hex")}-2"`;
    assert.equal(done.ETag, expectedEtag);
    assert.equal(done.Key, Key);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    assert.equal(head.ContentLength, p1.length + p2.length);
    assert.equal(head.PartsCount, 2);
    assert.equal(head.ContentType, "application/x-mp");
    assert.deepEqual(head.Metadata, { kind: "mp" });
    const whole = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());
    assert.ok(whole.equals(Buffer.concat([p1, p2])));
    const second = await s3.send(new GetObjectCommand({ Bucket, Key, PartNumber: 2 }));
    assert.equal(second.ContentRange, `bytes ${p1.length}-${p1.length + p2.length - 1}/${p1.length + p2.length}`);
    assert.ok(Buffer.from(await second.Body!.transformToByteArray()).equals(p2));
    const span = await s3.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${5 * MiB - 3}-${5 * MiB + 2}` }));
    assert.ok(Buffer.from(await span.Body!.transformToByteArray()).equals(pattern(5 * MiB - 3, 6)), "a range across two part blobs");
    await rejectsWith(s3.send(new ListPartsCommand({ Bucket, Key, UploadId })), "NoSuchUpload", 404);
  });

  it("validates part order, ETags and the 5 MiB minimum", async () => {
    const Key = "mp/bad";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const small = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "tiny" }));
    const other = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: "tiny too" }));
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: other.ETag }, { PartNumber: 1, ETag: small.ETag }] } })), "InvalidPartOrder", 400);
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] } })), "InvalidPart", 400);
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: small.ETag }] } })), "InvalidPart", 400);
    const tooSmall = await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: other.ETag }] } })), "EntityTooSmall", 400);
    assert.equal((tooSmall as unknown as { MinSizeAllowed?: string }).MinSizeAllowed, String(5 * MiB));
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 10001, Body: "x" })), "InvalidArgument", 400);
    // A single small part is fine: it is the last one.
    const single = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: small.ETag }] } }));
    assert.match(single.ETag!, /-1"$/);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString(), "tiny");
  });

  it("aborts uploads and answers NoSuchUpload afterwards", async () => {
    const Key = "mp/aborted";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "x" }));
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    assert.equal(aborted.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: "y" })), "NoSuchUpload", 404);
    await rejectsWith(s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })), "NoSuchUpload", 404);
  });

  it("copies parts from existing objects by range (UploadPartCopy)", async () => {
    const source = pattern(0, 6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket, Key: "copy/source", Body: source }));
    const Key = "copy/target";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const c1 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 1, CopySource: `${Bucket}/copy/source`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    assert.equal(c1.CopyPartResult?.ETag, `"${md5(source.subarray(0, 5 * MiB)).toString("hex")}"`);
    const c2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 2, CopySource: `${Bucket}/copy/source`, CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}` }));
    await rejectsWith(s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 3, CopySource: `${Bucket}/copy/source`, CopySourceRange: `bytes=0-${7 * MiB}` })), "InvalidArgument", 400);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: c1.CopyPartResult?.ETag }, { PartNumber: 2, ETag: c2.CopyPartResult?.ETag }] } }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());
    assert.ok(got.equals(source));
  });

  it("computes composite and full-object multipart checksums", async () => {
    const p1 = pattern(0, 5 * MiB);
    const p2 = pattern(1, 100);
    for (const [ChecksumAlgorithm, ChecksumType] of [["SHA256", "COMPOSITE"], ["CRC32", "FULL_OBJECT"], ["CRC64NVME", "FULL_OBJECT"]] as const) {
      const Key = `sum/${ChecksumAlgorithm}`;
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm, ChecksumType }));
      const parts = [];
      for (const [i, Body] of [p1, p2].entries()) {
        const r = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm }));
        parts.push({ PartNumber: i + 1, ETag: r.ETag, [`Checksum${ChecksumAlgorithm}`]: r[`Checksum${ChecksumAlgorithm}`] });
      }
      const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
      assert.equal(done.ChecksumType, ChecksumType);
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
      assert.equal(head[`Checksum${ChecksumAlgorithm}`], done[`Checksum${ChecksumAlgorithm}`]);
      if (ChecksumType === "COMPOSITE") {
        const expected = createHash("sha256").update(Buffer.concat([p1, p2].map((p) => createHash("sha256").update(p).digest()))).digest("base64");
        assert.equal(done.ChecksumSHA256, `${expected}-2`);
        // The SDK does not try to validate a composite checksum against the bytes: the read succeeds.
        const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
        assert.equal(got.ChecksumSHA256, `${expected}-2`);
        assert.equal(got.ChecksumType, "COMPOSITE");
        assert.equal((await got.Body!.transformToByteArray()).length, p1.length + p2.length);
      } else {
        // A full-object CRC equals the CRC of a single PUT of the same bytes.
        const single = await s3.send(new PutObjectCommand({ Bucket, Key: `${Key}-single`, Body: Buffer.concat([p1, p2]), ChecksumAlgorithm }));
        assert.equal(done[`Checksum${ChecksumAlgorithm}`], single[`Checksum${ChecksumAlgorithm}`]);
        // and the SDK validates it when reading back
        const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
        assert.equal((await got.Body!.transformToByteArray()).length, p1.length + p2.length);
      }
    }
  });

  it("completes only if the key is absent (If-None-Match: *) or matches (If-Match)", async () => {
    const Key = "mp/conditional";
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "existing" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "new" }));
    const Parts = [{ PartNumber: 1, ETag: part.ETag }];
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfNoneMatch: "*", MultipartUpload: { Parts } })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfMatch: '"abc"', MultipartUpload: { Parts } })), "PreconditionFailed", 412);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfMatch: head.ETag, MultipartUpload: { Parts } }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString(), "new");
  });

  it("lib-storage Upload streams a generated 100 MiB body", async () => {
    const total = 100 * MiB;
    const block = pattern(0, MiB);
    async function* generate() {
      for (let sent = 0; sent < total; sent += MiB) yield block;
    }
    const upload = new Upload({ client: s3, params: { Bucket, Key: "big/100mib", Body: Readable.from(generate()) } });
    const result = await upload.done();
    assert.match(result.ETag!, /-\d+"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "big/100mib", ChecksumMode: "ENABLED" }));
    assert.equal(got.ContentLength, total);
    const hash = createHash("md5");
    let n = 0;
    for await (const chunk of got.Body as Readable) {
      hash.update(chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    assert.equal(n, total);
    const expected = createHash("md5");
    for (let i = 0; i < 100; i++) expected.update(block);
    assert.equal(hash.digest("hex"), expected.digest("hex"));
  });
});

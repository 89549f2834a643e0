import { createHash, randomBytes } from "node:crypto";
import type {
  AbortMultipartUploadRequest, CompleteMultipartUploadRequest, CreateMultipartUploadRequest, ListMultipartUploadsRequest,
  ListPartsRequest, UploadPartCopyRequest, UploadPartRequest,
} from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { BlobSegment } from "../blobs/blob-store.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, PartRow, S3Store, UploadRow } from "./s3-store.js";
import { S3Store as Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import type { BodyInput } from "./body-writer.js";
import { CHECKSUM_ALGORITHMS, writeBody } from "./body-writer.js";
import type { ChecksumAlgorithm } from "../../sdk-compat/checksums/checksum.js";
import { createChecksum } from "../../sdk-compat/checksums/checksum.js";
import { combineFullObjectCrc, compositeChecksum } from "../../sdk-compat/checksums/multipart-checksum.js";
import { checkCopySourceConditions, checkWriteConditions } from "./conditions.js";
import { parseCopySource } from "./copy-source.js";
import { checkKeyAndMetadata, segmentsOf, sliceSegments, storedAttributes } from "./object-view.js";
import { committedState, MAX_SINGLE_UPLOAD, storageClassOf } from "./object-handlers.js";
import { urlEncodeKey } from "./listing.js";
import { NEW_VERSION } from "./s3-store.js";
import { answeredVersionId, Versions } from "./versions.js";
import { storedTags, tagsOfHeader } from "./tags.js";
import { lockOfWrite } from "./object-lock.js";
import { checkReadable } from "./restore.js";

/** Every part but the last must be at least 5 MiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10000;

type Out = Record<string, unknown>;

const unquote = (etag: string): string => etag.trim().replace(/^"(.*)"$/, "$1");

export function multipartHandlers(store: S3Store, clock: Clock, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const s = store.s;
  const versions = new Versions(store);

  function uploadOf(bucket: BucketRow, key: string, uploadId: string): UploadRow {
    const upload = s.upload.get(uploadId) as UploadRow | undefined;
    if (!upload || upload.bucket_id !== bucket.id || upload.key !== key) throw S3Errors.noSuchUpload(uploadId);
    return upload;
  }

  function checkPartNumber(n: number | undefined): number {
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
      throw S3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", String(n));
    }
    return n;
  }

  /** Stores a part (replacing any earlier one with its number); the segments' references pass to the part. */
  function commitPart(bucket: BucketRow, key: string, uploadId: string, part: Omit<PartRow, "upload_id" | "last_modified">, blobIds: string[]): number {
    const now = clock.now();
    try {
      store.db.transaction(() => {
        uploadOf(bucket, key, uploadId);
        const old = s.part.get(uploadId, part.part_number) as PartRow | undefined;
        s.upsertPart.run({ ...part, upload_id: uploadId, last_modified: now });
        if (old) store.releaseAll(Store.blobIds(old));
      });
    } catch (error) {
      store.releaseAll(blobIds);
      throw error;
    }
    return now;
  }

  function checksumOut(algorithm: string | null, value: string | null | undefined, type?: string | null): Out {
    return algorithm && value ? { [`Checksum${algorithm}`]: value, ...(type ? { ChecksumType: type } : {}) } : {};
  }

  return {
    CreateMultipartUpload(input: CreateMultipartUploadRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      checkKeyAndMetadata(input.Key!, input.Metadata);
      const algorithm = input.ChecksumAlgorithm?.toUpperCase() as ChecksumAlgorithm | undefined;
      if (algorithm && !CHECKSUM_ALGORITHMS.includes(algorithm)) throw S3Errors.invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
      let type = input.ChecksumType as string | undefined;
      if (type && !algorithm) throw S3Errors.invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
      if (algorithm) {
        type ??= algorithm === "CRC64NVME" ? "FULL_OBJECT" : "COMPOSITE";
        if (type === "FULL_OBJECT" && algorithm.startsWith("SHA")) throw S3Errors.invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
        if (type === "COMPOSITE" && algorithm === "CRC64NVME") throw S3Errors.invalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
      }
      const tags = input.Tagging !== undefined ? storedTags(tagsOfHeader(input.Tagging)) : null;
      const lock = lockOfWrite(bucket.object_lock, input, clock.now());
      const uploadId = randomBytes(48).toString("base64url");
      s.insertUpload.run({
        upload_id: uploadId, bucket_id: bucket.id, key: input.Key!, initiated: clock.now(), account: ctx.account,
        ...storedAttributes(input), storage_class: storageClassOf(input.StorageClass),
        checksum_algorithm: algorithm ?? null, checksum_type: algorithm ? type! : null, tags, ...lock,
      });
      const out: Out = { Bucket: bucket.name, Key: input.Key, UploadId: uploadId, ServerSideEncryption: "AES256" };
      if (algorithm) Object.assign(out, { ChecksumAlgorithm: algorithm, ChecksumType: type });
      return out;
    },

    async UploadPart(input: UploadPartRequest, ctx: OperationContext): Promise<Out> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const partNumber = checkPartNumber(input.PartNumber);
      const upload = uploadOf(bucket, input.Key!, input.UploadId!);
      if (input.ContentLength !== undefined && input.ContentLength > MAX_SINGLE_UPLOAD) throw S3Errors.entityTooLarge(input.ContentLength, MAX_SINGLE_UPLOAD);
      const written = await writeBody(store.blobs, input as BodyInput, MAX_SINGLE_UPLOAD, (upload.checksum_algorithm ?? undefined) as ChecksumAlgorithm | undefined);
      const etag = `"${written.md5}"`;
      store.db.transaction(() => store.blobs.retain(written.blob.id));
      commitPart(bucket, input.Key!, input.UploadId!, {
        part_number: partNumber, size: written.blob.size, etag, segments: JSON.stringify([{ id: written.blob.id, length: written.blob.size }]), checksum: written.checksum?.value ?? null,
      }, [written.blob.id]);
      return { ETag: etag, ServerSideEncryption: "AES256", ...checksumOut(written.checksum?.algorithm ?? null, written.checksum?.value) };
    },

    async UploadPartCopy(input: UploadPartCopyRequest, ctx: OperationContext): Promise<Out> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const partNumber = checkPartNumber(input.PartNumber);
      const upload = uploadOf(bucket, input.Key!, input.UploadId!);
      const source = parseCopySource(input.CopySource!);
      const sourceBucket = bucketFor(source.bucket, ctx);
      // Take references on the source bytes first so they outlive a concurrent delete while we hash them.
      const segments = store.db.transaction((): BlobSegment[] => {
        const src = versions.resolveCopySource(sourceBucket, source.key, source.versionId).row;
        checkCopySourceConditions(input, src.etag, src.last_modified);
        checkReadable(src, clock.now());
        let start = 0;
        let end = src.size - 1;
        if (input.CopySourceRange !== undefined) {
          const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange);
          if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= src.size) {
            throw S3Errors.invalidArgument(`Range specified is not valid for source object of size: ${src.size}`, "x-amz-copy-source-range", input.CopySourceRange);
          }
          start = Number(m[1]);
          end = Number(m[2]);
        }
        if (end - start + 1 > MAX_SINGLE_UPLOAD) throw S3Errors.invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_SINGLE_UPLOAD}`);
        const slice = sliceSegments(segmentsOf(src), start, end);
        store.retainAll(slice.map((x) => x.id));
        return slice;
      });
      const ids = segments.map((x) => x.id);
      const size = segments.reduce((n, x) => n + x.length, 0);
      const md5 = createHash("md5");
      const algorithm = upload.checksum_algorithm as ChecksumAlgorithm | null;
      const checksum = algorithm ? createChecksum(algorithm) : undefined;
      try {
        for await (const chunk of store.blobs.readSegments(segments)) {
          md5.update(chunk as Buffer);
          checksum?.update(chunk as Buffer);
        }
      } catch (error) {
        store.db.transaction(() => store.releaseAll(ids));
        throw error;
      }
      const etag = `"${md5.digest("hex")}"`;
      const value = checksum?.digest().toString("base64") ?? null;
      const now = commitPart(bucket, input.Key!, input.UploadId!, { part_number: partNumber, size, etag, segments: JSON.stringify(segments), checksum: value }, ids);
      return { CopyPartResult: { ETag: etag, LastModified: new Date(now), ...checksumOut(algorithm, value) }, ServerSideEncryption: "AES256" };
    },

    CompleteMultipartUpload(input: CompleteMultipartUploadRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const key = input.Key!;
      const uploadId = input.UploadId!;
      const requested = input.MultipartUpload?.Parts ?? [];
      return store.db.transaction((): Out => {
        const upload = uploadOf(bucket, key, uploadId);
        if (requested.length === 0) throw S3Errors.malformedXml();
        if (input.IfMatch !== undefined || input.IfNoneMatch !== undefined) checkWriteConditions(input, s.objectRefs.get(bucket.id, key) as { etag: string } | undefined, key);
        const parts: PartRow[] = [];
        let previous = 0;
        for (const p of requested) {
          const n = p.PartNumber ?? 0;
          if (n <= previous) throw S3Errors.invalidPartOrder(uploadId);
          previous = n;
          const part = s.part.get(uploadId, n) as PartRow | undefined;
          if (!part || p.ETag === undefined || unquote(p.ETag) !== unquote(part.etag)) throw S3Errors.invalidPart(uploadId, n, p.ETag ?? "");
          parts.push(part);
        }
        for (let i = 0; i < parts.length - 1; i++) {
          if (parts[i]!.size < MIN_PART_SIZE) throw S3Errors.entityTooSmall(parts[i]!.size, MIN_PART_SIZE, parts[i]!.part_number, parts[i]!.etag);
        }
        const md5 = createHash("md5");
        for (const part of parts) md5.update(Buffer.from(unquote(part.etag), "hex"));
        const etag = `"${md5.digest("hex")}-${parts.length}"`;
        let checksumValue: string | null = null;
        const algorithm = upload.checksum_algorithm as ChecksumAlgorithm | null;
        if (algorithm) {
          const sums = parts.map((p) => Buffer.from(p.checksum ?? "", "base64"));
          checksumValue = upload.checksum_type === "FULL_OBJECT"
            ? combineFullObjectCrc(algorithm, parts.map((p, i) => ({ checksum: sums[i]!, length: p.size }))).toString("base64")
            : compositeChecksum(algorithm, sums);
          const claimed = (input as unknown as Record<string, unknown>)[`Checksum${algorithm}`] as string | undefined;
          if (upload.checksum_type === "FULL_OBJECT" && claimed !== undefined && claimed !== checksumValue) {
            throw S3Errors.badDigest(`The ${algorithm} you specified did not match the calculated checksum.`);
          }
        }
        // The object is the parts' segments in order: no bytes are copied.
        const segments: BlobSegment[] = parts.flatMap((p) => JSON.parse(p.segments) as BlobSegment[]);
        const size = parts.reduce((n, p) => n + p.size, 0);
        store.retainAll(segments.map((x) => x.id));
        store.removeUpload(uploadId);
        const state = committedState(store, bucket.id, bucket.name);
        const row = {
          bucket_id: bucket.id, key, size, etag, last_modified: clock.now(), blob_id: null, segments: JSON.stringify(segments), part_sizes: JSON.stringify(parts.map((p) => p.size)),
          content_type: upload.content_type, headers: upload.headers, metadata: upload.metadata, storage_class: upload.storage_class,
          checksum_algorithm: algorithm, checksum_value: checksumValue, checksum_type: algorithm ? upload.checksum_type : null,
          part_checksums: algorithm ? JSON.stringify(parts.map((p) => p.checksum ?? "")) : null,
          ...NEW_VERSION, tags: upload.tags, lock_mode: upload.lock_mode, lock_until: upload.lock_until, legal_hold: upload.legal_hold,
        };
        versions.writeCurrent(state.versioning, row);
        const out: Out = {
          Location: `${ctx.baseUrl}/${bucket.name}/${urlEncodeKey(key)}`, Bucket: bucket.name, Key: key, ETag: etag, ServerSideEncryption: "AES256",
          ...checksumOut(algorithm, checksumValue, upload.checksum_type),
        };
        const versionId = answeredVersionId(row.version_id, state.versioning);
        if (versionId !== undefined) out.VersionId = versionId;
        return out;
      });
    },

    AbortMultipartUpload(input: AbortMultipartUploadRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      store.db.transaction(() => {
        uploadOf(bucket, input.Key!, input.UploadId!);
        store.removeUpload(input.UploadId!);
      });
      return {};
    },

    ListParts(input: ListPartsRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const upload = uploadOf(bucket, input.Key!, input.UploadId!);
      const max = Math.min(input.MaxParts ?? 1000, 1000);
      const marker = Number(input.PartNumberMarker ?? 0);
      const rows = s.listParts.all(upload.upload_id, marker, max + 1) as PartRow[];
      const page = rows.slice(0, max);
      const owner = { ID: upload.account, DisplayName: "cloudbox" };
      const out: Out = {
        Bucket: bucket.name, Key: upload.key, UploadId: upload.upload_id, PartNumberMarker: String(marker), MaxParts: max, IsTruncated: rows.length > max,
        Parts: page.map((p) => ({ PartNumber: p.part_number, LastModified: new Date(p.last_modified), ETag: p.etag, Size: p.size, ...checksumOut(upload.checksum_algorithm, p.checksum) })),
        Initiator: owner, Owner: owner, StorageClass: upload.storage_class,
      };
      if (page.length) out.NextPartNumberMarker = String(page[page.length - 1]!.part_number);
      if (upload.checksum_algorithm) Object.assign(out, { ChecksumAlgorithm: upload.checksum_algorithm, ChecksumType: upload.checksum_type });
      return out;
    },

    ListMultipartUploads(input: ListMultipartUploadsRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const prefix = input.Prefix ?? "";
      const delimiter = input.Delimiter ?? "";
      const max = Math.min(input.MaxUploads ?? 1000, 1000);
      const keyMarker = input.KeyMarker ?? "";
      const rows = s.listUploads.all(bucket.id, prefix) as UploadRow[];
      const uploads: Out[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      let last: UploadRow | undefined;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) break;
        if (keyMarker && (row.key < keyMarker || (row.key === keyMarker && (!input.UploadIdMarker || row.upload_id <= input.UploadIdMarker)))) continue;
        const at = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
        if (at !== -1) {
          const common = row.key.slice(0, at + delimiter.length);
          if (prefixes[prefixes.length - 1] === common) continue;
          if (uploads.length + prefixes.length >= max) {
            truncated = true;
            break;
          }
          prefixes.push(common);
          continue;
        }
        if (uploads.length + prefixes.length >= max) {
          truncated = true;
          break;
        }
        const owner = { ID: row.account, DisplayName: "cloudbox" };
        uploads.push({ Key: row.key, UploadId: row.upload_id, Initiated: new Date(row.initiated), StorageClass: row.storage_class, Owner: owner, Initiator: owner, ...(row.checksum_algorithm ? { ChecksumAlgorithm: row.checksum_algorithm, ChecksumType: row.checksum_type } : {}) });
        last = row;
      }
      const out: Out = { Bucket: bucket.name, KeyMarker: keyMarker, UploadIdMarker: input.UploadIdMarker ?? "", MaxUploads: max, IsTruncated: truncated, Prefix: prefix };
      if (uploads.length) out.Uploads = uploads;
      if (prefixes.length) out.CommonPrefixes = prefixes.map((p) => ({ Prefix: p }));
      if (input.Delimiter !== undefined) out.Delimiter = delimiter;
      if (truncated && last) Object.assign(out, { NextKeyMarker: last.key, NextUploadIdMarker: last.upload_id });
      return out;
    },
  };
}

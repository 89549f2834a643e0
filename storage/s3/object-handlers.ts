import type {
  CopyObjectRequest, CopyObjectOutput, DeleteObjectRequest, DeleteObjectsRequest, DeleteObjectsOutput, GetObjectRequest,
  HeadObjectRequest, PutObjectRequest, PutObjectOutput, DeletedObject, _Error as DeleteError,
} from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, ObjectRow, S3Store } from "./s3-store.js";
import { NEW_VERSION, S3Store as Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { writeBody } from "./body-writer.js";
import type { BodyInput } from "./body-writer.js";
import { checkCopySourceConditions, checkReadConditions, checkWriteConditions } from "./conditions.js";
import { parseRange } from "./byte-range.js";
import { checkKeyAndMetadata, objectBody, objectHeaders, segmentsOf, storedAttributes } from "./object-view.js";
import { parseCopySource } from "./copy-source.js";
import type { VersionRef } from "./versions.js";
import { answeredVersionId, Versions } from "./versions.js";
import { storedTags, tagsOfHeader } from "./tags.js";
import { checkDeletable, lockOfWrite } from "./object-lock.js";
import { checkReadable } from "./restore.js";

/** 5 GiB: the largest single PUT, copy source and part. */
export const MAX_SINGLE_UPLOAD = 5 * 1024 * 1024 * 1024;

type Out = Record<string, unknown>;

export interface ObjectDeps {
  store: S3Store;
  clock: Clock;
  bucketFor(name: string, ctx: OperationContext): BucketRow;
}

const STORAGE_CLASSES = new Set(["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP"]);

export function storageClassOf(value: string | undefined): string {
  if (value === undefined || value === "") return "STANDARD";
  if (!STORAGE_CLASSES.has(value)) throw S3Errors.invalidArgument("The storage class you specified is not valid", "x-amz-storage-class", value);
  return value;
}

/** The bucket's versioning state as the committing transaction sees it (the body streamed outside it). */
export function committedState(store: S3Store, bucketId: number, bucketName: string): { versioning: string | null; object_lock: string | null } {
  const state = store.s.bucketState.get(bucketId) as { versioning: string | null; object_lock: string | null } | undefined;
  if (!state) throw S3Errors.noSuchBucket(bucketName);
  return state;
}

export function objectHandlers({ store, clock, bucketFor }: ObjectDeps) {
  const { s, db } = { s: store.s, db: store.db };
  const versions = new Versions(store);

  // Built once: better-sqlite3 creates several wrapper functions per transaction() call.
  const commitPut = db.sql.transaction((conditions: { IfMatch?: string; IfNoneMatch?: string } | undefined, row: ObjectRow, bucketName: string): string | null => {
    const state = committedState(store, row.bucket_id, bucketName);
    if (conditions) checkWriteConditions(conditions, s.objectRefs.get(row.bucket_id, row.key) as { etag: string } | undefined, row.key);
    versions.writeCurrent(state.versioning, row);
    store.blobs.retain(row.blob_id!);
    return state.versioning;
  });

  function getForRead(input: GetObjectRequest | HeadObjectRequest, ctx: OperationContext, method: string): { row: ObjectRow; out: Out; start: number; end: number } {
    const bucket = bucketFor(input.Bucket!, ctx);
    const { row } = versions.resolve(bucket, input.Key!, input.VersionId, method);
    checkReadConditions(input, row.etag, row.last_modified);
    if (method === "GET") checkReadable(row, clock.now());
    let start = 0;
    let end = row.size - 1;
    let ranged = false;
    let partsCountOnly: number | undefined;
    if (input.PartNumber !== undefined) {
      const sizes = row.part_sizes ? (JSON.parse(row.part_sizes) as number[]) : [row.size];
      if (input.PartNumber < 1 || input.PartNumber > sizes.length) throw S3Errors.invalidPartNumber();
      for (let i = 0; i < input.PartNumber - 1; i++) start += sizes[i]!;
      end = start + sizes[input.PartNumber - 1]! - 1;
      ranged = row.part_sizes !== null;
      partsCountOnly = sizes.length;
    } else {
      const range = parseRange(input.Range, row.size);
      if (range) ({ start, end } = range), (ranged = true);
    }
    const out = objectHeaders(row, input.ChecksumMode, !ranged, clock.now());
    const versionId = answeredVersionId(row.version_id, bucket.versioning);
    if (versionId !== undefined) out.VersionId = versionId;
    if (partsCountOnly !== undefined && row.part_sizes) out.PartsCount = partsCountOnly;
    out.ContentLength = Math.max(0, end - start + 1);
    if (ranged) {
      out.ContentRange = `bytes ${start}-${end}/${row.size}`;
      out.StatusCode = 206;
    }
    const o = input as GetObjectRequest;
    if (o.ResponseContentType !== undefined) out.ContentType = o.ResponseContentType;
    if (o.ResponseContentLanguage !== undefined) out.ContentLanguage = o.ResponseContentLanguage;
    if (o.ResponseContentDisposition !== undefined) out.ContentDisposition = o.ResponseContentDisposition;
    if (o.ResponseContentEncoding !== undefined) out.ContentEncoding = o.ResponseContentEncoding;
    if (o.ResponseCacheControl !== undefined) out.CacheControl = o.ResponseCacheControl;
    if (o.ResponseExpires !== undefined) out.Expires = o.ResponseExpires.toUTCString();
    return { row, out, start, end };
  }

  /**
   * One delete, as DeleteObject and each entry of DeleteObjects make it (inside the caller's
   * transaction): a version id deletes that version for good, unless Object Lock protects it; without
   * one, a versioned bucket gets a delete marker and an unversioned one loses the object.
   */
  function deleteOne(bucket: BucketRow, key: string, versionId: string | undefined, bypass: boolean): DeletedObject {
    const now = clock.now();
    const versioning = (s.bucketState.get(bucket.id) as { versioning: string | null } | undefined)?.versioning ?? bucket.versioning;
    if (versionId !== undefined) {
      const ref: VersionRef | undefined = versions.find(bucket.id, key, versionId);
      if (!ref) {
        // Deleting a version that is not there succeeds, as deletes do; an id that cannot exist is refused.
        if (versioning === null) throw S3Errors.invalidVersionId(versionId);
        return { Key: key, VersionId: versionId };
      }
      checkDeletable(ref.row, now, bypass);
      versions.remove(ref);
      const deleted: DeletedObject = { Key: key, VersionId: versionId };
      if (ref.row.delete_marker) Object.assign(deleted, { DeleteMarker: true, DeleteMarkerVersionId: versionId });
      return deleted;
    }
    if (versioning === null) {
      store.removeObject(bucket.id, key);
      return { Key: key };
    }
    const marker = versions.addDeleteMarker(versioning, bucket.id, key, now);
    return { Key: key, DeleteMarker: true, DeleteMarkerVersionId: answeredVersionId(marker.version_id, versioning) };
  }

  return {
    async PutObject(input: PutObjectRequest, ctx: OperationContext): Promise<PutObjectOutput> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const key = input.Key!;
      if (input.ContentLength !== undefined && input.ContentLength > MAX_SINGLE_UPLOAD) {
        throw S3Errors.entityTooLarge(input.ContentLength, MAX_SINGLE_UPLOAD);
      }
      checkKeyAndMetadata(key, input.Metadata);
      const storageClass = storageClassOf(input.StorageClass);
      const tags = input.Tagging !== undefined ? storedTags(tagsOfHeader(input.Tagging)) : null;
      const lock = lockOfWrite(bucket.object_lock, input, clock.now());
      const conditional = input.IfMatch !== undefined || input.IfNoneMatch !== undefined;
      if (conditional) checkWriteConditions(input, s.objectRefs.get(bucket.id, key) as { etag: string } | undefined, key);
      const attributes = storedAttributes(input);
      const written = await writeBody(store.blobs, input as BodyInput, MAX_SINGLE_UPLOAD);
      const etag = `"${written.md5}"`;
      const row: ObjectRow = {
        bucket_id: bucket.id, key, size: written.blob.size, etag, last_modified: clock.now(), blob_id: written.blob.id, segments: null, part_sizes: null,
        ...attributes, storage_class: storageClass,
        checksum_algorithm: written.checksum?.algorithm ?? null, checksum_value: written.checksum?.value ?? null, checksum_type: written.checksum ? "FULL_OBJECT" : null, part_checksums: null,
        ...NEW_VERSION, tags, ...lock,
      };
      let versioning: string | null;
      try {
        versioning = commitPut(conditional ? input : undefined, row, bucket.name);
      } catch (error) {
        store.blobs.discard(written.blob.id);
        throw error;
      }
      const out: Out = { ETag: etag, ServerSideEncryption: "AES256" };
      const versionId = answeredVersionId(row.version_id, versioning);
      if (versionId !== undefined) out.VersionId = versionId;
      if (written.checksum) {
        out[`Checksum${written.checksum.algorithm}`] = written.checksum.value;
        out.ChecksumType = "FULL_OBJECT";
      }
      return out;
    },

    GetObject(input: GetObjectRequest, ctx: OperationContext): Out {
      const { row, out, start, end } = getForRead(input, ctx, "GET");
      if (row.size > 0) out.Body = objectBody(store, row, start, end);
      return out;
    },

    HeadObject(input: HeadObjectRequest, ctx: OperationContext): Out {
      return getForRead(input as GetObjectRequest, ctx, "HEAD").out;
    },

    DeleteObject(input: DeleteObjectRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const deleted = db.transaction(() => {
        if (input.IfMatch !== undefined) {
          const existing = s.objectRefs.get(bucket.id, input.Key!) as { etag: string } | undefined;
          if (existing) checkWriteConditions({ IfMatch: input.IfMatch }, existing, input.Key!);
        }
        return deleteOne(bucket, input.Key!, input.VersionId, input.BypassGovernanceRetention === true);
      });
      const out: Out = {};
      if (deleted.DeleteMarker) out.DeleteMarker = true;
      const versionId = deleted.VersionId ?? deleted.DeleteMarkerVersionId;
      if (versionId !== undefined) out.VersionId = versionId;
      return out;
    },

    DeleteObjects(input: DeleteObjectsRequest, ctx: OperationContext): DeleteObjectsOutput {
      const bucket = bucketFor(input.Bucket!, ctx);
      const objects = input.Delete?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformedXml();
      for (const o of objects) {
        // Conditional entries (ETag, LastModifiedTime, Size) are not honoured: refused rather than ignored.
        if (o.ETag !== undefined) throw S3Errors.headerNotImplemented("ETag");
        if (o.LastModifiedTime !== undefined) throw S3Errors.headerNotImplemented("LastModifiedTime");
        if (o.Size !== undefined) throw S3Errors.headerNotImplemented("Size");
      }
      const deleted: DeletedObject[] = [];
      const errors: DeleteError[] = [];
      const bypass = input.BypassGovernanceRetention === true;
      db.transaction(() => {
        for (const { Key, VersionId } of objects) {
          if (Key === undefined) continue;
          try {
            // Each entry in its own savepoint: one refused version leaves the others' deletes in place.
            deleted.push(db.transaction(() => deleteOne(bucket, Key, VersionId, bypass)));
          } catch (error) {
            if (!(error instanceof ServiceError)) throw error;
            errors.push({ Key, ...(VersionId !== undefined ? { VersionId } : {}), Code: error.code, Message: error.message });
          }
        }
      });
      const out: DeleteObjectsOutput = {};
      if (!input.Delete?.Quiet && deleted.length) out.Deleted = deleted;
      if (errors.length) out.Errors = errors;
      return out;
    },

    CopyObject(input: CopyObjectRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const key = input.Key!;
      const source = parseCopySource(input.CopySource!);
      const sourceBucket = bucketFor(source.bucket, ctx);
      const replace = input.MetadataDirective === "REPLACE";
      checkKeyAndMetadata(key, replace ? input.Metadata : undefined);
      if (input.MetadataDirective !== undefined && !replace && input.MetadataDirective !== "COPY") {
        throw S3Errors.invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", input.MetadataDirective);
      }
      const directive = input.TaggingDirective ?? "COPY";
      if (directive !== "COPY" && directive !== "REPLACE") throw S3Errors.invalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", directive);
      const replacedTags = directive === "REPLACE" ? storedTags(input.Tagging !== undefined ? tagsOfHeader(input.Tagging) : []) : undefined;
      const now = clock.now();
      const lock = lockOfWrite(bucket.object_lock, input, now);
      let result: Out = {};
      db.transaction(() => {
        const src = versions.resolveCopySource(sourceBucket, source.key, source.versionId).row;
        checkCopySourceConditions(input, src.etag, src.last_modified);
        checkReadable(src, now);
        if (src.size > MAX_SINGLE_UPLOAD) throw S3Errors.invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_SINGLE_UPLOAD}`);
        if (sourceBucket.id === bucket.id && source.key === key && source.versionId === undefined && !replace && input.StorageClass === undefined && input.WebsiteRedirectLocation === undefined && input.ServerSideEncryption === undefined) {
          throw S3Errors.invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }
        if (input.IfMatch !== undefined || input.IfNoneMatch !== undefined) checkWriteConditions(input, s.objectRefs.get(bucket.id, key) as { etag: string } | undefined, key);
        const attributes = replace ? storedAttributes(input) : { content_type: src.content_type, headers: src.headers, metadata: src.metadata };
        // Blobs are immutable, so the copy is a new row pointing at the same bytes.
        store.retainAll(Store.blobIds(src));
        const state = committedState(store, bucket.id, bucket.name);
        const row: ObjectRow = {
          bucket_id: bucket.id, key, size: src.size, etag: src.etag, last_modified: now, blob_id: src.blob_id, segments: src.segments ?? (src.blob_id ? null : JSON.stringify(segmentsOf(src))), part_sizes: src.part_sizes,
          ...attributes, storage_class: storageClassOf(input.StorageClass),
          checksum_algorithm: src.checksum_algorithm, checksum_value: src.checksum_value, checksum_type: src.checksum_type, part_checksums: src.part_checksums,
          ...NEW_VERSION, tags: replacedTags === undefined ? src.tags : replacedTags, ...lock,
        };
        versions.writeCurrent(state.versioning, row);
        const copyResult: Out = { ETag: src.etag, LastModified: new Date(now) };
        if (src.checksum_algorithm && src.checksum_value) {
          copyResult[`Checksum${src.checksum_algorithm}`] = src.checksum_value;
          copyResult.ChecksumType = src.checksum_type ?? "FULL_OBJECT";
        }
        result = { CopyObjectResult: copyResult, ServerSideEncryption: "AES256" };
        const versionId = answeredVersionId(row.version_id, state.versioning);
        if (versionId !== undefined) result.VersionId = versionId;
        const sourceVersionId = answeredVersionId(src.version_id, sourceBucket.versioning);
        if (sourceVersionId !== undefined) result.CopySourceVersionId = sourceVersionId;
      });
      return result as CopyObjectOutput as Out;
    },
  };
}

import { randomBytes } from "node:crypto";
import type { NoncurrentRow, ObjectRow, S3Store } from "./s3-store.js";
import { NEW_VERSION, S3Store as Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";

/**
 * S3 versioning over the two tables: s3_objects holds each key's current version (a delete marker
 * included), s3_versions the older ones. A bucket's state is null (never versioned: a write replaces
 * the object), "Enabled" (every write and delete adds a version with its own id) or "Suspended"
 * (writes and deletes replace the one "null" version and keep the others).
 */

/** The id S3 answers for the null version (stored as SQL NULL). */
export const NULL_VERSION = "null";

/** 32 URL-safe characters, as long as AWS's version ids. */
export function newVersionId(): string {
  return randomBytes(24).toString("base64url");
}

/** A version of a key: the current one (no seq) or an older one. */
export interface VersionRef {
  row: ObjectRow;
  seq?: number;
}

/** The x-amz-version-id S3 answers for a version: none while the bucket has never been versioned. */
export function answeredVersionId(versionId: string | null, versioning: string | null): string | undefined {
  if (versionId !== null) return versionId;
  return versioning === null ? undefined : NULL_VERSION;
}

/** The headers S3 sends with the errors about a delete marker. */
function markerHeaders(row: ObjectRow): Record<string, string> {
  return { "x-amz-delete-marker": "true", "x-amz-version-id": row.version_id ?? NULL_VERSION, "last-modified": new Date(row.last_modified).toUTCString() };
}

export class Versions {
  constructor(private readonly store: S3Store) {}

  /** The version `versionId` of a key, or undefined. */
  find(bucketId: number, key: string, versionId: string): VersionRef | undefined {
    const stored = versionId === NULL_VERSION ? null : versionId;
    const current = this.store.object(bucketId, key);
    if (current && current.version_id === stored) return { row: current };
    const older = this.store.s.noncurrentById.get(bucketId, key, stored) as NoncurrentRow | undefined;
    return older ? { row: older, seq: older.seq } : undefined;
  }

  /**
   * The version a read or a version-level operation names: the current one without `versionId`
   * (404 NoSuchKey, with x-amz-delete-marker, when that is a delete marker), else that version
   * (405 MethodNotAllowed for a delete marker; NoSuchVersion, or InvalidArgument in a bucket that was
   * never versioned, for an id that names none).
   */
  resolve(bucket: { id: number; versioning: string | null }, key: string, versionId: string | undefined, method: string): VersionRef {
    if (versionId === undefined) {
      const row = this.store.object(bucket.id, key);
      if (!row) throw S3Errors.noSuchKey(key);
      if (row.delete_marker) throw S3Errors.noSuchKey(key, markerHeaders(row));
      return { row };
    }
    const ref = this.find(bucket.id, key, versionId);
    if (!ref) {
      if (bucket.versioning === null || !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) throw S3Errors.invalidVersionId(versionId);
      throw S3Errors.noSuchVersion(key, versionId);
    }
    if (ref.row.delete_marker) throw S3Errors.methodNotAllowed(method, "DeleteMarker", markerHeaders(ref.row));
    return ref;
  }

  /**
   * The source of a copy: the current version (404 NoSuchKey when it is a delete marker), or the one
   * `?versionId=` names, which may not be a delete marker (400 InvalidRequest, as AWS).
   */
  resolveCopySource(bucket: { id: number; versioning: string | null }, key: string, versionId: string | undefined): VersionRef {
    if (versionId !== undefined) {
      const ref = this.find(bucket.id, key, versionId);
      if (ref?.row.delete_marker) throw S3Errors.invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.");
    }
    try {
      return this.resolve(bucket, key, versionId, "GET");
    } catch (error) {
      // A copy source's missing key is NoSuchKey without the delete-marker headers of a GET.
      if ((error as { code?: string }).code === "NoSuchKey") throw S3Errors.noSuchKey(key);
      throw error;
    }
  }

  /**
   * Makes `row` the current version of its key, inside the caller's transaction, as the bucket's
   * versioning state says; sets row.version_id. The caller has taken the row's blob references.
   */
  writeCurrent(versioning: string | null, row: ObjectRow): void {
    const { store } = this;
    if (versioning === "Enabled") {
      row.version_id = newVersionId();
      this.demoteCurrent(row.bucket_id, row.key);
    } else if (versioning === "Suspended") {
      row.version_id = null;
      const current = store.object(row.bucket_id, row.key);
      if (current && current.version_id === null) store.removeObject(row.bucket_id, row.key);
      else this.demoteCurrent(row.bucket_id, row.key);
      this.removeOlderNullVersion(row.bucket_id, row.key);
    } else {
      row.version_id = null;
      store.removeObject(row.bucket_id, row.key);
    }
    store.s.insertObject.run(row);
  }

  /** A delete without a version id in a versioned bucket: a new delete marker becomes current. */
  addDeleteMarker(versioning: string, bucketId: number, key: string, now: number): ObjectRow {
    const marker: ObjectRow = {
      bucket_id: bucketId, key, size: 0, etag: "", last_modified: now, blob_id: null, segments: null, part_sizes: null, content_type: "",
      headers: null, metadata: null, storage_class: "STANDARD", checksum_algorithm: null, checksum_value: null, checksum_type: null, part_checksums: null,
      ...NEW_VERSION, delete_marker: 1,
    };
    this.writeCurrent(versioning, marker);
    return marker;
  }

  /** Deletes one version for good; when it was the current one, the newest older version takes its place. */
  remove(ref: VersionRef): void {
    const { s } = this.store;
    const { bucket_id: bucketId, key } = ref.row;
    if (ref.seq === undefined) {
      this.store.removeObject(bucketId, key);
      const latest = s.latestNoncurrent.get(bucketId, key) as NoncurrentRow | undefined;
      if (latest) {
        s.promote.run(bucketId, key, latest.seq);
        s.deleteNoncurrent.run(bucketId, key, latest.seq);
      }
    } else {
      s.deleteNoncurrent.run(bucketId, key, ref.seq);
      this.store.releaseAll(Store.blobIds(ref.row));
    }
  }

  /** Sets columns of one version where it is stored (current or older). */
  setTags(ref: VersionRef, tags: string | null): void {
    const { s } = this.store;
    if (ref.seq === undefined) s.setTags.run(tags, ref.row.bucket_id, ref.row.key);
    else s.setNoncurrentTags.run(tags, ref.row.bucket_id, ref.row.key, ref.seq);
  }

  setRetention(ref: VersionRef, mode: string | null, until: number | null): void {
    const { s } = this.store;
    if (ref.seq === undefined) s.setRetention.run(mode, until, ref.row.bucket_id, ref.row.key);
    else s.setNoncurrentRetention.run(mode, until, ref.row.bucket_id, ref.row.key, ref.seq);
  }

  setLegalHold(ref: VersionRef, hold: number): void {
    const { s } = this.store;
    if (ref.seq === undefined) s.setLegalHold.run(hold, ref.row.bucket_id, ref.row.key);
    else s.setNoncurrentLegalHold.run(hold, ref.row.bucket_id, ref.row.key, ref.seq);
  }

  setRestore(ref: VersionRef, readyAt: number, expiresAt: number): void {
    const { s } = this.store;
    if (ref.seq === undefined) s.setRestore.run(readyAt, expiresAt, ref.row.bucket_id, ref.row.key);
    else s.setNoncurrentRestore.run(readyAt, expiresAt, ref.row.bucket_id, ref.row.key, ref.seq);
  }

  /** Moves the current version, if any, to the older versions, as their newest. */
  private demoteCurrent(bucketId: number, key: string): void {
    const { s } = this.store;
    const seq = ((s.maxSeq.get(bucketId, key) as number | null) ?? 0) + 1;
    if (s.demote.run(seq, bucketId, key).changes > 0) s.deleteObject.run(bucketId, key);
  }

  /** The null version is one per key: a new one replaces an older null version. */
  private removeOlderNullVersion(bucketId: number, key: string): void {
    const older = this.store.s.noncurrentById.get(bucketId, key, null) as NoncurrentRow | undefined;
    if (older) this.remove({ row: older, seq: older.seq });
  }
}

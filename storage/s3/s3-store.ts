import type { Statement } from "better-sqlite3";
import type { Database } from "../state/database.js";
import type { BlobSegment, BlobStore } from "../blobs/blob-store.js";

export interface BucketRow {
  id: number;
  name: string;
  account: string;
  region: string;
  created_at: number;
  /** null until versioning is first configured; then "Enabled" or "Suspended" (never back to null). */
  versioning: string | null;
  /** null for a bucket without Object Lock; else the JSON ObjectLockRule ("{}" when it has no default retention). */
  object_lock: string | null;
}

/** Content headers kept with an object or upload; absent ones are not stored. */
export interface ContentHeaders {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: string;
  WebsiteRedirectLocation?: string;
}

export interface ObjectRow {
  bucket_id: number;
  key: string;
  size: number;
  etag: string;
  last_modified: number;
  /** Single-blob objects; multipart and copied-part objects use `segments`. */
  blob_id: string | null;
  /** JSON BlobSegment[]: the object's bytes are these segments concatenated. */
  segments: string | null;
  /** JSON number[]: part sizes of a multipart object (PartsCount, GetObject partNumber). */
  part_sizes: string | null;
  content_type: string;
  headers: string | null;
  metadata: string | null;
  storage_class: string;
  checksum_algorithm: string | null;
  checksum_value: string | null;
  checksum_type: string | null;
  /** JSON string[]: each part's checksum of a multipart object with a checksum algorithm (GetObjectAttributes). */
  part_checksums: string | null;
  /** null is S3's "null" version: every object written before versioning was enabled, and while it is suspended. */
  version_id: string | null;
  /** 1 for a delete marker: no bytes, it only hides older versions. */
  delete_marker: number;
  /** JSON [key, value][] in the order given. */
  tags: string | null;
  lock_mode: string | null;
  /** Retain-until instant (ms); the retention is in force while the clock is before it. */
  lock_until: number | null;
  legal_hold: number;
  /** Archived classes: when a requested restore completes (ms), and when the restored copy expires. */
  restore_ready_at: number | null;
  restore_expires_at: number | null;
}

/** A noncurrent version: the row it had as current, and its place among the key's versions (higher is newer). */
export interface NoncurrentRow extends ObjectRow {
  seq: number;
}

/** The version columns a new write starts with. */
export const NEW_VERSION: Pick<ObjectRow, "version_id" | "delete_marker" | "tags" | "lock_mode" | "lock_until" | "legal_hold" | "restore_ready_at" | "restore_expires_at"> = {
  version_id: null, delete_marker: 0, tags: null, lock_mode: null, lock_until: null, legal_hold: 0, restore_ready_at: null, restore_expires_at: null,
};

export interface UploadRow {
  upload_id: string;
  bucket_id: number;
  key: string;
  initiated: number;
  account: string;
  content_type: string;
  headers: string | null;
  metadata: string | null;
  storage_class: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  tags: string | null;
  lock_mode: string | null;
  lock_until: number | null;
  legal_hold: number;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
  segments: string;
  checksum: string | null;
}

const MIGRATIONS = [
  `CREATE TABLE s3_buckets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, account TEXT NOT NULL, region TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX s3_buckets_account ON s3_buckets (account, name);
   -- key is TEXT with the BINARY collation: SQLite compares UTF-8 bytes, which is S3's listing order.
   CREATE TABLE s3_objects (
     bucket_id INTEGER NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
     blob_id TEXT, segments TEXT, part_sizes TEXT, content_type TEXT NOT NULL, headers TEXT, metadata TEXT,
     storage_class TEXT NOT NULL, checksum_algorithm TEXT, checksum_value TEXT, checksum_type TEXT,
     PRIMARY KEY (bucket_id, key)) WITHOUT ROWID;
   CREATE TABLE s3_uploads (
     upload_id TEXT PRIMARY KEY, bucket_id INTEGER NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL, account TEXT NOT NULL,
     content_type TEXT NOT NULL, headers TEXT, metadata TEXT, storage_class TEXT NOT NULL, checksum_algorithm TEXT, checksum_type TEXT);
   CREATE INDEX s3_uploads_key ON s3_uploads (bucket_id, key, initiated);
   CREATE TABLE s3_parts (
     upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
     segments TEXT NOT NULL, checksum TEXT, PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;`,
  // Versions, tags, Object Lock, restores. s3_objects keeps one row per key, its current version (a
  // delete marker included), so reads and listings of unversioned buckets stay one primary-key seek;
  // older versions move to s3_versions with their blob references, never copied.
  `ALTER TABLE s3_buckets ADD COLUMN versioning TEXT;
   ALTER TABLE s3_buckets ADD COLUMN object_lock TEXT;
   ALTER TABLE s3_buckets ADD COLUMN tags TEXT;
   ALTER TABLE s3_objects ADD COLUMN part_checksums TEXT;
   ALTER TABLE s3_objects ADD COLUMN version_id TEXT;
   ALTER TABLE s3_objects ADD COLUMN delete_marker INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE s3_objects ADD COLUMN tags TEXT;
   ALTER TABLE s3_objects ADD COLUMN lock_mode TEXT;
   ALTER TABLE s3_objects ADD COLUMN lock_until INTEGER;
   ALTER TABLE s3_objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE s3_objects ADD COLUMN restore_ready_at INTEGER;
   ALTER TABLE s3_objects ADD COLUMN restore_expires_at INTEGER;
   CREATE TABLE s3_versions (
     bucket_id INTEGER NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
     blob_id TEXT, segments TEXT, part_sizes TEXT, content_type TEXT NOT NULL, headers TEXT, metadata TEXT,
     storage_class TEXT NOT NULL, checksum_algorithm TEXT, checksum_value TEXT, checksum_type TEXT, part_checksums TEXT,
     version_id TEXT, delete_marker INTEGER NOT NULL, tags TEXT, lock_mode TEXT, lock_until INTEGER, legal_hold INTEGER NOT NULL,
     restore_ready_at INTEGER, restore_expires_at INTEGER,
     PRIMARY KEY (bucket_id, key, seq)) WITHOUT ROWID;
   ALTER TABLE s3_uploads ADD COLUMN tags TEXT;
   ALTER TABLE s3_uploads ADD COLUMN lock_mode TEXT;
   ALTER TABLE s3_uploads ADD COLUMN lock_until INTEGER;
   ALTER TABLE s3_uploads ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;`,
];

/** The columns a version has in both tables, in one order, for moving rows between them. */
const VERSION_COLUMNS = "bucket_id, key, size, etag, last_modified, blob_id, segments, part_sizes, content_type, headers, metadata, storage_class, checksum_algorithm, checksum_value, checksum_type, part_checksums, version_id, delete_marker, tags, lock_mode, lock_until, legal_hold, restore_ready_at, restore_expires_at";
const VERSION_PARAMS = VERSION_COLUMNS.split(", ").map((c) => `@${c}`).join(", ");
/** What a version listing reads of each row, as an array. */
const LISTED_VERSION = "key, version_id, delete_marker, size, etag, last_modified, storage_class, checksum_algorithm, checksum_type, restore_ready_at, restore_expires_at";

/** The S3 tables and every statement the handlers run, prepared once. */
type StatementName =
  | "bucketByName" | "bucketExists" | "insertBucket" | "deleteBucket" | "listBuckets" | "anyObject" | "object" | "objectRefs" | "insertObject" | "deleteObject"
  | "listFrom" | "listAfter" | "insertUpload" | "upload" | "deleteUpload" | "uploadsOfBucket" | "listUploads" | "part" | "parts" | "listParts"
  | "upsertPart" | "deleteParts" | "currentRefs" | "bucketState" | "setVersioning" | "setObjectLock" | "bucketTags" | "setBucketTags" | "anyVersion" | "maxSeq" | "demote" | "promote"
  | "noncurrent" | "noncurrentById" | "latestNoncurrent" | "deleteNoncurrent" | "currentFrom" | "currentAfter" | "olderFrom" | "olderAfter" | "olderOfKey"
  | "setTags" | "setNoncurrentTags" | "setRetention" | "setNoncurrentRetention" | "setLegalHold" | "setNoncurrentLegalHold" | "setRestore" | "setNoncurrentRestore";

export class S3Store {
  readonly s: Record<StatementName, Statement>;

  constructor(readonly db: Database, readonly blobs: BlobStore) {
    db.registerSchema("s3", MIGRATIONS);
    const sql = db.sql;
    this.s = {
      bucketByName: sql.prepare("SELECT id, name, account, region, created_at, versioning, object_lock FROM s3_buckets WHERE name = ?"),
      bucketExists: sql.prepare("SELECT 1 FROM s3_buckets WHERE id = ?"),
      insertBucket: sql.prepare("INSERT INTO s3_buckets (name, account, region, created_at) VALUES (?, ?, ?, ?)"),
      deleteBucket: sql.prepare("DELETE FROM s3_buckets WHERE id = ?"),
      listBuckets: sql.prepare("SELECT name, region, created_at FROM s3_buckets WHERE account = @account AND name > @after AND name >= @prefix AND (@region IS NULL OR region = @region) ORDER BY name LIMIT @limit"),
      anyObject: sql.prepare("SELECT 1 FROM s3_objects WHERE bucket_id = ? LIMIT 1"),
      object: sql.prepare("SELECT * FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      // The current version a conditional write compares with: a delete marker is no object.
      objectRefs: sql.prepare("SELECT blob_id, segments, etag, version_id FROM s3_objects WHERE bucket_id = ? AND key = ? AND delete_marker = 0"),
      insertObject: sql.prepare(`INSERT INTO s3_objects (${VERSION_COLUMNS}) VALUES (${VERSION_PARAMS})`),
      deleteObject: sql.prepare("DELETE FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      // Raw (array) rows: a listing page reads up to 1,001 of them.
      listFrom: sql.prepare("SELECT key, size, etag, last_modified, storage_class, checksum_algorithm, checksum_type FROM s3_objects WHERE bucket_id = ? AND key >= ? AND delete_marker = 0 ORDER BY key LIMIT ?").raw(true),
      listAfter: sql.prepare("SELECT key, size, etag, last_modified, storage_class, checksum_algorithm, checksum_type FROM s3_objects WHERE bucket_id = ? AND key > ? AND delete_marker = 0 ORDER BY key LIMIT ?").raw(true),
      insertUpload: sql.prepare(`INSERT INTO s3_uploads (upload_id, bucket_id, key, initiated, account, content_type, headers, metadata, storage_class, checksum_algorithm, checksum_type, tags, lock_mode, lock_until, legal_hold)
        VALUES (@upload_id, @bucket_id, @key, @initiated, @account, @content_type, @headers, @metadata, @storage_class, @checksum_algorithm, @checksum_type, @tags, @lock_mode, @lock_until, @legal_hold)`),
      upload: sql.prepare("SELECT * FROM s3_uploads WHERE upload_id = ?"),
      deleteUpload: sql.prepare("DELETE FROM s3_uploads WHERE upload_id = ?"),
      uploadsOfBucket: sql.prepare("SELECT upload_id FROM s3_uploads WHERE bucket_id = ?"),
      listUploads: sql.prepare("SELECT * FROM s3_uploads WHERE bucket_id = ? AND key >= ? ORDER BY key, initiated, upload_id"),
      part: sql.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?"),
      parts: sql.prepare("SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number"),
      listParts: sql.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?"),
      upsertPart: sql.prepare(`INSERT INTO s3_parts (upload_id, part_number, size, etag, last_modified, segments, checksum) VALUES (@upload_id, @part_number, @size, @etag, @last_modified, @segments, @checksum)
        ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, last_modified = excluded.last_modified, segments = excluded.segments, checksum = excluded.checksum`),
      deleteParts: sql.prepare("DELETE FROM s3_parts WHERE upload_id = ?"),
      currentRefs: sql.prepare("SELECT blob_id, segments FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      bucketState: sql.prepare("SELECT versioning, object_lock FROM s3_buckets WHERE id = ?"),
      setVersioning: sql.prepare("UPDATE s3_buckets SET versioning = ? WHERE id = ?"),
      setObjectLock: sql.prepare("UPDATE s3_buckets SET object_lock = ? WHERE id = ?"),
      bucketTags: sql.prepare("SELECT tags FROM s3_buckets WHERE id = ?").pluck(true),
      setBucketTags: sql.prepare("UPDATE s3_buckets SET tags = ? WHERE id = ?"),
      anyVersion: sql.prepare("SELECT 1 FROM s3_versions WHERE bucket_id = ? LIMIT 1"),
      maxSeq: sql.prepare("SELECT MAX(seq) FROM s3_versions WHERE bucket_id = ? AND key = ?").pluck(true),
      demote: sql.prepare(`INSERT INTO s3_versions (${VERSION_COLUMNS}, seq) SELECT ${VERSION_COLUMNS}, ? FROM s3_objects WHERE bucket_id = ? AND key = ?`),
      promote: sql.prepare(`INSERT INTO s3_objects (${VERSION_COLUMNS}) SELECT ${VERSION_COLUMNS} FROM s3_versions WHERE bucket_id = ? AND key = ? AND seq = ?`),
      noncurrent: sql.prepare("SELECT * FROM s3_versions WHERE bucket_id = ? AND key = ? ORDER BY seq DESC"),
      noncurrentById: sql.prepare("SELECT * FROM s3_versions WHERE bucket_id = ? AND key = ? AND version_id IS ?"),
      latestNoncurrent: sql.prepare("SELECT * FROM s3_versions WHERE bucket_id = ? AND key = ? ORDER BY seq DESC LIMIT 1"),
      deleteNoncurrent: sql.prepare("DELETE FROM s3_versions WHERE bucket_id = ? AND key = ? AND seq = ?"),
      // Version listings merge the current rows and the older ones, each read in (key, newest first) order.
      currentFrom: sql.prepare(`SELECT ${LISTED_VERSION} FROM s3_objects WHERE bucket_id = ? AND key >= ? ORDER BY key LIMIT ?`).raw(true),
      currentAfter: sql.prepare(`SELECT ${LISTED_VERSION} FROM s3_objects WHERE bucket_id = ? AND key > ? ORDER BY key LIMIT ?`).raw(true),
      olderFrom: sql.prepare(`SELECT ${LISTED_VERSION}, seq FROM s3_versions WHERE bucket_id = ? AND key >= ? ORDER BY key, seq DESC LIMIT ?`).raw(true),
      olderAfter: sql.prepare(`SELECT ${LISTED_VERSION}, seq FROM s3_versions WHERE bucket_id = ? AND key > ? ORDER BY key, seq DESC LIMIT ?`).raw(true),
      olderOfKey: sql.prepare(`SELECT ${LISTED_VERSION}, seq FROM s3_versions WHERE bucket_id = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).raw(true),
      setTags: sql.prepare("UPDATE s3_objects SET tags = ? WHERE bucket_id = ? AND key = ?"),
      setNoncurrentTags: sql.prepare("UPDATE s3_versions SET tags = ? WHERE bucket_id = ? AND key = ? AND seq = ?"),
      setRetention: sql.prepare("UPDATE s3_objects SET lock_mode = ?, lock_until = ? WHERE bucket_id = ? AND key = ?"),
      setNoncurrentRetention: sql.prepare("UPDATE s3_versions SET lock_mode = ?, lock_until = ? WHERE bucket_id = ? AND key = ? AND seq = ?"),
      setLegalHold: sql.prepare("UPDATE s3_objects SET legal_hold = ? WHERE bucket_id = ? AND key = ?"),
      setNoncurrentLegalHold: sql.prepare("UPDATE s3_versions SET legal_hold = ? WHERE bucket_id = ? AND key = ? AND seq = ?"),
      setRestore: sql.prepare("UPDATE s3_objects SET restore_ready_at = ?, restore_expires_at = ? WHERE bucket_id = ? AND key = ?"),
      setNoncurrentRestore: sql.prepare("UPDATE s3_versions SET restore_ready_at = ?, restore_expires_at = ? WHERE bucket_id = ? AND key = ? AND seq = ?"),
    };
  }

  bucket(name: string): BucketRow | undefined {
    return this.s.bucketByName.get(name) as BucketRow | undefined;
  }

  object(bucketId: number, key: string): ObjectRow | undefined {
    return this.s.object.get(bucketId, key) as ObjectRow | undefined;
  }

  /** Blob ids an object or part row holds a reference on. */
  static blobIds(row: { blob_id?: string | null; segments: string | null }): string[] {
    if (row.blob_id) return [row.blob_id];
    return row.segments ? (JSON.parse(row.segments) as BlobSegment[]).map((s) => s.id) : [];
  }

  retainAll(ids: string[]): void {
    for (const id of ids) this.blobs.retain(id);
  }

  releaseAll(ids: string[]): void {
    for (const id of ids) this.blobs.release(id);
  }

  /** Removes the current version at a key (inside the caller's transaction), dropping its blob references. */
  removeObject(bucketId: number, key: string): boolean {
    const row = this.s.currentRefs.get(bucketId, key) as { blob_id: string | null; segments: string | null } | undefined;
    if (!row) return false;
    this.s.deleteObject.run(bucketId, key);
    this.releaseAll(S3Store.blobIds(row));
    return true;
  }

  /** Drops an upload and its parts' blob references (abort, bucket deletion, completion). */
  removeUpload(uploadId: string): void {
    for (const part of this.s.parts.all(uploadId) as PartRow[]) this.releaseAll(S3Store.blobIds(part));
    this.s.deleteParts.run(uploadId);
    this.s.deleteUpload.run(uploadId);
  }
}

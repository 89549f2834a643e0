import type { Statement } from "better-sqlite3";
import type { Database } from "../state/database.js";
import type { BlobSegment, BlobStore } from "../blobs/blob-store.js";

export interface BucketRow {
  id: number;
  name: string;
  account: string;
  region: string;
  created_at: number;
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
}

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
];

/** The S3 tables and every statement the handlers run, prepared once. */
type StatementName =
  | "bucketByName" | "bucketExists" | "insertBucket" | "deleteBucket" | "listBuckets" | "anyObject" | "object" | "objectRefs" | "insertObject" | "deleteObject"
  | "listFrom" | "listAfter" | "insertUpload" | "upload" | "deleteUpload" | "uploadsOfBucket" | "listUploads" | "part" | "parts" | "listParts"
  | "upsertPart" | "deleteParts";

export class S3Store {
  readonly s: Record<StatementName, Statement>;

  constructor(readonly db: Database, readonly blobs: BlobStore) {
    db.registerSchema("s3", MIGRATIONS);
    const sql = db.sql;
    this.s = {
      bucketByName: sql.prepare("SELECT id, name, account, region, created_at FROM s3_buckets WHERE name = ?"),
      bucketExists: sql.prepare("SELECT 1 FROM s3_buckets WHERE id = ?"),
      insertBucket: sql.prepare("INSERT INTO s3_buckets (name, account, region, created_at) VALUES (?, ?, ?, ?)"),
      deleteBucket: sql.prepare("DELETE FROM s3_buckets WHERE id = ?"),
      listBuckets: sql.prepare("SELECT name, region, created_at FROM s3_buckets WHERE account = @account AND name > @after AND name >= @prefix AND (@region IS NULL OR region = @region) ORDER BY name LIMIT @limit"),
      anyObject: sql.prepare("SELECT 1 FROM s3_objects WHERE bucket_id = ? LIMIT 1"),
      object: sql.prepare("SELECT * FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      objectRefs: sql.prepare("SELECT blob_id, segments, etag FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      insertObject: sql.prepare(`INSERT INTO s3_objects (bucket_id, key, size, etag, last_modified, blob_id, segments, part_sizes, content_type, headers, metadata, storage_class, checksum_algorithm, checksum_value, checksum_type)
        VALUES (@bucket_id, @key, @size, @etag, @last_modified, @blob_id, @segments, @part_sizes, @content_type, @headers, @metadata, @storage_class, @checksum_algorithm, @checksum_value, @checksum_type)`),
      deleteObject: sql.prepare("DELETE FROM s3_objects WHERE bucket_id = ? AND key = ?"),
      // Raw (array) rows: a listing page reads up to 1,001 of them.
      listFrom: sql.prepare("SELECT key, size, etag, last_modified, storage_class, checksum_algorithm, checksum_type FROM s3_objects WHERE bucket_id = ? AND key >= ? ORDER BY key LIMIT ?").raw(true),
      listAfter: sql.prepare("SELECT key, size, etag, last_modified, storage_class, checksum_algorithm, checksum_type FROM s3_objects WHERE bucket_id = ? AND key > ? ORDER BY key LIMIT ?").raw(true),
      insertUpload: sql.prepare(`INSERT INTO s3_uploads (upload_id, bucket_id, key, initiated, account, content_type, headers, metadata, storage_class, checksum_algorithm, checksum_type)
        VALUES (@upload_id, @bucket_id, @key, @initiated, @account, @content_type, @headers, @metadata, @storage_class, @checksum_algorithm, @checksum_type)`),
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

  /** Removes the object at a key (inside the caller's transaction), dropping its blob references. */
  removeObject(bucketId: number, key: string): boolean {
    const row = this.s.objectRefs.get(bucketId, key) as { blob_id: string | null; segments: string | null } | undefined;
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

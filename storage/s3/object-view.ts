import type { Readable } from "node:stream";
import type { BlobSegment } from "../blobs/blob-store.js";
import type { ContentHeaders, ObjectRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { tagCountOf } from "./tags.js";
import { lockHeaders } from "./object-lock.js";
import { restoreHeader } from "./restore.js";

/** Content headers and user metadata of a write, as stored with the object or upload. */
export interface StoredAttributes {
  content_type: string;
  headers: string | null;
  metadata: string | null;
}

export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

/** The stored headers of an object: its content headers and, when not SSE-S3, how it is encrypted. */
interface StoredHeaders extends ContentHeaders {
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
}

interface AttributeInput {
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  // botocore models Expires as a string header; SDK types say Date.
  Expires?: Date | string;
  WebsiteRedirectLocation?: string;
  Metadata?: Record<string, string>;
  /** Already completed by the bucket's default encryption (access/object-encryption.ts). */
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
}

/** The checks every write of a new key makes: 1,024 UTF-8 bytes of key, 2 KB of user metadata. */
export function checkKeyAndMetadata(key: string, metadata: Record<string, string> | undefined): void {
  const keySize = Buffer.byteLength(key);
  if (keySize > 1024) throw S3Errors.keyTooLong(keySize);
  if (metadata) {
    let size = 0;
    for (const [k, v] of Object.entries(metadata)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
    if (size > 2048) throw S3Errors.metadataTooLarge(size);
  }
}

export function storedAttributes(input: AttributeInput): StoredAttributes {
  const headers: StoredHeaders = {};
  let any = false;
  if (input.CacheControl !== undefined) (headers.CacheControl = input.CacheControl), (any = true);
  if (input.ContentDisposition !== undefined) (headers.ContentDisposition = input.ContentDisposition), (any = true);
  // aws-chunked is a transfer detail of the request, not the object's encoding.
  const encoding = input.ContentEncoding?.split(",").map((e) => e.trim()).filter((e) => e && e !== "aws-chunked").join(",");
  if (encoding) (headers.ContentEncoding = encoding), (any = true);
  if (input.ContentLanguage !== undefined) (headers.ContentLanguage = input.ContentLanguage), (any = true);
  if (input.Expires !== undefined) (headers.Expires = input.Expires instanceof Date ? input.Expires.toUTCString() : input.Expires), (any = true);
  if (input.WebsiteRedirectLocation !== undefined) (headers.WebsiteRedirectLocation = input.WebsiteRedirectLocation), (any = true);
  // SSE-S3 is what an object without these has: only KMS encryption is recorded.
  if (input.ServerSideEncryption !== undefined && input.ServerSideEncryption !== "AES256") {
    headers.ServerSideEncryption = input.ServerSideEncryption;
    if (input.SSEKMSKeyId !== undefined) headers.SSEKMSKeyId = input.SSEKMSKeyId;
    if (input.SSEKMSEncryptionContext !== undefined) headers.SSEKMSEncryptionContext = input.SSEKMSEncryptionContext;
    if (input.BucketKeyEnabled) headers.BucketKeyEnabled = true;
    any = true;
  }
  const metadata = input.Metadata && Object.keys(input.Metadata).length ? JSON.stringify(input.Metadata) : null;
  return { content_type: input.ContentType || DEFAULT_CONTENT_TYPE, headers: any ? JSON.stringify(headers) : null, metadata };
}

/** The response headers GetObject and HeadObject share (before response-* overrides). */
export function objectHeaders(row: ObjectRow, checksumMode: string | undefined, whole: boolean, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AcceptRanges: "bytes",
    LastModified: new Date(row.last_modified),
    ETag: row.etag,
    ContentType: row.content_type,
    ServerSideEncryption: "AES256",
  };
  if (row.headers) {
    const h = JSON.parse(row.headers) as StoredHeaders;
    if (h.CacheControl !== undefined) out.CacheControl = h.CacheControl;
    if (h.ContentDisposition !== undefined) out.ContentDisposition = h.ContentDisposition;
    if (h.ContentEncoding !== undefined) out.ContentEncoding = h.ContentEncoding;
    if (h.ContentLanguage !== undefined) out.ContentLanguage = h.ContentLanguage;
    if (h.Expires !== undefined) out.Expires = h.Expires;
    if (h.WebsiteRedirectLocation !== undefined) out.WebsiteRedirectLocation = h.WebsiteRedirectLocation;
    if (h.ServerSideEncryption !== undefined) out.ServerSideEncryption = h.ServerSideEncryption;
    if (h.SSEKMSKeyId !== undefined) out.SSEKMSKeyId = h.SSEKMSKeyId;
    if (h.BucketKeyEnabled) out.BucketKeyEnabled = true;
  }
  if (row.metadata) out.Metadata = JSON.parse(row.metadata);
  if (row.storage_class !== "STANDARD") out.StorageClass = row.storage_class;
  if (row.part_sizes) out.PartsCount = (JSON.parse(row.part_sizes) as number[]).length;
  if (row.tags) out.TagCount = tagCountOf(row.tags);
  if (row.lock_mode !== null || row.legal_hold !== 0) Object.assign(out, lockHeaders(row));
  if (row.restore_ready_at !== null) {
    const restore = restoreHeader(row, now);
    if (restore) out.Restore = restore;
  }
  // A checksum describes the whole object: ranges get none (composite ones are per part anyway).
  if (checksumMode === "ENABLED" && whole && row.checksum_algorithm && row.checksum_value) {
    out[`Checksum${row.checksum_algorithm}`] = row.checksum_value;
    out.ChecksumType = row.checksum_type ?? "FULL_OBJECT";
  }
  return out;
}

export function segmentsOf(row: { blob_id: string | null; segments: string | null; size: number }): BlobSegment[] {
  return row.blob_id ? [{ id: row.blob_id, length: row.size }] : (JSON.parse(row.segments ?? "[]") as BlobSegment[]);
}

/** The bytes [start, end] of an object: a Buffer for small inline blobs, else a stream. */
export function objectBody(store: S3Store, row: ObjectRow, start: number, end: number): Buffer | Readable {
  if (row.blob_id) {
    const inline = store.blobs.inlineData(row.blob_id);
    if (inline) return start === 0 && end === inline.length - 1 ? inline : inline.subarray(start, end + 1);
  }
  // The read holds its own references until the stream closes, so an overwrite or delete that
  // lands mid-GET cannot remove the bytes this reader still has to send.
  const segments = segmentsOf(row);
  const ids = segments.map((s) => s.id);
  store.db.transaction(() => store.retainAll(ids));
  const stream = store.blobs.readSegments(segments, start, end);
  stream.once("close", () => {
    // A stream can outlive a stopped cloudbox: its database is closed then and there is nothing to release.
    if (store.db.sql.open) store.db.transaction(() => store.releaseAll(ids));
  });
  return stream;
}

/** The bytes [start, end] of a segment list as a new segment list: a view, no bytes copied. */
export function sliceSegments(segments: BlobSegment[], start: number, end: number): BlobSegment[] {
  const out: BlobSegment[] = [];
  let position = 0;
  for (const s of segments) {
    const segStart = position;
    const segEnd = position + s.length - 1;
    position += s.length;
    if (segEnd < start || segStart > end) continue;
    const from = Math.max(start, segStart);
    const to = Math.min(end, segEnd);
    out.push({ id: s.id, offset: (s.offset ?? 0) + (from - segStart), length: to - from + 1 });
  }
  return out;
}

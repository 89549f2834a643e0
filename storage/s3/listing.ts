import type { ListObjectsRequest, ListObjectsV2Request } from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";

/** A listing row as an array (raw statement mode: cheaper than an object per row). */
type ListedRow = [key: string, size: number, etag: string, lastModified: number, storageClass: string, checksumAlgorithm: string | null, checksumType: string | null];
const KEY = 0;

/** Where a listing resumes: after a key (exclusive) or at the first key past a common prefix (inclusive). */
interface Cursor {
  after: boolean;
  value: string;
}

export function encodeToken(kind: "k" | "p", value: string): string {
  return Buffer.from(kind + value, "utf8").toString("base64");
}

export function decodeToken(token: string): { kind: "k" | "p"; value: string } {
  const text = Buffer.from(token, "base64").toString("utf8");
  const kind = text[0];
  if ((kind !== "k" && kind !== "p") || Buffer.from(text, "utf8").toString("base64") !== token) {
    throw S3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  }
  return { kind, value: text.slice(1) };
}

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** The smallest string greater than every key that starts with `prefix` (in UTF-8 byte order). */
export function pastPrefix(prefix: string): string {
  const points = Array.from(prefix);
  const last = points.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return prefix + "\u{10ffff}";
  // Skip the surrogate block: a lone surrogate cannot be bound as UTF-8 text.
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return points.join("") + String.fromCodePoint(next);
}

/** S3's `encoding-type=url`: percent-encoding with spaces as `+`, slashes kept. */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

interface Walk {
  rows: ListedRow[];
  prefixes: string[];
  truncated: boolean;
  /** The last item returned, to build NextMarker / NextContinuationToken. */
  last?: { kind: "k" | "p"; value: string };
}

/**
 * One page of a listing, read from the (bucket_id, key) primary key in byte order: seeks to the
 * start, reads at most max-keys + 1 rows per query, and jumps over each common prefix with a new
 * seek instead of reading the keys under it.
 */
function walk(store: S3Store, bucketId: number, prefix: string, delimiter: string, start: Cursor, maxKeys: number): Walk {
  const out: Walk = { rows: [], prefixes: [], truncated: false };
  if (maxKeys === 0) return out;
  let cursor = start;
  let count = 0;
  let lastKey: string | undefined;
  let lastPrefix: string | undefined;
  outer: for (;;) {
    const limit = maxKeys - count + 1;
    const rows = (cursor.after ? store.s.listAfter : store.s.listFrom).all(bucketId, cursor.value, limit) as ListedRow[];
    for (const row of rows) {
      const key = row[KEY];
      if (!key.startsWith(prefix)) break outer;
      if (count === maxKeys) {
        out.truncated = true;
        break outer;
      }
      if (delimiter) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at !== -1) {
          const common = key.slice(0, at + delimiter.length);
          out.prefixes.push(common);
          count++;
          lastPrefix = common;
          lastKey = undefined;
          cursor = { after: false, value: pastPrefix(common) };
          continue outer;
        }
      }
      out.rows.push(row);
      count++;
      lastKey = key;
      lastPrefix = undefined;
    }
    if (rows.length < limit) break;
    cursor = { after: true, value: lastKey! };
  }
  if (lastPrefix !== undefined) out.last = { kind: "p", value: lastPrefix };
  else if (lastKey !== undefined) out.last = { kind: "k", value: lastKey };
  return out;
}

function startCursor(prefix: string, after: string | undefined): Cursor {
  if (after !== undefined && utf8Compare(after, prefix) >= 0) return { after: true, value: after };
  return { after: false, value: prefix };
}

export function maxKeysOf(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (value < 0 || !Number.isInteger(value)) throw S3Errors.invalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", String(value));
  return Math.min(value, 1000);
}

/** The key encoder of a listing's encoding-type (none, or `url`). */
export function encoder(encodingType: string | undefined): (s: string) => string {
  if (encodingType === undefined) return (s) => s;
  if (encodingType !== "url") throw S3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
  return urlEncodeKey;
}

export function listingHandlers(store: S3Store, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  function contents(rows: ListedRow[], encode: (s: string) => string, owner: { ID: string; DisplayName: string } | undefined) {
    return rows.map((r) => {
      const item: Record<string, unknown> = { Key: encode(r[0]), LastModified: new Date(r[3]), ETag: r[2], Size: r[1], StorageClass: r[4] };
      if (r[5]) {
        item.ChecksumAlgorithm = [r[5]];
        item.ChecksumType = r[6] ?? "FULL_OBJECT";
      }
      if (owner) item.Owner = owner;
      return item;
    });
  }

  return {
    ListObjectsV2(input: ListObjectsV2Request, ctx: OperationContext): Record<string, unknown> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const prefix = input.Prefix ?? "";
      const delimiter = input.Delimiter ?? "";
      const maxKeys = maxKeysOf(input.MaxKeys);
      const encode = encoder(input.EncodingType);
      let start: Cursor;
      if (input.ContinuationToken !== undefined) {
        const token = decodeToken(input.ContinuationToken);
        start = token.kind === "k" ? { after: true, value: token.value } : { after: false, value: pastPrefix(token.value) };
      } else {
        start = startCursor(prefix, input.StartAfter);
      }
      const page = walk(store, bucket.id, prefix, delimiter, start, maxKeys);
      const out: Record<string, unknown> = {
        Name: bucket.name,
        Prefix: encode(prefix),
        MaxKeys: input.MaxKeys ?? 1000,
        KeyCount: page.rows.length + page.prefixes.length,
        IsTruncated: page.truncated,
      };
      if (page.rows.length) out.Contents = contents(page.rows, encode, input.FetchOwner ? { ID: ctx.account, DisplayName: "cloudbox" } : undefined);
      if (page.prefixes.length) out.CommonPrefixes = page.prefixes.map((p) => ({ Prefix: encode(p) }));
      if (input.Delimiter !== undefined) out.Delimiter = encode(delimiter);
      if (input.EncodingType !== undefined) out.EncodingType = input.EncodingType;
      if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
      if (input.StartAfter !== undefined) out.StartAfter = encode(input.StartAfter);
      if (page.truncated && page.last) out.NextContinuationToken = encodeToken(page.last.kind, page.last.value);
      return out;
    },

    ListObjects(input: ListObjectsRequest, ctx: OperationContext): Record<string, unknown> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const prefix = input.Prefix ?? "";
      const delimiter = input.Delimiter ?? "";
      const maxKeys = maxKeysOf(input.MaxKeys);
      const encode = encoder(input.EncodingType);
      const marker = input.Marker;
      // A NextMarker that is a common prefix resumes after every key under it.
      const start = marker !== undefined && delimiter && marker.startsWith(prefix) && marker.endsWith(delimiter) && marker.length > prefix.length
        ? { after: false, value: pastPrefix(marker) }
        : startCursor(prefix, marker);
      const page = walk(store, bucket.id, prefix, delimiter, start, maxKeys);
      const out: Record<string, unknown> = {
        Name: bucket.name,
        Prefix: encode(prefix),
        Marker: encode(marker ?? ""),
        MaxKeys: input.MaxKeys ?? 1000,
        IsTruncated: page.truncated,
      };
      if (page.rows.length) out.Contents = contents(page.rows, encode, { ID: ctx.account, DisplayName: "cloudbox" });
      if (page.prefixes.length) out.CommonPrefixes = page.prefixes.map((p) => ({ Prefix: encode(p) }));
      if (input.Delimiter !== undefined) out.Delimiter = encode(delimiter);
      if (input.EncodingType !== undefined) out.EncodingType = input.EncodingType;
      if (page.truncated && page.last && delimiter) out.NextMarker = encode(page.last.value);
      return out;
    },
  };
}

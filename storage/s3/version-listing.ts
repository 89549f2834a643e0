import type { ListObjectVersionsRequest } from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { encoder, maxKeysOf, pastPrefix } from "./listing.js";
import { NULL_VERSION, Versions } from "./versions.js";

/** A listed version as an array (raw statements); older versions carry their seq as a 12th column. */
type Item = [key: string, versionId: string | null, deleteMarker: number, size: number, etag: string, lastModified: number, storageClass: string,
  checksumAlgorithm: string | null, checksumType: string | null, restoreReadyAt: number | null, restoreExpiresAt: number | null, seq?: number];

/**
 * Where a version listing resumes: at a key (inclusive), after every version of a key, or after the
 * version of a key with that seq (the current version sorts before every seq: Infinity).
 */
type Cursor = { kind: "from" | "afterKey"; key: string } | { kind: "within"; key: string; seq: number };

/** UTF-8 byte order (SQLite's BINARY collation) is code point order; JS `<` compares UTF-16 units. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

export function versionListingHandlers(store: S3Store, clock: Clock, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const s = store.s;
  const versions = new Versions(store);

  /** Every version from a cursor on, in S3's order: keys in byte order, each key's newest first; read `batch` rows a query. */
  function* stream(bucketId: number, start: Cursor, batch: number): Generator<Item> {
    let cursor: Cursor | undefined = start;
    while (cursor) {
      if (cursor.kind === "within") {
        const rows = s.olderOfKey.all(bucketId, cursor.key, cursor.seq, batch) as Item[];
        yield* rows;
        cursor = rows.length === batch ? { kind: "within", key: cursor.key, seq: rows[rows.length - 1]![11]! } : { kind: "afterKey", key: cursor.key };
        continue;
      }
      const from = cursor.kind === "from";
      const current = (from ? s.currentFrom : s.currentAfter).all(bucketId, cursor.key, batch) as Item[];
      const older = (from ? s.olderFrom : s.olderAfter).all(bucketId, cursor.key, batch) as Item[];
      const currentDone = current.length < batch;
      const olderDone = older.length < batch;
      let i = 0;
      let j = 0;
      let last: Item | undefined;
      cursor = undefined;
      for (;;) {
        const c = current[i];
        const o = older[j];
        if (c === undefined && !currentDone) break;
        if (o === undefined && !olderDone) break;
        if (c === undefined && o === undefined) return;
        // The current version of a key comes before its older ones.
        const takeCurrent = o === undefined || (c !== undefined && compareKeys(c[0], o[0]) <= 0);
        last = takeCurrent ? current[i++]! : older[j++]!;
        yield last;
      }
      // A batch ran out before the other: go on after the last version given.
      if (last === undefined) return;
      cursor = { kind: "within", key: last[0], seq: last[11] ?? Infinity };
    }
  }

  return {
    ListObjectVersions(input: ListObjectVersionsRequest, ctx: OperationContext): Record<string, unknown> {
      const bucket = bucketFor(input.Bucket!, ctx);
      const prefix = input.Prefix ?? "";
      const delimiter = input.Delimiter ?? "";
      const maxKeys = maxKeysOf(input.MaxKeys);
      const encode = encoder(input.EncodingType);
      const keyMarker = input.KeyMarker;
      const versionIdMarker = input.VersionIdMarker;
      if (input.OptionalObjectAttributes !== undefined && input.OptionalObjectAttributes.some((a) => a !== "RestoreStatus")) {
        throw S3Errors.invalidArgument("Invalid attribute name specified.", "x-amz-optional-object-attributes", input.OptionalObjectAttributes.join(","));
      }
      const withRestore = input.OptionalObjectAttributes?.includes("RestoreStatus") ?? false;
      let start: Cursor = { kind: "from", key: prefix };
      if (versionIdMarker !== undefined && versionIdMarker !== "") {
        if (!keyMarker) throw S3Errors.invalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionIdMarker);
        const ref = versions.find(bucket.id, keyMarker, versionIdMarker);
        if (!ref) throw S3Errors.invalidVersionId(versionIdMarker);
        start = { kind: "within", key: keyMarker, seq: ref.seq ?? Infinity };
      } else if (keyMarker) {
        // A NextKeyMarker that is a common prefix resumes after every key under it.
        if (delimiter && keyMarker.startsWith(prefix) && keyMarker.endsWith(delimiter) && keyMarker.length > prefix.length) start = { kind: "from", key: pastPrefix(keyMarker) };
        else if (compareKeys(keyMarker, prefix) >= 0) start = { kind: "afterKey", key: keyMarker };
      }
      const owner = { ID: bucket.account, DisplayName: "cloudbox" };
      const listed: Record<string, unknown>[] = [];
      const markers: Record<string, unknown>[] = [];
      const prefixes: string[] = [];
      let count = 0;
      let truncated = false;
      let last: { key: string; versionId?: string } | undefined;
      let cursor: Cursor | undefined = maxKeys === 0 ? undefined : start;
      const now = clock.now();
      walk: while (cursor) {
        const from: Cursor = cursor;
        cursor = undefined;
        for (const item of stream(bucket.id, from, maxKeys - count + 1)) {
          const key = item[0];
          if (!key.startsWith(prefix)) break walk;
          if (count === maxKeys) {
            truncated = true;
            break walk;
          }
          count++;
          if (delimiter) {
            const at = key.indexOf(delimiter, prefix.length);
            if (at !== -1) {
              const common = key.slice(0, at + delimiter.length);
              prefixes.push(common);
              last = { key: common };
              cursor = { kind: "from", key: pastPrefix(common) };
              continue walk;
            }
          }
          const versionId = item[1] ?? NULL_VERSION;
          const entry: Record<string, unknown> = { Key: encode(key), VersionId: versionId, IsLatest: item[11] === undefined, LastModified: new Date(item[5]), Owner: owner };
          if (item[2]) {
            markers.push(entry);
          } else {
            Object.assign(entry, { ETag: item[4], Size: item[3], StorageClass: item[6] });
            if (item[7]) Object.assign(entry, { ChecksumAlgorithm: [item[7]], ChecksumType: item[8] ?? "FULL_OBJECT" });
            if (withRestore && item[9] !== null) {
              entry.RestoreStatus = { IsRestoreInProgress: now < item[9], ...(item[10] !== null && now >= item[9] ? { RestoreExpiryDate: new Date(item[10]) } : {}) };
            }
            listed.push(entry);
          }
          last = { key, versionId };
        }
      }
      const out: Record<string, unknown> = {
        Name: bucket.name, Prefix: encode(prefix), KeyMarker: encode(keyMarker ?? ""), VersionIdMarker: versionIdMarker ?? "", MaxKeys: input.MaxKeys ?? 1000, IsTruncated: truncated,
      };
      if (listed.length) out.Versions = listed;
      if (markers.length) out.DeleteMarkers = markers;
      if (prefixes.length) out.CommonPrefixes = prefixes.map((p) => ({ Prefix: encode(p) }));
      if (input.Delimiter !== undefined) out.Delimiter = encode(delimiter);
      if (input.EncodingType !== undefined) out.EncodingType = input.EncodingType;
      if (truncated && last) {
        out.NextKeyMarker = encode(last.key);
        if (last.versionId !== undefined) out.NextVersionIdMarker = last.versionId;
      }
      return out;
    },
  };
}

import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { S3Errors } from "./s3-errors.js";

const unquote = (etag: string): string => etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");

/** Whether an If-Match / If-None-Match list (`"a", "b"` or `*`) names this ETag. */
export function etagMatches(header: string, etag: string): boolean {
  const bare = unquote(etag);
  return header.split(",").some((candidate) => {
    const c = candidate.trim();
    return c === "*" || unquote(c) === bare;
  });
}

// Last-Modified travels with second precision, so comparisons against HTTP dates drop the milliseconds.
const seconds = (ms: number): number => Math.floor(ms / 1000);

export interface ReadConditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

/** GetObject/HeadObject conditionals in RFC 7232 order: 412 for failed If-Match/If-Unmodified-Since, else 304. */
export function checkReadConditions(c: ReadConditions, etag: string, lastModified: number): void {
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, etag)) throw S3Errors.preconditionFailed("If-Match");
  } else if (c.IfUnmodifiedSince && seconds(lastModified) > seconds(c.IfUnmodifiedSince.getTime())) {
    throw S3Errors.preconditionFailed("If-Unmodified-Since");
  }
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, etag)) throw S3Errors.notModified(etag, new Date(seconds(lastModified) * 1000));
  } else if (c.IfModifiedSince && seconds(lastModified) <= seconds(c.IfModifiedSince.getTime())) {
    throw S3Errors.notModified(etag, new Date(seconds(lastModified) * 1000));
  }
}

export interface CopySourceConditions {
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/** CopyObject/UploadPartCopy source conditionals: every failure is 412 PreconditionFailed. */
export function checkCopySourceConditions(c: CopySourceConditions, etag: string, lastModified: number): void {
  if (c.CopySourceIfMatch !== undefined) {
    if (!etagMatches(c.CopySourceIfMatch, etag)) throw S3Errors.preconditionFailed("x-amz-copy-source-If-Match");
  } else if (c.CopySourceIfUnmodifiedSince && seconds(lastModified) > seconds(c.CopySourceIfUnmodifiedSince.getTime())) {
    throw S3Errors.preconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  }
  if (c.CopySourceIfNoneMatch !== undefined) {
    if (etagMatches(c.CopySourceIfNoneMatch, etag)) throw S3Errors.preconditionFailed("x-amz-copy-source-If-None-Match");
  } else if (c.CopySourceIfModifiedSince && seconds(lastModified) <= seconds(c.CopySourceIfModifiedSince.getTime())) {
    throw S3Errors.preconditionFailed("x-amz-copy-source-If-Modified-Since");
  }
}

/**
 * Create-only (`If-None-Match: *`) and compare-and-swap (`If-Match: etag`) writes. Checked once
 * before the body is read and again inside the committing transaction, so racing writers cannot both win.
 */
export function checkWriteConditions(c: { IfMatch?: string; IfNoneMatch?: string }, existing: { etag: string } | undefined, key: string): void {
  if (c.IfNoneMatch !== undefined) {
    if (c.IfNoneMatch.trim() !== "*") throw new ServiceError("NotImplemented", "A header you provided implies functionality that is not implemented", { status: 501, fields: { Header: "If-None-Match" } });
    if (existing) throw S3Errors.preconditionFailed("If-None-Match");
  }
  if (c.IfMatch !== undefined) {
    if (!existing) throw S3Errors.noSuchKey(key);
    if (!etagMatches(c.IfMatch, existing.etag)) throw S3Errors.preconditionFailed("If-Match");
  }
}

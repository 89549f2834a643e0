import { ServiceError } from "../errors/service-error.js";

/**
 * Query-string authentication (presigned URLs). SigV4 URLs carry X-Amz-Algorithm, -Credential,
 * -Date, -Expires, -SignedHeaders and -Signature; legacy SigV2 URLs carry AWSAccessKeyId,
 * Signature and Expires (epoch seconds). Expiry is enforced for both whether or not signatures
 * are checked: an expired link working locally and failing in AWS is exactly the surprise an
 * emulator must not hide.
 */
export interface PresignedV4 {
  version: 4;
  algorithm: string;
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** The scope string as signed: date/region/service/aws4_request. */
  scope: string;
  /** X-Amz-Date as sent, YYYYMMDD'T'HHMMSS'Z'. */
  amzDate: string;
  signedAtMs: number;
  expiresSeconds: number;
  signedHeaders: string[];
  signature: string;
}

export interface PresignedV2 {
  version: 2;
  accessKeyId: string;
  signature: string;
  expiresAtMs: number;
  /** Expires as sent (epoch seconds). */
  expires: string;
}

export type Presigned = PresignedV4 | PresignedV2;

/** SigV4 signatures are valid at most a week: the signing key is derived from a date. */
export const MAX_PRESIGNED_EXPIRES = 604_800;

const V4_ALGORITHMS = new Set(["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"]);
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function queryError(message: string): ServiceError {
  return new ServiceError("AuthorizationQueryParametersError", message);
}

/** Milliseconds since the epoch of an X-Amz-Date value, or NaN. */
export function parseAmzDate(value: string): number {
  const m = AMZ_DATE.exec(value);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // reject 20130231 and friends rather than letting Date roll them over
  return check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? ms : NaN;
}

/** S3's timestamps in error bodies: ISO 8601 without milliseconds. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The presigned parameters of a request's query, or undefined for a request that is not
 * presigned. Malformed parameters throw S3's AuthorizationQueryParametersError.
 */
export function parsePresignedQuery(query: URLSearchParams): Presigned | undefined {
  if (query.has("X-Amz-Algorithm") || query.has("X-Amz-Signature") || query.has("X-Amz-Credential")) return parseV4(query);
  if (query.has("AWSAccessKeyId") && query.has("Signature") && query.has("Expires")) {
    const expires = query.get("Expires")!;
    if (!/^\d{1,12}$/.test(expires)) throw new ServiceError("AccessDenied", "Invalid date (should be seconds since epoch): " + expires, { status: 403 });
    return { version: 2, accessKeyId: query.get("AWSAccessKeyId")!, signature: query.get("Signature")!, expires, expiresAtMs: Number(expires) * 1000 };
  }
  return undefined;
}

function parseV4(query: URLSearchParams): PresignedV4 {
  const algorithm = query.get("X-Amz-Algorithm");
  const credential = query.get("X-Amz-Credential");
  const amzDate = query.get("X-Amz-Date");
  const expires = query.get("X-Amz-Expires");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  const signature = query.get("X-Amz-Signature");
  if (!algorithm || !credential || !amzDate || expires === null || !signedHeaders || !signature) {
    throw queryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (!V4_ALGORITHMS.has(algorithm)) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"');
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!) || !parts[0]) {
    throw queryError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const signedAtMs = parseAmzDate(amzDate);
  if (Number.isNaN(signedAtMs)) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (!/^-?\d+$/.test(expires)) throw queryError("X-Amz-Expires should be a number");
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 0) throw queryError("X-Amz-Expires must be non-negative");
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES) {
    throw queryError(`X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGNED_EXPIRES} seconds`);
  }
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string, string];
  return {
    version: 4,
    algorithm,
    accessKeyId,
    scopeDate,
    region,
    service,
    scope: parts.slice(1).join("/"),
    amzDate,
    signedAtMs,
    expiresSeconds,
    signedHeaders: signedHeaders.split(";"),
    signature,
  };
}

/** Throws S3's AccessDenied "Request has expired" (403) once the URL's lifetime has passed. */
export function checkPresignedExpiry(presigned: Presigned, nowMs: number): void {
  if (presigned.version === 2) {
    if (nowMs > presigned.expiresAtMs) {
      throw new ServiceError("AccessDenied", "Request has expired", {
        status: 403,
        fields: { Expires: isoSeconds(presigned.expiresAtMs), ServerTime: isoSeconds(nowMs) },
      });
    }
    return;
  }
  const expiresAtMs = presigned.signedAtMs + presigned.expiresSeconds * 1000;
  if (nowMs > expiresAtMs) {
    throw new ServiceError("AccessDenied", "Request has expired", {
      status: 403,
      fields: { "X-Amz-Expires": presigned.expiresSeconds, Expires: isoSeconds(expiresAtMs), ServerTime: isoSeconds(nowMs) },
    });
  }
}

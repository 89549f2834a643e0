import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ServiceError } from "../errors/service-error.js";
import type { ChunkSignatureVerifier } from "../aws-chunked/chunked-decoder.js";
import { parseAmzDate, parsePresignedQuery } from "./presigned-query.js";

/**
 * Full AWS Signature Version 4 verification (header and presigned-query forms, and the chunk
 * signatures of STREAMING-AWS4-HMAC-SHA256-* bodies). Off by default in cloudbox: local clients
 * sign with throwaway credentials. It exists for users who want AWS's strictness (a wrong secret
 * failing locally as it would in AWS) once an option turns it on.
 */

export interface SignableRequest {
  method: string;
  /** The path as sent, still percent-encoded, without the query. */
  path: string;
  /** The query string as sent, without "?". */
  rawQuery: string;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
}

export interface VerifiedSignature {
  accessKeyId: string;
  /** The request's own signature: the seed that chains a chunked body's chunk signatures. */
  signature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** kSigning = HMAC chain over date, region, service and "aws4_request", from "AWS4" + secret. */
export function signingKey(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scopeDate), region), service), "aws4_request");
}

/** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX upper case. */
export function uriEncode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, "%20"));
  } catch {
    return value;
  }
}

/**
 * The canonical URI. S3 signs the path exactly as encoded once; every other service normalizes
 * it and encodes each segment a second time.
 */
export function canonicalUri(path: string, service: string): string {
  if (path === "") return "/";
  if (service === "s3") return path.split("/").map((segment) => uriEncode(decodeComponent(segment))).join("/");
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join("/")}${path.endsWith("/") && segments.length > 0 ? "/" : ""}`;
  return normalized.split("/").map((segment) => uriEncode(uriEncode(decodeComponent(segment)))).join("/");
}

/** Query parameters decoded, re-encoded per RFC 3986 and sorted by name then value. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  if (rawQuery === "") return "";
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = uriEncode(decodeComponent(eq === -1 ? part : part.slice(0, eq)));
    const value = eq === -1 ? "" : uriEncode(decodeComponent(part.slice(eq + 1)));
    if (name !== omit) pairs.push([name, value]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export function canonicalRequest(request: SignableRequest, service: string, signedHeaders: string[], payloadHash: string, omitQuery?: string): string {
  const headerLines = signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  return [request.method, canonicalUri(request.path, service), canonicalQuery(request.rawQuery, omitQuery), headerLines, signedHeaders.join(";"), payloadHash].join("\n");
}

export function stringToSign(algorithm: string, amzDate: string, scope: string, hashedCanonicalRequest: string): string {
  return `${algorithm}\n${amzDate}\n${scope}\n${hashedCanonicalRequest}`;
}

function sameSignature(expected: string, provided: string | undefined): boolean {
  if (provided === undefined || provided.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(provided));
}

interface AuthParts {
  algorithm: string;
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  scope: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
  omitQuery?: string;
}

const AUTH_HEADER = /^(AWS4-HMAC-SHA256)\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$/;

function authFromHeader(headers: Record<string, string | undefined>, authorization: string): AuthParts {
  const m = AUTH_HEADER.exec(authorization.trim());
  if (!m) throw new ServiceError("AuthorizationHeaderMalformed", "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.");
  const parts = m[2]!.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") {
    throw new ServiceError("AuthorizationHeaderMalformed", `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const amzDate = headers["x-amz-date"] ?? "";
  return {
    algorithm: m[1]!,
    accessKeyId: parts[0]!,
    scopeDate: parts[1]!,
    region: parts[2]!,
    service: parts[3]!,
    scope: parts.slice(1).join("/"),
    amzDate,
    signedHeaders: m[3]!.split(";"),
    signature: m[4]!,
    payloadHash: headers["x-amz-content-sha256"] ?? EMPTY_SHA256,
  };
}

/**
 * Checks a request's SigV4 signature (Authorization header or presigned query). `secretFor`
 * returns the secret of an access key id, or undefined for an unknown key (InvalidAccessKeyId).
 * `payloadHash` overrides the payload hash for services that do not send x-amz-content-sha256
 * (pass the hex SHA-256 of the body). Throws S3-style errors; returns what chunk verification needs.
 */
export function verifySignatureV4(request: SignableRequest, secretFor: (accessKeyId: string) => string | undefined, payloadHash?: string): VerifiedSignature {
  let auth: AuthParts;
  const authorization = request.headers["authorization"];
  if (authorization) {
    auth = authFromHeader(request.headers, authorization);
  } else {
    const presigned = parsePresignedQuery(new URLSearchParams(request.rawQuery));
    if (!presigned || presigned.version !== 4) {
      throw new ServiceError("AccessDenied", "Access Denied", { status: 403 });
    }
    auth = { ...presigned, payloadHash: request.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD", omitQuery: "X-Amz-Signature" };
  }
  if (payloadHash !== undefined) auth.payloadHash = payloadHash;
  if (auth.algorithm !== "AWS4-HMAC-SHA256") throw new ServiceError("NotImplemented", `cloudbox verifies only AWS4-HMAC-SHA256 signatures, not ${auth.algorithm}.`, { status: 501 });
  if (Number.isNaN(parseAmzDate(auth.amzDate))) {
    throw new ServiceError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", { status: 403 });
  }
  const secret = secretFor(auth.accessKeyId);
  if (secret === undefined) {
    throw new ServiceError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { status: 403, fields: { AWSAccessKeyId: auth.accessKeyId } });
  }
  const canonical = canonicalRequest(request, auth.service, auth.signedHeaders, auth.payloadHash, auth.omitQuery);
  const toSign = stringToSign(auth.algorithm, auth.amzDate, auth.scope, sha256Hex(canonical));
  const key = signingKey(secret, auth.scopeDate, auth.region, auth.service);
  const expected = hmac(key, toSign).toString("hex");
  if (!sameSignature(expected, auth.signature)) {
    throw new ServiceError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
      status: 403,
      fields: { AWSAccessKeyId: auth.accessKeyId, StringToSign: toSign, SignatureProvided: auth.signature, CanonicalRequest: canonical },
    });
  }
  return { accessKeyId: auth.accessKeyId, signature: expected, signingKey: key, amzDate: auth.amzDate, scope: auth.scope };
}

/**
 * Verifies the chain of a signed aws-chunked body: each chunk signs the previous signature (the
 * request's own for the first) and its data's hash; the trailer block signs the last chunk's.
 */
export function chunkSignatureVerifier(seed: VerifiedSignature): ChunkSignatureVerifier {
  let previous = seed.signature;
  const next = (kind: "PAYLOAD" | "TRAILER", provided: string | undefined, tail: string): boolean => {
    const toSign = kind === "PAYLOAD"
      ? `AWS4-HMAC-SHA256-PAYLOAD\n${seed.amzDate}\n${seed.scope}\n${previous}\n${EMPTY_SHA256}\n${tail}`
      : `AWS4-HMAC-SHA256-TRAILER\n${seed.amzDate}\n${seed.scope}\n${previous}\n${tail}`;
    const expected = hmac(seed.signingKey, toSign).toString("hex");
    previous = expected;
    return sameSignature(expected, provided);
  };
  return {
    chunk: (signature, dataSha256) => next("PAYLOAD", signature, dataSha256.toString("hex")),
    trailer: (signature, canonicalTrailers) => next("TRAILER", signature, sha256Hex(canonicalTrailers)),
  };
}

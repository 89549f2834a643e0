import * as crypto from "node:crypto";
import { memoized } from "./bounded-memo.js";

/** Members that never make two calls with one ClientToken different requests. */
const IGNORED = new Set(["ClientToken", "DryRun"]);

/**
 * crypto.hash (Node 20.12 and later) digests in one call; createHash builds a stream object
 * first, which costs more than the digest of a request's few hundred bytes.
 */
const sha1Hex: (text: string) => string =
  typeof crypto.hash === "function" ? (text) => crypto.hash("sha1", text, "hex") : (text) => crypto.createHash("sha1").update(text).digest("hex");

/**
 * What makes two calls with one ClientToken "the same request": every parameter except the token
 * and DryRun, in a form that does not depend on the order in which a client (or an in-process
 * caller) wrote the members. JSON.stringify with a sorting replacer did the same at several times
 * the cost, most of it in localeCompare, on every RunInstances (the SDKs always send a token).
 */
export function requestFingerprint(input: object): string {
  return memoized(recentDigests, objectJson(input as Record<string, unknown>, IGNORED), RECENT_DIGEST_LIMIT, sha1Hex);
}

/**
 * Digests of recent requests by their canonical JSON. The SDKs send a fresh ClientToken with every
 * RunInstances, so every launch is fingerprinted, while a test suite or a script repeats a few
 * requests that differ only in the token: the digest (a call into OpenSSL) is then looked up.
 */
const recentDigests = new Map<string, string>();
const RECENT_DIGEST_LIMIT = 256;

/** JSON with object members in code-unit order; undefined members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return scalarJson(value);
  if (value instanceof Date) return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i] ?? null);
    return out + "]";
  }
  return objectJson(value as Record<string, unknown>);
}

function objectJson(record: Record<string, unknown>, skip?: Set<string>): string {
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === "function" || skip?.has(key)) continue;
    out += (first ? "" : ",") + stringJson(key) + ":" + canonicalJson(member);
    first = false;
  }
  return out + "}";
}

/** Printable ASCII without `"` and `\`: such a string is its own JSON body. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

// JSON.stringify is a call into the runtime; most strings and numbers of a request need none.
const stringJson = (text: string) => (PLAIN.test(text) ? `"${text}"` : JSON.stringify(text));

function scalarJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return stringJson(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    default:
      return JSON.stringify(value) ?? "null";
  }
}

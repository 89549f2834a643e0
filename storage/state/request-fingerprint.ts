import { createHash } from "node:crypto";

/**
 * What makes two calls with one ClientToken "the same request": every parameter except the token
 * and DryRun, in a form that does not depend on the order in which a client (or an in-process
 * caller) wrote the members. JSON.stringify with a sorting replacer did the same at several times
 * the cost, most of it in localeCompare, on every RunInstances (the SDKs always send a token).
 */
export function requestFingerprint(input: object): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = input as Record<string, unknown>;
  return createHash("sha1").update(canonicalJson(rest)).digest("hex");
}

/** JSON with object members in code-unit order; undefined members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i] ?? null);
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === "function") continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(member);
    first = false;
  }
  return out + "}";
}

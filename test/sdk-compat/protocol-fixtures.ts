import type { Protocol } from "../../sdk-compat/protocol/protocol.js";
import type { WireRequest } from "../../sdk-compat/protocol/wire.js";

/** One row of a protocol's fixture table: a request on the wire and the typed input it must become. */
export interface InputCase {
  name: string;
  request: { method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string };
  operation: string;
  input: Record<string, unknown>;
}

/** A typed output and the bytes (or the fragments of them) it must serialize to. */
export interface OutputCase {
  name: string;
  operation: string;
  output: Record<string, unknown>;
  body?: string;
  contains?: string[];
  headers?: Record<string, string>;
  status?: number;
}

export function wireRequest(r: InputCase["request"]): WireRequest {
  const rawQuery = r.query ?? "";
  return {
    method: r.method ?? "POST",
    path: r.path ?? "/",
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(r.body ?? ""),
  };
}

export function parseCase(protocol: Protocol, c: InputCase): { operation: string | undefined; input: Record<string, unknown> } {
  const request = wireRequest(c.request);
  const resolved = protocol.resolveOperation(request);
  if (!resolved) return { operation: undefined, input: {} };
  return { operation: resolved.operation.name, input: protocol.parseInput(resolved, request) };
}

import { Readable } from "node:stream";
import type { RawRequestHandler, WireResponse } from "../protocol/wire.js";
import { ChunkedBody } from "../protocol/wire.js";

/** The parts of a Smithy HttpRequest the handler reads (structural, so no @smithy import is needed). */
export interface SmithyHttpRequest {
  method: string;
  protocol?: string;
  hostname?: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null | undefined>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SmithyHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

const escape = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryString(query: SmithyHttpRequest["query"]): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (value === null) parts.push(escape(key));
    else for (const v of Array.isArray(value) ? value : [value]) parts.push(`${escape(key)}=${escape(v)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function bodyStream(body: unknown): Readable {
  if (body instanceof Readable) return body;
  if (body === undefined || body === null) return Readable.from([]);
  if (typeof body === "string") return Readable.from([Buffer.from(body)]);
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") return Readable.from(body as AsyncIterable<Uint8Array>);
  throw new TypeError("cloudbox in-process handler: unsupported request body type");
}

/**
 * A Smithy HttpHandler (`requestHandler` of any @aws-sdk/client-*) that hands requests straight to
 * cloudbox's dispatcher: no socket, no port, the same parsing and answers as over HTTP, and bodies
 * still streamed both ways.
 */
export class InProcessHandler {
  readonly metadata = { handlerProtocol: "cloudbox-in-process" };

  constructor(private readonly dispatch: RawRequestHandler) {}

  async handle(request: SmithyHttpRequest, options: { abortSignal?: { aborted: boolean; addEventListener?: (type: "abort", listener: () => void) => void; removeEventListener?: (type: "abort", listener: () => void) => void } } = {}): Promise<{ response: SmithyHttpResponse }> {
    const controller = new AbortController();
    const abortError = () => Object.assign(new Error("Request aborted"), { name: "AbortError" });
    if (options.abortSignal?.aborted) throw abortError();
    // Like the node HTTP handler, an abort rejects the call at once; the dispatcher sees the signal
    // too, so a long wait on the server side (SQS long polling) ends without taking anything.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        controller.abort();
        reject(abortError());
      };
      options.abortSignal?.addEventListener?.("abort", onAbort);
    });
    aborted.catch(() => {});
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
    const hostname = request.hostname ?? "localhost";
    const host = request.port ? `${hostname}:${request.port}` : hostname;
    headers["host"] ??= host;
    const dispatched = this.dispatch({
      method: request.method,
      url: `${request.path}${queryString(request.query)}`,
      headers,
      body: bodyStream(request.body),
      bodyless: request.body === undefined || request.body === null,
      baseUrl: `${request.protocol ?? "http:"}//${host}`,
      signal: controller.signal,
    });
    let response: WireResponse;
    try {
      response = await Promise.race([aborted, dispatched]);
    } finally {
      // a signal shared by many calls must not collect one listener per call
      if (onAbort) options.abortSignal?.removeEventListener?.("abort", onAbort);
    }
    const wireBody = response.body;
    const body = wireBody instanceof Readable ? wireBody : Readable.from(wireBody === undefined ? [] : wireBody instanceof ChunkedBody ? wireBody.chunks : [Buffer.from(wireBody)]);
    const responseHeaders = { ...response.headers };
    if (!(wireBody instanceof Readable) && responseHeaders["content-length"] === undefined) {
      responseHeaders["content-length"] = String(wireBody === undefined ? 0 : wireBody instanceof ChunkedBody ? wireBody.length : Buffer.byteLength(wireBody));
    }
    if (request.method === "HEAD") body.resume();
    return { response: { statusCode: response.status, headers: responseHeaders, body: request.method === "HEAD" ? Readable.from([]) : body } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

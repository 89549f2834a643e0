import type { Readable } from "node:stream";

/** A request as the protocol engine sees it: no express, no sockets. */
export interface WireRequest {
  method: string;
  /** The raw, still percent-encoded path, without the query string. */
  path: string;
  /** The raw query string without the leading "?". */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The whole body, for operations whose input is not a stream. */
  body: Buffer;
  /** The unread body, for operations whose payload is a stream (S3 objects, EBS blocks). */
  stream?: Readable;
  /** Form parameters (query and ec2 protocols), parsed once on first use. */
  formParams?: Map<string, string>;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer | Readable | ChunkedBody;
}

/**
 * A body of byte pieces sent in order and never joined: a large answer made mostly of cached
 * pieces (DescribeInstances over a thousand instances, ~4 MB) goes out without a copy into one
 * Buffer. `toString()` gives the text, for callers that want it whole.
 */
export class ChunkedBody {
  constructor(readonly chunks: readonly Buffer[], readonly length: number) {}

  toString(): string {
    return Buffer.concat(this.chunks, this.length).toString("utf8");
  }
}

/** A request as any transport (the HTTP server, the in-process handler) hands it to the dispatcher. */
export interface RawRequest {
  method: string;
  /** Path and query string as sent. */
  url: string;
  /** Lower-cased names, repeated values joined with ", ". */
  headers: Record<string, string | undefined>;
  body: Readable;
  /** Scheme, host and port the client addressed, e.g. http://localhost:4566. */
  baseUrl: string;
  signal: AbortSignal;
  /** The transport knows there is no body (HTTP framing without one), so nothing needs reading. */
  bodyless?: boolean;
}

/** Anything that answers raw requests: the platform's dispatcher, seen from a transport. */
export type RawRequestHandler = (request: RawRequest) => Promise<WireResponse>;

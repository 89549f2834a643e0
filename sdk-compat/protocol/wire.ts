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
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
}

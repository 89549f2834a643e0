import type { Readable } from "node:stream";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** Bodies the engine reads whole (everything but object and block payloads) stay under this. */
export const MAX_BUFFERED_BODY = 4 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Whether HTTP/1.1 framing promises no body at all (no Content-Length, or 0, and no
 * Transfer-Encoding), so reading can be skipped: most GETs and HEADs. Only the HTTP transport may
 * conclude this from headers; other transports say so themselves (RawRequest.bodyless).
 */
export function httpFramingHasNoBody(headers: Record<string, string | undefined>): boolean {
  return headers["transfer-encoding"] === undefined && (headers["content-length"] === undefined || headers["content-length"] === "0");
}

export async function readBody(stream: Readable, limit = MAX_BUFFERED_BODY, bodyless = false): Promise<Buffer> {
  if (bodyless) {
    stream.resume();
    return EMPTY;
  }
  // plain events, not async iteration: for the small bodies most calls carry, iteration costs more than the read
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        failed = true;
        stream.off("data", onData);
        stream.resume();
        reject(new ServiceError("RequestEntityTooLarge", `The request body exceeds the ${limit} bytes cloudbox reads for this operation.`, { status: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    stream.on("data", onData);
    stream.once("end", () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    stream.once("error", (error) => {
      if (!failed) reject(error);
    });
  });
}

/** Streamed payloads this small are read whole first: cheaper than a stream pipeline for a few KiB. */
export const SMALL_STREAMED_PAYLOAD = 64 * 1024;

export function declaredLength(headers: Record<string, string | undefined>): number | undefined {
  const text = headers["content-length"];
  if (text === undefined || headers["transfer-encoding"] !== undefined) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

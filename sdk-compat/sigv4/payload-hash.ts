import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ServiceError } from "../errors/service-error.js";

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * The x-amz-content-sha256 value a request's payload must hash to, or undefined when the header
 * is absent or a marker (UNSIGNED-PAYLOAD, STREAMING-*) rather than a digest.
 */
export function declaredPayloadSha256(headers: Record<string, string | undefined>): string | undefined {
  const value = headers["x-amz-content-sha256"]?.trim().toLowerCase();
  return value && HEX_SHA256.test(value) ? value : undefined;
}

export function payloadSha256Mismatch(clientComputed: string, computed: string): ServiceError {
  return new ServiceError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", {
    fields: { ClientComputedContentSHA256: clientComputed, S3ComputedContentSHA256: computed },
  });
}

/** Checks a whole buffered body against the declared digest. */
export function checkPayloadSha256(expectedHex: string, body: Buffer): void {
  if (body.length === 0 && expectedHex === EMPTY_SHA256) return; // every signed GET
  const computed = createHash("sha256").update(body).digest("hex");
  if (computed !== expectedHex) throw payloadSha256Mismatch(expectedHex, computed);
}

/**
 * Passes a streaming body through unchanged and fails it at its end with XAmzContentSHA256Mismatch
 * (400) if it does not hash to the declared value. A consumer that commits only after a clean end
 * (the blob store does) therefore never stores a body that was corrupted in flight.
 */
export class PayloadSha256Verifier extends Transform {
  private readonly hash: Hash = createHash("sha256");

  constructor(private readonly expectedHex: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const computed = this.hash.digest("hex");
    callback(computed === this.expectedHex ? null : payloadSha256Mismatch(this.expectedHex, computed));
  }
}

import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ChunkedErrors } from "./chunked-errors.js";

/**
 * Checks chunk and trailer signatures of a signed aws-chunked body (STREAMING-AWS4-HMAC-SHA256-*).
 * Optional: without one, signatures are parsed and kept but not checked.
 */
export interface ChunkSignatureVerifier {
  /** One chunk (the final empty one included), in order. */
  chunk(signature: string | undefined, dataSha256: Buffer): boolean;
  /** The trailer block: `name:value\n` per trailer, in the order sent. */
  trailer(signature: string | undefined, canonicalTrailers: string): boolean;
}

export interface AwsChunkedDecoderOptions {
  /** x-amz-decoded-content-length: the payload must be exactly this long. */
  decodedLength?: number;
  /**
   * The trailer names the x-amz-trailer header announced (lower case). When given, the body's
   * trailers must be exactly these; when undefined, the body must carry no trailer.
   */
  declaredTrailers?: string[];
  verifier?: ChunkSignatureVerifier;
}

const CR = 13;
const LF = 10;
/** Chunk header lines are `<hex>;chunk-signature=<64 hex>`; anything far longer is not a chunk header. */
const MAX_HEADER_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
const HEX_SIZE = /^[0-9a-fA-F]{1,13}$/;

type State = "size" | "data" | "data-crlf" | "trailer" | "done";

/**
 * Decodes an `aws-chunked` body while it streams: `<hex size>[;ext]\r\n<data>\r\n` … `0[;ext]\r\n`,
 * then optional trailer lines `name:value\r\n` and a blank line. Only the chunk data is pushed on;
 * memory stays bounded by one incoming buffer plus one header line whatever the body's size.
 *
 * Malformed input ends the stream with a ServiceError (IncompleteBody, MalformedTrailerError, …),
 * which surfaces wherever the consumer reads the body and is answered as S3's error XML.
 * Once the stream has ended, `trailers` holds the trailer fields (see trailers.ts).
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailer fields by lower-case name (x-amz-trailer-signature excluded); set when the body ended. */
  trailers: Record<string, string> | undefined;
  /** Signatures as sent, in order: every chunk's, then the trailer's if any. Kept for verification. */
  readonly signatures: string[] = [];
  /** Payload bytes pushed so far. */
  decodedBytes = 0;

  private state: State = "size";
  private remaining = 0;
  private crlfSeen = 0;
  private line: Buffer[] = [];
  private lineLength = 0;
  private trailerBytes = 0;
  private readonly pendingTrailers: [string, string][] = [];
  private trailerSignature: string | undefined;
  private chunkSignature: string | undefined;
  private chunkHash: Hash | undefined;

  constructor(private readonly options: AwsChunkedDecoderOptions = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Some encoders (the JS SDK without a checksum) stop right after `0\r\n`: no trailer section
      // at all is a complete body as long as no trailer line was left half-written.
      if (this.state === "trailer" && this.lineLength === 0) this.finishTrailers();
      if (this.state !== "done") throw ChunkedErrors.malformed();
      const expected = this.options.decodedLength;
      if (expected !== undefined && this.decodedBytes !== expected) throw ChunkedErrors.lengthMismatch(expected, this.decodedBytes);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private consume(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case "size":
        case "trailer": {
          const lf = chunk.indexOf(LF, i);
          const end = lf === -1 ? chunk.length : lf + 1;
          this.appendLine(chunk.subarray(i, end));
          i = end;
          if (lf !== -1) {
            const line = this.takeLine();
            if (this.state === "size") this.onSizeLine(line);
            else this.onTrailerLine(line);
          }
          break;
        }
        case "data": {
          const n = Math.min(this.remaining, chunk.length - i);
          const piece = chunk.subarray(i, i + n);
          i += n;
          this.remaining -= n;
          this.decodedBytes += n;
          const expected = this.options.decodedLength;
          if (expected !== undefined && this.decodedBytes > expected) throw ChunkedErrors.lengthMismatch(expected, this.decodedBytes);
          this.chunkHash?.update(piece);
          this.push(piece);
          if (this.remaining === 0) {
            this.state = "data-crlf";
            this.crlfSeen = 0;
          }
          break;
        }
        case "data-crlf": {
          if (chunk[i] !== (this.crlfSeen === 0 ? CR : LF)) throw ChunkedErrors.malformed();
          i++;
          if (++this.crlfSeen === 2) {
            this.endChunk();
            this.state = "size";
          }
          break;
        }
        case "done": {
          // tolerate stray line ends after the final blank line, nothing else
          if (chunk[i] !== CR && chunk[i] !== LF) throw ChunkedErrors.malformed();
          i++;
          break;
        }
      }
    }
  }

  private appendLine(piece: Buffer): void {
    this.lineLength += piece.length;
    if (this.state === "trailer") {
      this.trailerBytes += piece.length;
      if (this.trailerBytes > MAX_TRAILER_BYTES) throw ChunkedErrors.malformedTrailer();
    } else if (this.lineLength > MAX_HEADER_LINE) {
      throw ChunkedErrors.malformed();
    }
    if (piece.length > 0) this.line.push(piece);
  }

  /** The completed line without its CRLF; a bare LF is not a line end in this encoding. */
  private takeLine(): string {
    const bytes = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineLength);
    this.line = [];
    this.lineLength = 0;
    if (bytes.length < 2 || bytes[bytes.length - 2] !== CR) {
      throw this.state === "trailer" ? ChunkedErrors.malformedTrailer() : ChunkedErrors.malformed();
    }
    return bytes.toString("latin1", 0, bytes.length - 2);
  }

  private onSizeLine(line: string): void {
    const semicolon = line.indexOf(";");
    const hex = semicolon === -1 ? line : line.slice(0, semicolon);
    if (!HEX_SIZE.test(hex)) throw ChunkedErrors.malformed();
    this.chunkSignature = undefined;
    if (semicolon !== -1) {
      for (const extension of line.slice(semicolon + 1).split(";")) {
        const eq = extension.indexOf("=");
        const name = (eq === -1 ? extension : extension.slice(0, eq)).trim();
        if (name === "chunk-signature") this.chunkSignature = extension.slice(eq + 1).trim();
      }
    }
    if (this.chunkSignature !== undefined) this.signatures.push(this.chunkSignature);
    this.remaining = parseInt(hex, 16);
    if (this.options.verifier) this.chunkHash = createHash("sha256");
    if (this.remaining === 0) {
      this.endChunk();
      this.state = "trailer";
    } else {
      this.state = "data";
    }
  }

  private endChunk(): void {
    const verifier = this.options.verifier;
    if (!verifier) return;
    if (!verifier.chunk(this.chunkSignature, this.chunkHash!.digest())) throw ChunkedErrors.signatureMismatch();
  }

  private onTrailerLine(line: string): void {
    if (line === "") {
      this.finishTrailers();
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw ChunkedErrors.malformedTrailer();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.trailerSignature = value;
      this.signatures.push(value);
    } else {
      if (this.trailerSignature !== undefined) throw ChunkedErrors.malformedTrailer();
      this.pendingTrailers.push([name, value]);
    }
  }

  private finishTrailers(): void {
    const trailers: Record<string, string> = {};
    for (const [name, value] of this.pendingTrailers) trailers[name] = value;
    const declared = this.options.declaredTrailers ?? [];
    const sent = Object.keys(trailers);
    if (sent.length !== declared.length || declared.some((name) => trailers[name] === undefined)) throw ChunkedErrors.malformedTrailer();
    const verifier = this.options.verifier;
    if (verifier && (sent.length > 0 || this.trailerSignature !== undefined)) {
      const canonical = this.pendingTrailers.map(([name, value]) => `${name}:${value}\n`).join("");
      if (!verifier.trailer(this.trailerSignature, canonical)) throw ChunkedErrors.signatureMismatch();
    }
    this.trailers = trailers;
    this.state = "done";
  }
}

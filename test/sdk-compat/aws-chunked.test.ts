import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { AwsChunkedDecoder, type AwsChunkedDecoderOptions } from "../../sdk-compat/aws-chunked/chunked-decoder.js";
import { decodeAwsChunkedRequest, isAwsChunked } from "../../sdk-compat/aws-chunked/chunked-request.js";
import { payloadTrailers } from "../../sdk-compat/aws-chunked/trailers.js";
import { checksumOf } from "../../sdk-compat/checksums/checksum.js";

interface Outcome {
  data: Buffer;
  trailers?: Record<string, string>;
  signatures: string[];
  error?: { code?: string; status?: number; fields?: Record<string, unknown> };
}

async function decode(pieces: (string | Buffer)[], options: AwsChunkedDecoderOptions = {}): Promise<Outcome> {
  const decoder = new AwsChunkedDecoder(options);
  Readable.from(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p))).pipe(decoder);
  const out: Buffer[] = [];
  try {
    for await (const chunk of decoder) out.push(chunk as Buffer);
  } catch (error) {
    return { data: Buffer.concat(out), signatures: decoder.signatures, error: error as Outcome["error"] };
  }
  return { data: Buffer.concat(out), trailers: payloadTrailers(decoder), signatures: decoder.signatures };
}

/** Every way of cutting `body` in two, plus one byte at a time. */
function splits(body: string): string[][] {
  const result: string[][] = [];
  for (let i = 1; i < body.length; i++) result.push([body.slice(0, i), body.slice(i)]);
  result.push([...body]);
  return result;
}

const crc32 = checksumOf("CRC32", Buffer.from("hello world")).toString("base64");
const UNSIGNED = `5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:${crc32}\r\n\r\n`;
const SIG1 = "a".repeat(64);
const SIG2 = "b".repeat(64);
const SIG3 = "c".repeat(64);
const SIGNED = `5;chunk-signature=${SIG1}\r\nhello\r\n6;chunk-signature=${SIG2}\r\n world\r\n0;chunk-signature=${SIG3}\r\n\r\n`;
const TRAILER_SIG = "d".repeat(64);
const SIGNED_TRAILER = `5;chunk-signature=${SIG1}\r\nhello\r\n6;chunk-signature=${SIG2}\r\n world\r\n0;chunk-signature=${SIG3}\r\nx-amz-checksum-crc32:${crc32}\r\nx-amz-trailer-signature:${TRAILER_SIG}\r\n\r\n`;

describe("aws-chunked decoder", () => {
  it("STREAMING-UNSIGNED-PAYLOAD-TRAILER: payload and trailer, whatever the network splits", async () => {
    for (const pieces of splits(UNSIGNED)) {
      const out = await decode(pieces, { decodedLength: 11, declaredTrailers: ["x-amz-checksum-crc32"] });
      assert.equal(out.error, undefined, `split ${pieces.map((p) => p.length).join("+")}: ${JSON.stringify(out.error)}`);
      assert.equal(out.data.toString(), "hello world");
      assert.deepEqual(out.trailers, { "x-amz-checksum-crc32": crc32 });
    }
  });

  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD: chunk signatures parsed, payload intact", async () => {
    for (const pieces of splits(SIGNED)) {
      const out = await decode(pieces, { decodedLength: 11 });
      assert.equal(out.error, undefined, JSON.stringify(out.error));
      assert.equal(out.data.toString(), "hello world");
      assert.deepEqual(out.signatures, [SIG1, SIG2, SIG3]);
      assert.deepEqual(out.trailers, {});
    }
  });

  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: trailer and trailer signature", async () => {
    for (const pieces of splits(SIGNED_TRAILER)) {
      const out = await decode(pieces, { decodedLength: 11, declaredTrailers: ["x-amz-checksum-crc32"] });
      assert.equal(out.error, undefined, JSON.stringify(out.error));
      assert.equal(out.data.toString(), "hello world");
      assert.deepEqual(out.trailers, { "x-amz-checksum-crc32": crc32 }, "the trailer signature is not a trailer field");
      assert.deepEqual(out.signatures, [SIG1, SIG2, SIG3, TRAILER_SIG]);
    }
  });

  it("accepts a body ending right after 0\\r\\n (the JS SDK without a checksum) and an empty payload", async () => {
    assert.equal((await decode(["5\r\nhello\r\n0\r\n"])).data.toString(), "hello");
    const empty = await decode(["0\r\n\r\n"], { decodedLength: 0 });
    assert.equal(empty.error, undefined);
    assert.equal(empty.data.length, 0);
  });

  it("streams large bodies chunk by chunk (2 MiB payload, 64 KiB chunks, 1000-byte network reads)", async () => {
    const payload = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const parts: Buffer[] = [];
    for (let o = 0; o < payload.length; o += 65536) {
      const piece = payload.subarray(o, o + 65536);
      parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
    }
    parts.push(Buffer.from("0\r\n\r\n"));
    const body = Buffer.concat(parts);
    const reads: Buffer[] = [];
    for (let o = 0; o < body.length; o += 1000) reads.push(body.subarray(o, o + 1000));
    const out = await decode(reads, { decodedLength: payload.length });
    assert.equal(out.error, undefined);
    assert.ok(out.data.equals(payload));
  });

  const MALFORMED: [string, string[], AwsChunkedDecoderOptions, string][] = [
    ["a chunk size that is not hex", ["zz\r\nhello\r\n0\r\n\r\n"], {}, "IncompleteBody"],
    ["an empty chunk size line", ["\r\nhello\r\n0\r\n\r\n"], {}, "IncompleteBody"],
    ["a chunk size line ended by a bare LF", ["5\nhello\r\n0\r\n\r\n"], {}, "IncompleteBody"],
    ["chunk data longer than its size", ["3\r\nhello\r\n0\r\n\r\n"], {}, "IncompleteBody"],
    ["chunk data not followed by CRLF", ["5\r\nhelloXX0\r\n\r\n"], {}, "IncompleteBody"],
    ["a body that stops mid-chunk", ["a\r\nhello"], {}, "IncompleteBody"],
    ["a body that stops in a chunk header", ["5\r\nhello\r\n0"], {}, "IncompleteBody"],
    ["a body without the final chunk", ["5\r\nhello\r\n"], {}, "IncompleteBody"],
    ["an endless chunk header line", ["1".repeat(10_000)], {}, "IncompleteBody"],
    ["garbage after the end", ["5\r\nhello\r\n0\r\n\r\nextra"], {}, "IncompleteBody"],
    ["a trailer line without a colon", ["5\r\nhello\r\n0\r\nx-amz-checksum-crc32\r\n\r\n"], { declaredTrailers: ["x-amz-checksum-crc32"] }, "MalformedTrailerError"],
    ["a trailer the x-amz-trailer header did not announce", [`5\r\nhello\r\n0\r\nx-amz-checksum-crc32:${crc32}\r\n\r\n`], {}, "MalformedTrailerError"],
    ["an announced trailer that never comes", ["5\r\nhello\r\n0\r\n\r\n"], { declaredTrailers: ["x-amz-checksum-crc32"] }, "MalformedTrailerError"],
    ["a different trailer than announced", [`5\r\nhello\r\n0\r\nx-amz-checksum-sha1:${crc32}\r\n\r\n`], { declaredTrailers: ["x-amz-checksum-crc32"] }, "MalformedTrailerError"],
    ["a trailer cut short", [`5\r\nhello\r\n0\r\nx-amz-checksum-crc32:${crc32}`], { declaredTrailers: ["x-amz-checksum-crc32"] }, "IncompleteBody"],
  ];

  for (const [what, pieces, options, code] of MALFORMED) {
    it(`${what} → ${code} (400)`, async () => {
      const out = await decode(pieces, options);
      assert.equal(out.error?.code, code, JSON.stringify(out.error));
      assert.equal(out.error?.status, 400);
    });
  }

  it("a decoded length that disagrees with x-amz-decoded-content-length → IncompleteBody with byte counts", async () => {
    const short = await decode(["5\r\nhello\r\n0\r\n\r\n"], { decodedLength: 8 });
    assert.equal(short.error?.code, "IncompleteBody");
    assert.deepEqual(short.error?.fields, { NumberBytesExpected: 8, NumberBytesProvided: 5 });
    const long = await decode(["5\r\nhello\r\n0\r\n\r\n"], { decodedLength: 3 });
    assert.equal(long.error?.code, "IncompleteBody");
    assert.equal(long.error?.fields?.NumberBytesExpected, 3);
  });
});

describe("aws-chunked request rewriting", () => {
  it("recognises chunked requests by payload hash or content encoding", () => {
    assert.ok(isAwsChunked({ "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }));
    assert.ok(isAwsChunked({ "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" }));
    assert.ok(isAwsChunked({ "content-encoding": "gzip, aws-chunked" }));
    assert.ok(!isAwsChunked({ "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-encoding": "gzip" }));
  });

  it("sets Content-Length to the decoded length, keeps other encodings and exposes trailers after the end", async () => {
    const { headers, stream } = decodeAwsChunkedRequest(
      {
        "content-length": String(UNSIGNED.length),
        "content-encoding": "aws-chunked,gzip",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": "11",
        "x-amz-trailer": "x-amz-checksum-crc32",
      },
      Readable.from([Buffer.from(UNSIGNED)]),
    );
    assert.equal(headers["content-length"], "11");
    assert.equal(headers["content-encoding"], "gzip");
    assert.equal(payloadTrailers(stream), undefined, "no trailers before the body is read");
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), "hello world");
    assert.deepEqual(payloadTrailers(stream), { "x-amz-checksum-crc32": crc32 });
    assert.equal(payloadTrailers(Readable.from([])), undefined, "a plain stream has no trailers");
  });

  it("drops content-encoding when aws-chunked was the only one and refuses a bad decoded length", () => {
    const { headers } = decodeAwsChunkedRequest({ "content-encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }, Readable.from([]));
    assert.equal(headers["content-encoding"], undefined);
    assert.equal(headers["content-length"], undefined, "no decoded length declared: length unknown");
    assert.throws(
      () => decodeAwsChunkedRequest({ "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length": "ten" }, Readable.from([])),
      (e: unknown) => (e as { code?: string }).code === "InvalidArgument",
    );
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { request as httpRequest } from "node:http";
import { S3Client, PutObjectCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3 } from "../support/fixture.js";
import { payloadTrailers } from "../../sdk-compat/aws-chunked/trailers.js";
import { checksumOf } from "../../sdk-compat/checksums/checksum.js";
import { parseAmzDate } from "../../sdk-compat/sigv4/presigned-query.js";

/**
 * The edge's wire handling seen from real clients. The S3 service is built elsewhere; these tests
 * install a recording PutObject handler on their own cloudbox so they observe exactly what a
 * handler receives after the dispatcher has decoded the request.
 */
interface Seen {
  body: string;
  contentLength?: number;
  contentEncoding?: string;
  checksumCRC32?: string;
  trailers?: Record<string, string>;
}

function raw(cb: Cloudbox, method: string, path: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${cb.endpoint}${path}`, { method, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260115/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64);

describe("wire layer end to end (edge decode path)", () => {
  let cb: Cloudbox;
  let seen: Seen[] = [];

  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    cb.platform.services.get("s3")!.provider.handlers["PutObject"] = async (input: { Body: Readable | Buffer; ContentLength?: number; ContentEncoding?: string; ChecksumCRC32?: string }) => {
      // a streaming payload arrives as a stream, or whole as a Buffer when it is small
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(input.Body)) chunks.push(input.Body);
      else for await (const c of input.Body) chunks.push(c as Buffer);
      seen.push({
        body: Buffer.concat(chunks).toString(),
        contentLength: input.ContentLength,
        contentEncoding: input.ContentEncoding,
        checksumCRC32: input.ChecksumCRC32,
        trailers: payloadTrailers(input.Body),
      });
      return { ETag: '"0"' };
    };
  });
  after(async () => {
    await cb.stop();
  });

  it("SDK v3 PutObject of a stream: aws-chunked with a CRC32 trailer arrives decoded, trailer exposed", async () => {
    seen = [];
    const s3 = new S3Client(sdkConfig(cb));
    const text = "streamed ".repeat(5000);
    await s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: Readable.from([Buffer.from(text.slice(0, 7)), Buffer.from(text.slice(7))]), ContentLength: text.length }));
    s3.destroy();
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body, text);
    assert.equal(seen[0]!.contentLength, text.length, "Content-Length is the decoded length");
    assert.equal(seen[0]!.contentEncoding, undefined, "aws-chunked is not the object's encoding");
    assert.equal(seen[0]!.checksumCRC32, undefined, "the checksum came as a trailer, not a header");
    assert.deepEqual(seen[0]!.trailers, { "x-amz-checksum-crc32": checksumOf("CRC32", Buffer.from(text)).toString("base64") });
  });

  it("boto3 put_object (hex x-amz-content-sha256 over http) passes the payload hash check", async () => {
    seen = [];
    await boto3(cb, `
import boto3, json
s3 = boto3.client("s3")
s3.put_object(Bucket="b", Key="k", Body=b"from boto3", ContentEncoding="gzip")
print(json.dumps(True))
`);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body, "from boto3");
    assert.equal(seen[0]!.contentEncoding, "gzip");
    assert.equal(seen[0]!.trailers, undefined, "not chunked: no trailers");
  });

  it("signed chunked framing (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) is decoded without verifying by default", async () => {
    seen = [];
    const body = `5;chunk-signature=${"a".repeat(64)}\r\nhello\r\n0;chunk-signature=${"b".repeat(64)}\r\n\r\n`;
    const res = await raw(cb, "PUT", "/b/k", { authorization: AUTH, "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5" }, body);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(seen.map((s) => [s.body, s.contentLength]), [["hello", 5]]);
  });

  it("malformed framing → S3's IncompleteBody XML (400), and the server keeps serving", async () => {
    const res = await raw(cb, "PUT", "/b/k", { authorization: AUTH, "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5" }, "5\r\nhelloXX0\r\n\r\n");
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>IncompleteBody<\/Code>/);
    const trailer = await raw(cb, "PUT", "/b/k", { authorization: AUTH, "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32" }, "5\r\nhello\r\n0\r\n\r\n");
    assert.equal(trailer.status, 400);
    assert.match(trailer.body, /<Code>MalformedTrailerError<\/Code>/);
    // a malformed body for an operation without a handler must not crash the process either
    const unhandled = await raw(cb, "PUT", "/b/k?tagging", { authorization: AUTH, "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked" }, "zz\r\n");
    assert.ok(unhandled.status >= 400);
    const s3 = new S3Client(sdkConfig(cb));
    assert.equal((await s3.send(new ListBucketsCommand({}))).$metadata.httpStatusCode, 200);
    s3.destroy();
  });

  it("a payload that does not match its x-amz-content-sha256 → XAmzContentSHA256Mismatch (400)", async () => {
    const res = await raw(cb, "PUT", "/b/k", { authorization: AUTH, "x-amz-content-sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" }, "jello");
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.match(res.body, /<ClientComputedContentSHA256>2cf24dba/);
  });

  it("presigned URLs work until they expire, then AccessDenied 'Request has expired' (403)", async () => {
    const s3 = new S3Client(sdkConfig(cb));
    const url = await getSignedUrl(s3, new ListBucketsCommand({}), { expiresIn: 60 });
    s3.destroy();
    assert.equal((await fetch(url)).status, 200);
    // the SDK signed with wall time, the virtual clock started earlier: move it past X-Amz-Date + 60 s
    const signedAt = parseAmzDate(new URL(url).searchParams.get("X-Amz-Date")!);
    cb.clock.advance!(Math.max(0, signedAt + 60_000 - cb.clock.now()));
    assert.equal((await fetch(url)).status, 200, "still valid at the last second");
    cb.clock.advance!(1_000);
    const expired = await fetch(url);
    assert.equal(expired.status, 403);
    const text = await expired.text();
    assert.match(text, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><X-Amz-Expires>60<\/X-Amz-Expires><Expires>[0-9T:-]+Z<\/Expires><ServerTime>[0-9T:-]+Z<\/ServerTime>/);
    const tooLong = await fetch(url.replace("X-Amz-Expires=60", "X-Amz-Expires=604801"));
    assert.equal(tooLong.status, 400);
    assert.match(await tooLong.text(), /<Code>AuthorizationQueryParametersError<\/Code>/);
  });
});

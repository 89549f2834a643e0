import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { SignatureV4 } from "@smithy/signature-v4";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { checkPresignedExpiry, parsePresignedQuery } from "../../sdk-compat/sigv4/presigned-query.js";
import { chunkSignatureVerifier, sha256Hex, signingKey, uriEncode, verifySignatureV4 } from "../../sdk-compat/sigv4/signature-v4.js";
import { checkPayloadSha256, declaredPayloadSha256, PayloadSha256Verifier } from "../../sdk-compat/sigv4/payload-hash.js";
import { AwsChunkedDecoder } from "../../sdk-compat/aws-chunked/chunked-decoder.js";
import { checksumOf } from "../../sdk-compat/checksums/checksum.js";
import { NodeSha256 } from "../support/node-sha256.js";

type Code = { code?: string; status?: number; message?: string; fields?: Record<string, unknown> };
const hasCode = (code: string, status?: number) => (e: unknown) => (e as Code).code === code && (status === undefined || (e as Code).status === status);


const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const secretFor = (id: string) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined);
const SIGNED_AT = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));

function query(params: Record<string, string | string[] | null>): string {
  return Object.entries(params)
    .flatMap(([k, v]) => (v === null ? [uriEncode(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${uriEncode(k)}=${uriEncode(x)}`)))
    .join("&");
}

describe("presigned URL parameters and expiry", () => {
  const base = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": "test/20260115/us-east-1/s3/aws4_request",
    "X-Amz-Date": "20260115T120000Z",
    "X-Amz-Expires": "900",
    "X-Amz-SignedHeaders": "host",
    "X-Amz-Signature": "0".repeat(64),
  };
  const signedAt = Date.UTC(2026, 0, 15, 12, 0, 0);

  it("parses the SigV4 query parameters", () => {
    const p = parsePresignedQuery(new URLSearchParams(base));
    assert.ok(p && p.version === 4);
    assert.equal(p.accessKeyId, "test");
    assert.equal(p.region, "us-east-1");
    assert.equal(p.service, "s3");
    assert.equal(p.signedAtMs, signedAt);
    assert.equal(p.expiresSeconds, 900);
    assert.deepEqual(p.signedHeaders, ["host"]);
    assert.equal(parsePresignedQuery(new URLSearchParams("list-type=2&prefix=a")), undefined, "an ordinary query is not presigned");
  });

  it("is valid up to the last second and AccessDenied 'Request has expired' (403) after, with S3's fields", () => {
    const p = parsePresignedQuery(new URLSearchParams(base))!;
    checkPresignedExpiry(p, signedAt + 900_000);
    assert.throws(() => checkPresignedExpiry(p, signedAt + 901_000), (e: unknown) => {
      const err = e as Code;
      assert.equal(err.code, "AccessDenied");
      assert.equal(err.status, 403);
      assert.equal(err.message, "Request has expired");
      assert.deepEqual(err.fields, { "X-Amz-Expires": 900, Expires: "2026-01-15T12:15:00Z", ServerTime: "2026-01-15T12:15:01Z" });
      return true;
    });
  });

  it("SigV2 presigned URLs expire at their Expires epoch second", () => {
    const p = parsePresignedQuery(new URLSearchParams({ AWSAccessKeyId: "test", Signature: "x", Expires: String(signedAt / 1000) }))!;
    assert.equal(p.version, 2);
    checkPresignedExpiry(p, signedAt);
    assert.throws(() => checkPresignedExpiry(p, signedAt + 1000), hasCode("AccessDenied", 403));
  });

  const BAD: [string, Record<string, string>, RegExp][] = [
    ["X-Amz-Expires over a week", { "X-Amz-Expires": "604801" }, /must be less than a week/],
    ["a negative X-Amz-Expires", { "X-Amz-Expires": "-1" }, /non-negative/],
    ["a non-numeric X-Amz-Expires", { "X-Amz-Expires": "soon" }, /should be a number/],
    ["a malformed X-Amz-Date", { "X-Amz-Date": "2026-01-15T12:00:00Z" }, /ISO8601 Long Format/],
    ["an impossible X-Amz-Date", { "X-Amz-Date": "20260231T120000Z" }, /ISO8601 Long Format/],
    ["a malformed credential", { "X-Amz-Credential": "test/20260115/us-east-1/s3" }, /Credential is mal-formed/],
    ["an unknown algorithm", { "X-Amz-Algorithm": "AWS4-HMAC-MD5" }, /X-Amz-Algorithm only supports/],
    ["a missing signature", { "X-Amz-Signature": "" }, /requires the X-Amz-Algorithm/],
  ];
  for (const [what, override, message] of BAD) {
    it(`${what} → AuthorizationQueryParametersError (400)`, () => {
      assert.throws(() => parsePresignedQuery(new URLSearchParams({ ...base, ...override })), (e: unknown) => {
        assert.equal((e as Code).code, "AuthorizationQueryParametersError");
        assert.equal((e as Code).status, 400);
        assert.match((e as Code).message!, message);
        return true;
      });
    });
  }

  it("exactly 604800 seconds is allowed", () => {
    assert.equal((parsePresignedQuery(new URLSearchParams({ ...base, "X-Amz-Expires": "604800" })) as { expiresSeconds: number }).expiresSeconds, 604800);
  });
});

describe("SigV4 verification against the SDK's own signer", () => {
  const s3Signer = new SignatureV4({ service: "s3", region: "eu-west-1", credentials: CREDENTIALS, sha256: NodeSha256, uriEscapePath: false });

  it("accepts an S3 request signed in the Authorization header, keys with spaces, + and unicode included", async () => {
    const path = `/my-bucket/${["a b", "c+d", "ü", "x%y"].map((s) => uriEncode(s)).join("/")}`;
    const signed = await s3Signer.sign(
      {
        method: "PUT",
        protocol: "http:",
        hostname: "localhost",
        port: 4566,
        path,
        query: { "x-id": "PutObject", tagging: "" },
        headers: { host: "localhost:4566", "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-meta-note": "  two   spaces " },
      },
      { signingDate: SIGNED_AT },
    );
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request = { method: "PUT", path, rawQuery: query({ "x-id": "PutObject", tagging: "" }), headers };
    const verified = verifySignatureV4(request, secretFor);
    assert.equal(verified.accessKeyId, "AKIDEXAMPLE");
    assert.equal(verified.scope, "20260115/eu-west-1/s3/aws4_request");

    assert.throws(() => verifySignatureV4({ ...request, path: `${path}x` }, secretFor), hasCode("SignatureDoesNotMatch", 403));
    assert.throws(() => verifySignatureV4({ ...request, headers: { ...headers, "x-amz-meta-note": "changed" } }, secretFor), hasCode("SignatureDoesNotMatch", 403));
    assert.throws(() => verifySignatureV4(request, () => "wrong secret"), hasCode("SignatureDoesNotMatch", 403));
    assert.throws(() => verifySignatureV4(request, () => undefined), hasCode("InvalidAccessKeyId", 403));
  });

  it("accepts a URL from @aws-sdk/s3-request-presigner and refuses it with a changed query", async () => {
    const client = new S3Client({ region: "eu-west-1", credentials: CREDENTIALS, endpoint: "http://localhost:4566", forcePathStyle: true });
    const url = new URL(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: "my-bucket", Key: "dir/a b+c.txt", ResponseContentType: "text/plain" }), { expiresIn: 3600, signingDate: SIGNED_AT }),
    );
    client.destroy();
    const rawQuery = url.search.slice(1);
    const request = { method: "GET", path: url.pathname, rawQuery, headers: { host: url.host } };
    assert.equal(verifySignatureV4(request, secretFor).accessKeyId, "AKIDEXAMPLE");
    assert.throws(() => verifySignatureV4({ ...request, rawQuery: rawQuery.replace("text%2Fplain", "text%2Fhtml") }, secretFor), hasCode("SignatureDoesNotMatch", 403));
    assert.throws(() => verifySignatureV4({ ...request, method: "PUT" }, secretFor), hasCode("SignatureDoesNotMatch", 403));
    const p = parsePresignedQuery(new URLSearchParams(rawQuery))!;
    checkPresignedExpiry(p, SIGNED_AT.getTime() + 3600_000);
    assert.throws(() => checkPresignedExpiry(p, SIGNED_AT.getTime() + 3601_000), hasCode("AccessDenied", 403));
  });

  it("accepts a non-S3 (SQS) POST whose payload hash comes from the body", async () => {
    const signer = new SignatureV4({ service: "sqs", region: "us-east-1", credentials: CREDENTIALS, sha256: NodeSha256 });
    const body = "Action=ListQueues&Version=2012-11-05";
    const signed = await signer.sign(
      { method: "POST", protocol: "http:", hostname: "localhost", path: "/", query: {}, headers: { host: "localhost", "content-type": "application/x-www-form-urlencoded" }, body },
      { signingDate: SIGNED_AT },
    );
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request = { method: "POST", path: "/", rawQuery: "", headers };
    verifySignatureV4(request, secretFor, sha256Hex(body));
    assert.throws(() => verifySignatureV4(request, secretFor, sha256Hex(`${body}&x=1`)), hasCode("SignatureDoesNotMatch", 403));
  });
});

describe("signed aws-chunked bodies: the AWS documentation's examples", () => {
  // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and sigv4-streaming-trailers.html:
  // 66,560 bytes of "a" in chunks of 65,536, 1,024 and 0 bytes.
  const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const amzDate = "20130524T000000Z";
  const scope = "20130524/us-east-1/s3/aws4_request";
  const key = signingKey(secret, "20130524", "us-east-1", "s3");
  const data = Buffer.alloc(66_560, "a");

  function body(signatures: string[], trailer = ""): Buffer {
    return Buffer.concat([
      Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
      data.subarray(0, 65_536),
      Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
      data.subarray(65_536),
      Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${trailer}\r\n`),
    ]);
  }

  async function decodeWith(input: Buffer, seed: string, declaredTrailers?: string[]): Promise<{ data: Buffer; error?: Code }> {
    const decoder = new AwsChunkedDecoder({ decodedLength: 66_560, declaredTrailers, verifier: chunkSignatureVerifier({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", signature: seed, signingKey: key, amzDate, scope }) });
    const reads: Buffer[] = [];
    for (let o = 0; o < input.length; o += 4000) reads.push(input.subarray(o, o + 4000));
    Readable.from(reads).pipe(decoder);
    const out: Buffer[] = [];
    try {
      for await (const c of decoder) out.push(c as Buffer);
    } catch (error) {
      return { data: Buffer.concat(out), error: error as Code };
    }
    return { data: Buffer.concat(out) };
  }

  const SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  const CHUNKS = ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"];

  it("the documented request's header signature is the documented seed", () => {
    const verified = verifySignatureV4(
      {
        method: "PUT",
        path: "/examplebucket/chunkObject.txt",
        rawQuery: "",
        headers: {
          host: "s3.amazonaws.com",
          "x-amz-date": amzDate,
          "x-amz-storage-class": "REDUCED_REDUNDANCY",
          authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
          "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
          "content-encoding": "aws-chunked",
          "x-amz-decoded-content-length": "66560",
          "content-length": "66824",
        },
      },
      (id) => (id === "AKIAIOSFODNN7EXAMPLE" ? secret : undefined),
    );
    assert.equal(verified.signature, SEED);
  });

  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signature verifies", async () => {
    const input = body(CHUNKS);
    assert.equal(input.length, 66_824, "the documented Content-Length");
    const out = await decodeWith(input, SEED);
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    assert.ok(out.data.equals(data));
  });

  it("a tampered chunk or a broken chain → SignatureDoesNotMatch (403)", async () => {
    const tampered = body(CHUNKS);
    tampered[200] = "b".charCodeAt(0);
    assert.equal((await decodeWith(tampered, SEED)).error?.code, "SignatureDoesNotMatch");
    assert.equal((await decodeWith(body([CHUNKS[0]!, CHUNKS[2]!, CHUNKS[1]!]), SEED)).error?.status, 403);
    assert.equal((await decodeWith(body(CHUNKS), "0".repeat(64))).error?.code, "SignatureDoesNotMatch");
  });

  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chunk and trailer signatures verify", async () => {
    const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    const chunks = ["b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"];
    assert.equal(checksumOf("CRC32C", data).toString("base64"), "sOO8/Q==", "the documented trailer checksum");
    const trailer = "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n";
    const out = await decodeWith(body(chunks, trailer), seed, ["x-amz-checksum-crc32c"]);
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    const forged = trailer.replace("sOO8/Q==", "AAAAAA==");
    assert.equal((await decodeWith(body(chunks, forged), seed, ["x-amz-checksum-crc32c"])).error?.code, "SignatureDoesNotMatch");
  });
});

describe("x-amz-content-sha256 of a non-streaming payload", () => {
  const hello = sha256Hex("hello");

  it("only hex digests are checked; markers are not", () => {
    assert.equal(declaredPayloadSha256({ "x-amz-content-sha256": hello }), hello);
    assert.equal(declaredPayloadSha256({ "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }), undefined);
    assert.equal(declaredPayloadSha256({ "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }), undefined);
    assert.equal(declaredPayloadSha256({}), undefined);
  });

  it("a buffered body that does not match → XAmzContentSHA256Mismatch (400) with both digests", () => {
    checkPayloadSha256(hello, Buffer.from("hello"));
    assert.throws(() => checkPayloadSha256(hello, Buffer.from("hellO")), (e: unknown) => {
      assert.equal((e as Code).code, "XAmzContentSHA256Mismatch");
      assert.equal((e as Code).status, 400);
      assert.equal((e as Code).fields?.ClientComputedContentSHA256, hello);
      assert.equal((e as Code).fields?.S3ComputedContentSHA256, sha256Hex("hellO"));
      return true;
    });
  });

  it("a streamed body fails at its end, not before", async () => {
    const read = async (text: string) => {
      const v = new PayloadSha256Verifier(hello);
      Readable.from([Buffer.from(text.slice(0, 2)), Buffer.from(text.slice(2))]).pipe(v);
      let got = "";
      for await (const c of v) got += c;
      return got;
    };
    assert.equal(await read("hello"), "hello");
    await assert.rejects(read("jello"), hasCode("XAmzContentSHA256Mismatch", 400));
  });
});

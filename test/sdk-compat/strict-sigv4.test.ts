import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { SignatureV4 } from "@smithy/signature-v4";
import { Platform } from "../../services/platform.js";
import { AwsDispatcher, type RawRequest } from "../../services/edge/aws-dispatcher.js";
import { NodeSha256 } from "../support/node-sha256.js";


// The AWS documentation's chunked upload (sigv4-streaming.html): 66,560 bytes of "a".
const DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DOC_SIGNATURES = ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"];
const DATA = Buffer.alloc(66_560, "a");

function docBody(): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${DOC_SIGNATURES[0]}\r\n`),
    DATA.subarray(0, 65_536),
    Buffer.from(`\r\n400;chunk-signature=${DOC_SIGNATURES[1]}\r\n`),
    DATA.subarray(65_536),
    Buffer.from(`\r\n0;chunk-signature=${DOC_SIGNATURES[2]}\r\n\r\n`),
  ]);
}

function docRequest(body: Buffer): RawRequest {
  return {
    method: "PUT",
    url: "/examplebucket/chunkObject.txt",
    headers: {
      host: "s3.amazonaws.com",
      "x-amz-date": "20130524T000000Z",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": "66560",
      "content-length": String(body.length),
    },
    body: Readable.from([body.subarray(0, 1000), body.subarray(1000, 40_000), body.subarray(40_000)]),
    baseUrl: "http://s3.amazonaws.com",
    signal: new AbortController().signal,
  };
}

function text(body: unknown): string {
  return Buffer.isBuffer(body) ? body.toString() : String(body ?? "");
}

describe("strict SigV4 in the dispatcher (opt-in)", () => {
  let platform: Platform;
  let dispatcher: AwsDispatcher;
  let received: Buffer[] = [];
  const secrets: Record<string, string> = { AKIAIOSFODNN7EXAMPLE: DOC_SECRET, AKIDEXAMPLE: "sqs-secret" };

  before(() => {
    platform = new Platform({ services: ["s3", "sqs"] });
    platform.services.get("s3")!.provider.handlers["PutObject"] = async (input: { Body: Readable }) => {
      const chunks: Buffer[] = [];
      for await (const c of input.Body) chunks.push(c as Buffer);
      received.push(Buffer.concat(chunks));
      return {};
    };
    dispatcher = new AwsDispatcher(platform.services, () => {}, { secretFor: (id) => secrets[id] });
  });
  after(() => platform.close());

  it("accepts the documented signed chunked upload, every chunk verified", async () => {
    received = [];
    const res = await dispatcher.dispatch(docRequest(docBody()));
    assert.equal(res.status, 200, text(res.body));
    assert.equal(received.length, 1);
    assert.ok(received[0]!.equals(DATA));
  });

  it("a chunk altered in flight → SignatureDoesNotMatch 403", async () => {
    const body = docBody();
    body[50_000] = "b".charCodeAt(0);
    const res = await dispatcher.dispatch(docRequest(body));
    assert.equal(res.status, 403);
    assert.match(text(res.body), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it("a wrong secret or an unknown key is refused before the handler runs", async () => {
    received = [];
    const wrong = new AwsDispatcher(platform.services, () => {}, { secretFor: () => "not the secret" });
    assert.match(text((await wrong.dispatch(docRequest(docBody()))).body), /<Code>SignatureDoesNotMatch<\/Code>/);
    const unknown = new AwsDispatcher(platform.services, () => {}, { secretFor: () => undefined });
    const res = await unknown.dispatch(docRequest(docBody()));
    assert.equal(res.status, 403);
    assert.match(text(res.body), /<Code>InvalidAccessKeyId<\/Code>/);
    assert.equal(received.length, 0);
  });

  it("a JSON-protocol (SQS) request is verified against the hash of its body", async () => {
    // applyChecksum false: no x-amz-content-sha256 header, as SQS clients send it
    const signer = new SignatureV4({ service: "sqs", region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "sqs-secret" }, sha256: NodeSha256, applyChecksum: false });
    const body = "{}";
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: "localhost",
      path: "/",
      query: {},
      headers: { host: "localhost", "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ListQueues" },
      body,
    });
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(headers["x-amz-content-sha256"], undefined);
    const request = (payload: string): RawRequest => ({ method: "POST", url: "/", headers, body: Readable.from([Buffer.from(payload)]), baseUrl: "http://localhost", signal: new AbortController().signal });
    assert.equal((await dispatcher.dispatch(request(body))).status, 200);
    const tampered = await dispatcher.dispatch(request('{"QueueNamePrefix":"x"}'));
    assert.equal(tampered.status, 403);
    assert.match(text(tampered.body), /SignatureDoesNotMatch/);
  });

  it("is off by default: the platform's own dispatcher takes any signature", async () => {
    received = [];
    const res = await platform.dispatcher.dispatch(docRequest(docBody()));
    assert.equal(res.status, 200);
    assert.equal(received.length, 1);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { RestProtocol } from "../../sdk-compat/protocol/rest-protocol.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { type InputCase, parseCase, wireRequest } from "./protocol-fixtures.js";

const s3 = new RestProtocol(loadServiceModel("s3"), "rest-xml");
const ebs = new RestProtocol(loadServiceModel("ebs"), "rest-json");

const s3Routes: { request: InputCase["request"]; operation: string; labels?: Record<string, string> }[] = [
  { request: { method: "GET", path: "/" }, operation: "ListBuckets" },
  { request: { method: "GET", path: "/b", query: "list-type=2&prefix=a" }, operation: "ListObjectsV2" },
  { request: { method: "GET", path: "/b" }, operation: "ListObjects" },
  { request: { method: "GET", path: "/b/" }, operation: "ListObjects" },
  { request: { method: "PUT", path: "/b/a%20b/c%2Bd" }, operation: "PutObject", labels: { Bucket: "b", Key: "a b/c+d" } },
  { request: { method: "PUT", path: "/b/k", headers: { "x-amz-copy-source": "/src/k" } }, operation: "CopyObject" },
  { request: { method: "PUT", path: "/b/k", query: "partNumber=1&uploadId=u" }, operation: "UploadPart" },
  { request: { method: "PUT", path: "/b/k", query: "partNumber=1&uploadId=u", headers: { "x-amz-copy-source": "/s/k" } }, operation: "UploadPartCopy" },
  { request: { method: "POST", path: "/b/k", query: "uploads" }, operation: "CreateMultipartUpload" },
  { request: { method: "POST", path: "/b", query: "delete" }, operation: "DeleteObjects" },
  { request: { method: "GET", path: "/b/k", query: "tagging" }, operation: "GetObjectTagging" },
  { request: { method: "HEAD", path: "/b/a/../b" }, operation: "HeadObject", labels: { Bucket: "b", Key: "a/../b" } },
  // Required querystring members decide between templates that share a path (uploadId, partNumber).
  { request: { method: "DELETE", path: "/b/k", query: "x-id=DeleteObject" }, operation: "DeleteObject" },
  { request: { method: "DELETE", path: "/b/k", query: "uploadId=u" }, operation: "AbortMultipartUpload" },
  { request: { method: "GET", path: "/b/k" }, operation: "GetObject" },
  { request: { method: "GET", path: "/b/k", query: "uploadId=u" }, operation: "ListParts" },
  { request: { method: "POST", path: "/b/k", query: "uploadId=u" }, operation: "CompleteMultipartUpload" },
];

const inputs: InputCase[] = [
  {
    name: "labels, headers, header maps and query members",
    operation: "PutObject",
    request: { method: "PUT", path: "/bucket/dir/file.txt", headers: { "content-type": "text/plain", "x-amz-meta-color": "blue", "content-length": "3", "x-amz-storage-class": "STANDARD_IA" } },
    input: { Bucket: "bucket", Key: "dir/file.txt", ContentType: "text/plain", Metadata: { color: "blue" }, ContentLength: 3, StorageClass: "STANDARD_IA", Body: Buffer.alloc(0) },
  },
  {
    name: "an XML payload structure",
    operation: "CompleteMultipartUpload",
    request: { method: "POST", path: "/b/k", query: "uploadId=u1", body: '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>"e1"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"e2"</ETag></Part></CompleteMultipartUpload>' },
    input: { Bucket: "b", Key: "k", UploadId: "u1", MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"' }, { PartNumber: 2, ETag: '"e2"' }] } },
  },
  {
    name: "x-amz-* headers hoisted into a presigned URL's query",
    operation: "PutObject",
    request: { method: "PUT", path: "/b/k", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc&x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32" },
    input: { Bucket: "b", Key: "k", ChecksumCRC32: "AAAAAA==", ChecksumAlgorithm: "CRC32", Body: Buffer.alloc(0) },
  },
  {
    name: "rest-json labels, query and headers",
    operation: "ListChangedBlocks",
    request: { method: "GET", path: "/snapshots/snap-2/changedblocks", query: "firstSnapshotId=snap-1&maxResults=100&startingBlockIndex=3" },
    input: { SecondSnapshotId: "snap-2", FirstSnapshotId: "snap-1", MaxResults: 100, StartingBlockIndex: 3 },
  },
];

describe("rest-xml and rest-json protocol fixtures (S3 and EBS models)", () => {
  for (const route of s3Routes) {
    it(`routes ${route.request.method} ${route.request.path}${route.request.query ? "?" + route.request.query : ""} to ${route.operation}`, () => {
      const resolved = s3.resolveOperation(wireRequest(route.request));
      assert.equal(resolved?.operation.name, route.operation);
      if (route.labels) assert.deepEqual(resolved?.labels, route.labels);
    });
  }
  for (const c of inputs) {
    it(`parses: ${c.name}`, () => {
      const protocol = c.operation === "ListChangedBlocks" ? ebs : s3;
      const { operation, input } = parseCase(protocol, c);
      assert.equal(operation, c.operation);
      assert.deepEqual(input, c.input);
    });
  }
  it("routes a request missing a required header or query member to its only template, so validation can name the member", () => {
    assert.equal(ebs.resolveOperation(wireRequest({ method: "GET", path: "/snapshots/snap-1/blocks/3" }))?.operation.name, "GetSnapshotBlock");
    assert.equal(ebs.resolveOperation(wireRequest({ method: "PUT", path: "/snapshots/snap-1/blocks/3" }))?.operation.name, "PutSnapshotBlock");
    assert.equal(ebs.resolveOperation(wireRequest({ method: "GET", path: "/snapshots/snap-1/blocks" }))?.operation.name, "ListSnapshotBlocks");
  });
  it("streams the payload of a streaming operation instead of reading it", () => {
    assert.equal(s3.streamsInput(s3.model.operations["PutObject"]!), true);
    assert.equal(s3.streamsInput(s3.model.operations["DeleteObjects"]!), false);
    const stream = Readable.from([Buffer.from("abc")]);
    const request = { ...wireRequest({ method: "PUT", path: "/b/k" }), stream };
    const resolved = s3.resolveOperation(request)!;
    assert.equal(s3.parseInput(resolved, request)["Body"], stream);
  });
  it("serializes header-bound members to headers (RFC 7231 dates) and a streaming payload as the body", () => {
    const body = Readable.from([Buffer.from("hello")]);
    const response = s3.serializeOutput(s3.model.operations["GetObject"]!, { Body: body, ContentLength: 5, ETag: '"x"', LastModified: new Date("2026-01-02T03:04:05Z"), Metadata: { a: "1" } }, "req-1");
    assert.equal(response.status, 200);
    assert.equal(response.body, body);
    assert.equal(response.headers["content-length"], "5");
    assert.equal(response.headers["etag"], '"x"');
    assert.equal(response.headers["last-modified"], "Fri, 02 Jan 2026 03:04:05 GMT");
    assert.equal(response.headers["x-amz-meta-a"], "1");
    assert.equal(response.headers["x-amz-request-id"], "req-1");
  });
  it("serializes S3 errors as a bare <Error> with modelled fields, RequestId and HostId", () => {
    const response = s3.serializeError(new ServiceError("NoSuchBucket", "The specified bucket does not exist", { status: 404, fields: { BucketName: "b" } }), "req-2", undefined, wireRequest({ method: "GET", path: "/b" }));
    assert.equal(response.status, 404);
    assert.match(String(response.body), /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>b<\/BucketName><RequestId>req-2<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
  });
  it("writes S3 output roots and namespace from the patch, and GetBucketLocation's value as the root's text", () => {
    const list = s3.serializeOutput(s3.model.operations["ListObjectsV2"]!, { Name: "b", KeyCount: 0, IsTruncated: false }, "r");
    assert.match(String(list.body), /<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><IsTruncated>false<\/IsTruncated><Name>b<\/Name><KeyCount>0<\/KeyCount><\/ListBucketResult>$/);
    const location = s3.serializeOutput(s3.model.operations["GetBucketLocation"]!, { LocationConstraint: "eu-west-1" }, "r");
    assert.match(String(location.body), /<LocationConstraint xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">eu-west-1<\/LocationConstraint>$/);
    const ranged = s3.serializeOutput(s3.model.operations["GetObject"]!, { StatusCode: 206, ContentRange: "bytes 0-1/5", Body: Buffer.from("ab") }, "r");
    assert.equal(ranged.status, 206);
  });
  it("answers errors to HEAD without a body", () => {
    const response = s3.serializeError(new ServiceError("NoSuchKey", "no", { status: 404 }), "r", undefined, wireRequest({ method: "HEAD", path: "/b/k" }));
    assert.equal(response.body, undefined);
  });
  it("rejects malformed XML with MalformedXML", () => {
    const c: InputCase = { name: "bad xml", operation: "DeleteObjects", request: { method: "POST", path: "/b", query: "delete", body: "<Delete><Object>" }, input: {} };
    assert.throws(() => parseCase(s3, c), (e: unknown) => e instanceof ServiceError && e.code === "MalformedXML" && e.status === 400);
  });
  it("serializes rest-json errors with x-amzn-errortype and a JSON body", () => {
    const response = ebs.serializeError(new ServiceError("ValidationException", "bad", { fields: { Reason: "INVALID_BLOCK" } }), "r", undefined, wireRequest({}));
    assert.equal(response.headers["x-amzn-errortype"], "ValidationException");
    assert.deepEqual(JSON.parse(String(response.body)), { message: "bad", Reason: "INVALID_BLOCK" });
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { JsonProtocol } from "../../sdk-compat/protocol/json-protocol.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { type InputCase, type OutputCase, parseCase } from "./protocol-fixtures.js";

const sqs = new JsonProtocol(loadServiceModel("sqs"));
const target = (op: string) => ({ "x-amz-target": `AmazonSQS.${op}`, "content-type": "application/x-amz-json-1.0" });

const inputs: InputCase[] = [
  { name: "members by name", operation: "ListQueues", request: { headers: target("ListQueues"), body: '{"QueueNamePrefix":"a","MaxResults":5}' }, input: { QueueNamePrefix: "a", MaxResults: 5 } },
  {
    name: "maps of structures, blobs from base64",
    operation: "SendMessage",
    request: { headers: target("SendMessage"), body: '{"QueueUrl":"u","MessageBody":"b","MessageAttributes":{"bin":{"DataType":"Binary","BinaryValue":"AAEC"}}}' },
    input: { QueueUrl: "u", MessageBody: "b", MessageAttributes: { bin: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2]) } } },
  },
  { name: "an empty body is an empty input", operation: "ListQueues", request: { headers: target("ListQueues"), body: "" }, input: {} },
  {
    // patches/sqs.json gives Attributes the query name "Attribute"; JSON keeps the member name.
    name: "query-only locationNames from a model patch are not JSON keys",
    operation: "CreateQueue",
    request: { headers: target("CreateQueue"), body: '{"QueueName":"q","Attributes":{"DelaySeconds":"1"},"tags":{"a":"b"}}' },
    input: { QueueName: "q", Attributes: { DelaySeconds: "1" }, tags: { a: "b" } },
  },
];

const outputs: OutputCase[] = [
  { name: "plain JSON of the output shape", operation: "GetQueueUrl", output: { QueueUrl: "http://x/1/q" }, body: '{"QueueUrl":"http://x/1/q"}', headers: { "content-type": "application/x-amz-json-1.0" } },
  { name: "member names, not patched query names", operation: "GetQueueAttributes", output: { Attributes: { VisibilityTimeout: "30" } }, body: '{"Attributes":{"VisibilityTimeout":"30"}}' },
  { name: "blobs as base64", operation: "ReceiveMessage", output: { Messages: [{ MessageId: "m", MessageAttributes: { b: { DataType: "Binary", BinaryValue: Buffer.from([255]) } } }] }, contains: ['"BinaryValue":"/w=="'] },
];

describe("json protocol fixtures (SQS model)", () => {
  for (const c of inputs) {
    it(`parses: ${c.name}`, () => {
      const { operation, input } = parseCase(sqs, c);
      assert.equal(operation, c.operation);
      assert.deepEqual(input, c.input);
    });
  }
  for (const c of outputs) {
    it(`serializes: ${c.name}`, () => {
      const response = sqs.serializeOutput(sqs.model.operations[c.operation]!, c.output, "req-1");
      if (c.body) assert.equal(response.body, c.body);
      for (const fragment of c.contains ?? []) assert.ok(String(response.body).includes(fragment), `${fragment} in ${response.body}`);
      for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(response.headers[k], v);
    });
  }
  it("errors carry __type, message and the query-compatible code header", () => {
    const response = sqs.serializeError(new ServiceError("QueueDoesNotExist", "The specified queue does not exist."), "req-2");
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(String(response.body)), { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." });
    assert.match(response.headers["x-amzn-query-error"] ?? "", /;Sender$/);
  });
  it("a body that is not JSON is a SerializationException", () => {
    assert.throws(() => parseCase(sqs, { name: "bad", operation: "ListQueues", request: { headers: target("ListQueues"), body: "{not json" }, input: {} }), (e: unknown) => e instanceof ServiceError && e.code === "SerializationException");
  });
  it("a wrongly typed member is a SerializationException", () => {
    assert.throws(() => parseCase(sqs, { name: "bad", operation: "ListQueues", request: { headers: target("ListQueues"), body: '{"MaxResults":"five"}' }, input: {} }), (e: unknown) => e instanceof ServiceError && e.code === "SerializationException");
  });
});

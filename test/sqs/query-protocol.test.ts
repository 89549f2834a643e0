import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox } from "../support/fixture.js";

const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
// Lists that the query protocol flattens; always parsed as arrays so single items look the same.
const REPEATED = new Set(["QueueUrl", "Message", "Attribute", "MessageAttribute", "Tag", "SendMessageBatchResultEntry", "BatchResultErrorEntry", "DeleteMessageBatchResultEntry", "ChangeMessageVisibilityBatchResultEntry"]);
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, htmlEntities: true, isArray: (name, path) => REPEATED.has(name) && (name !== "Message" || String(path).endsWith("ReceiveMessageResult.Message")) });

type Xml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An older-style SQS client: form-encoded Action= requests, XML answers. */
async function query(cb: Cloudbox, params: Record<string, string>, path = "/"): Promise<{ status: number; xml: Xml; text: string; headers: Headers }> {
  const response = await fetch(`${cb.endpoint}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", authorization: AUTH },
    body: new URLSearchParams({ Version: "2012-11-05", ...params }).toString(),
  });
  const text = await response.text();
  return { status: response.status, xml: parser.parse(text) as Xml, text, headers: response.headers };
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

describe("SQS over the query protocol (form requests, XML answers)", () => {
  let cb: Cloudbox;
  let queueUrl: string;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("CreateQueue reads Attribute.N.Name/Value and Tag.N.Key/Value", async () => {
    const { status, xml, headers } = await query(cb, {
      Action: "CreateQueue", QueueName: "legacy",
      "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40",
      "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "0",
      "Tag.1.Key": "team", "Tag.1.Value": "blue",
    });
    assert.equal(status, 200);
    assert.match(headers.get("content-type") ?? "", /xml/);
    assert.equal(xml.CreateQueueResponse["@_xmlns"], "http://queue.amazonaws.com/doc/2012-11-05/");
    queueUrl = xml.CreateQueueResponse.CreateQueueResult.QueueUrl[0];
    assert.equal(queueUrl, `${cb.endpoint}/000000000000/legacy`);
    assert.ok(xml.CreateQueueResponse.ResponseMetadata.RequestId);
    const attrs = await query(cb, { Action: "GetQueueAttributes", QueueUrl: queueUrl, "AttributeName.1": "VisibilityTimeout", "AttributeName.2": "QueueArn" });
    assert.deepEqual(attrs.xml.GetQueueAttributesResponse.GetQueueAttributesResult.Attribute, [
      { Name: "QueueArn", Value: "arn:aws:sqs:us-east-1:000000000000:legacy" },
      { Name: "VisibilityTimeout", Value: "40" },
    ]);
    const tags = await query(cb, { Action: "ListQueueTags", QueueUrl: queueUrl });
    assert.deepEqual(tags.xml.ListQueueTagsResponse.ListQueueTagsResult.Tag, [{ Key: "team", Value: "blue" }]);
  });

  it("SendMessage reads MessageAttribute.N.Name/Value.* and answers the digests", async () => {
    const body = 'quote " and <tag> & carriage\r return';
    const { xml } = await query(cb, {
      Action: "SendMessage", QueueUrl: queueUrl, MessageBody: body,
      "MessageAttribute.1.Name": "kind", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "order",
      "MessageAttribute.2.Name": "blob", "MessageAttribute.2.Value.DataType": "Binary", "MessageAttribute.2.Value.BinaryValue": Buffer.from([1, 2, 3]).toString("base64"),
    });
    const result = xml.SendMessageResponse.SendMessageResult;
    assert.equal(result.MD5OfMessageBody, md5(body));
    assert.match(result.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
    assert.match(result.MessageId, /^[0-9a-f-]{36}$/);
  });

  it("ReceiveMessage answers flattened <Attribute><Name/><Value/></Attribute> and <MessageAttribute> elements", async () => {
    const { xml, text } = await query(cb, { Action: "ReceiveMessage", QueueUrl: queueUrl, "AttributeName.1": "All", "MessageAttributeName.1": "All", VisibilityTimeout: "0" });
    const message = xml.ReceiveMessageResponse.ReceiveMessageResult.Message[0];
    assert.equal(message.Body, 'quote " and <tag> & carriage\r return');
    assert.match(text, /&quot;/, "SQS escapes quotes in XML text");
    assert.match(text, /&#xD;/, "and carriage returns");
    const system = Object.fromEntries((message.Attribute as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
    assert.equal(system.ApproximateReceiveCount, "1");
    assert.equal(system.SenderId, "000000000000");
    assert.match(system.SentTimestamp, /^\d{13}$/);
    const custom = Object.fromEntries((message.MessageAttribute as { Name: string; Value: Xml }[]).map((a) => [a.Name, a.Value]));
    assert.deepEqual(custom.kind, { StringValue: "order", DataType: "String" });
    assert.deepEqual(custom.blob, { BinaryValue: Buffer.from([1, 2, 3]).toString("base64"), DataType: "Binary" });
    assert.ok(message.ReceiptHandle);
    assert.equal(message.MD5OfBody, md5('quote " and <tag> & carriage\r return'));
  });

  it("batches use SendMessageBatchRequestEntry.N and answer per-entry result and error elements", async () => {
    const sent = await query(cb, {
      Action: "SendMessageBatch", QueueUrl: queueUrl,
      "SendMessageBatchRequestEntry.1.Id": "ok", "SendMessageBatchRequestEntry.1.MessageBody": "fine",
      "SendMessageBatchRequestEntry.2.Id": "bad", "SendMessageBatchRequestEntry.2.MessageBody": "\u0001",
    });
    const result = sent.xml.SendMessageBatchResponse.SendMessageBatchResult;
    assert.equal(result.SendMessageBatchResultEntry[0].Id, "ok");
    assert.deepEqual(result.BatchResultErrorEntry[0], {
      Id: "bad", SenderFault: "true", Code: "InvalidMessageContents",
      Message: "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    });
    const received = await query(cb, { Action: "ReceiveMessage", QueueUrl: queueUrl, MaxNumberOfMessages: "10" });
    const handles = (received.xml.ReceiveMessageResponse.ReceiveMessageResult.Message as Xml[]).map((m) => m.ReceiptHandle as string);
    assert.equal(handles.length, 2);
    const changed = await query(cb, {
      Action: "ChangeMessageVisibilityBatch", QueueUrl: queueUrl,
      "ChangeMessageVisibilityBatchRequestEntry.1.Id": "c1", "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": handles[0]!,
      "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "60",
    });
    assert.equal(changed.xml.ChangeMessageVisibilityBatchResponse.ChangeMessageVisibilityBatchResult.ChangeMessageVisibilityBatchResultEntry[0].Id, "c1");
    const deleted = await query(cb, {
      Action: "DeleteMessageBatch", QueueUrl: queueUrl,
      "DeleteMessageBatchRequestEntry.1.Id": "d1", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": handles[0]!,
      "DeleteMessageBatchRequestEntry.2.Id": "d2", "DeleteMessageBatchRequestEntry.2.ReceiptHandle": handles[1]!,
    });
    assert.deepEqual(deleted.xml.DeleteMessageBatchResponse.DeleteMessageBatchResult.DeleteMessageBatchResultEntry, [{ Id: "d1" }, { Id: "d2" }]);
    const attrs = await query(cb, { Action: "GetQueueAttributes", QueueUrl: queueUrl, "AttributeName.1": "All" });
    const all = Object.fromEntries((attrs.xml.GetQueueAttributesResponse.GetQueueAttributesResult.Attribute as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
    assert.equal(all.ApproximateNumberOfMessages, "0");
    assert.equal(all.ApproximateNumberOfMessagesNotVisible, "0");
  });

  it("ListQueues, tags, permissions and purge work with their query names", async () => {
    const list = await query(cb, { Action: "ListQueues", QueueNamePrefix: "leg" });
    assert.deepEqual(list.xml.ListQueuesResponse.ListQueuesResult.QueueUrl, [queueUrl]);
    await query(cb, { Action: "TagQueue", QueueUrl: queueUrl, "Tag.1.Key": "env", "Tag.1.Value": "dev" });
    await query(cb, { Action: "UntagQueue", QueueUrl: queueUrl, "TagKey.1": "team" });
    const tags = await query(cb, { Action: "ListQueueTags", QueueUrl: queueUrl });
    assert.deepEqual(tags.xml.ListQueueTagsResponse.ListQueueTagsResult.Tag, [{ Key: "env", Value: "dev" }]);
    const added = await query(cb, { Action: "AddPermission", QueueUrl: queueUrl, Label: "p", "AWSAccountId.1": "111122223333", "ActionName.1": "ReceiveMessage" });
    assert.equal(added.status, 200);
    const policy = await query(cb, { Action: "GetQueueAttributes", QueueUrl: queueUrl, "AttributeName.1": "Policy" });
    assert.match(policy.xml.GetQueueAttributesResponse.GetQueueAttributesResult.Attribute[0].Value, /SQS:ReceiveMessage/);
    assert.equal((await query(cb, { Action: "PurgeQueue", QueueUrl: queueUrl })).status, 200);
  });

  it("a request posted to the queue URL itself needs no QueueUrl parameter (Java SDK v1, boto 2)", async () => {
    const path = "/000000000000/legacy";
    const sent = await query(cb, { Action: "SendMessage", MessageBody: "by path" }, path);
    assert.equal(sent.status, 200, sent.text);
    const received = await query(cb, { Action: "ReceiveMessage", VisibilityTimeout: "0" }, path);
    assert.equal(received.xml.ReceiveMessageResponse.ReceiveMessageResult.Message[0].Body, "by path");
    const missing = await query(cb, { Action: "SendMessage", MessageBody: "x" }, "/000000000000/no-such-queue");
    assert.equal(missing.xml.ErrorResponse.Error.Code, "AWS.SimpleQueueService.NonExistentQueue");
  });

  it("errors carry the query-era codes, fault type and status", async () => {
    const missing = await query(cb, { Action: "GetQueueUrl", QueueName: "nope" });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.xml.ErrorResponse.Error, { Type: "Sender", Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "The specified queue does not exist." });
    assert.ok(missing.xml.ErrorResponse.RequestId);
    const exists = await query(cb, { Action: "CreateQueue", QueueName: "legacy", "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "1" });
    assert.equal(exists.xml.ErrorResponse.Error.Code, "QueueAlreadyExists");
    const badName = await query(cb, { Action: "GetQueueAttributes", QueueUrl: queueUrl, "AttributeName.1": "Nope" });
    assert.equal(badName.xml.ErrorResponse.Error.Code, "InvalidAttributeName");
    const handle = await query(cb, { Action: "DeleteMessage", QueueUrl: queueUrl, ReceiptHandle: "xyz" });
    assert.equal(handle.status, 404);
    assert.equal(handle.xml.ErrorResponse.Error.Code, "ReceiptHandleIsInvalid");
    const purge = await query(cb, { Action: "PurgeQueue", QueueUrl: queueUrl });
    assert.equal(purge.status, 403);
    assert.equal(purge.xml.ErrorResponse.Error.Code, "AWS.SimpleQueueService.PurgeQueueInProgress");
    const tooMany = await query(cb, Object.fromEntries([["Action", "SendMessageBatch"], ["QueueUrl", queueUrl], ...Array.from({ length: 11 }, (_, i) => [[`SendMessageBatchRequestEntry.${i + 1}.Id`, `e${i}`], [`SendMessageBatchRequestEntry.${i + 1}.MessageBody`, "x"]]).flat()]));
    assert.equal(tooMany.xml.ErrorResponse.Error.Code, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
    const noBody = await query(cb, { Action: "SendMessage", QueueUrl: queueUrl });
    assert.equal(noBody.xml.ErrorResponse.Error.Code, "MissingParameter");
  });

  it("the JSON protocol sends the same query-era code in x-amzn-query-error", async () => {
    const response = await fetch(`${cb.endpoint}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueUrl", authorization: AUTH },
      body: JSON.stringify({ QueueName: "nope" }),
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
    const body = (await response.json()) as { __type: string; message: string };
    assert.equal(body.__type, "com.amazonaws.sqs#QueueDoesNotExist");
    assert.equal(body.message, "The specified queue does not exist.");
  });
});

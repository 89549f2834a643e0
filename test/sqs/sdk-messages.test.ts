import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand,
  DeleteMessageBatchCommand, ChangeMessageVisibilityCommand, ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand,
  ReceiptHandleIsInvalid, TooManyEntriesInBatchRequest, BatchEntryIdsNotDistinct, EmptyBatchRequest, BatchRequestTooLong,
  InvalidMessageContents,
} from "@aws-sdk/client-sqs";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

/** The attribute digest as the SQS developer guide describes it, written independently of the server. */
function attributeDigest(attributes: Record<string, MessageAttributeValue>): string {
  const hash = createHash("md5");
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name]!;
    prefixed(Buffer.from(name));
    prefixed(Buffer.from(a.DataType!));
    if (a.BinaryValue) {
      hash.update(Buffer.from([2]));
      prefixed(Buffer.from(a.BinaryValue));
    } else {
      hash.update(Buffer.from([1]));
      prefixed(Buffer.from(a.StringValue!));
    }
  }
  return hash.digest("hex");
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

describe("SQS messages through SDK v3", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  let counter = 0;
  const queue = async (attributes: Record<string, string> = {}, fifo = false) => {
    const name = `m${++counter}${fifo ? ".fifo" : ""}`;
    const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: "true", ...attributes } : attributes }));
    return out.QueueUrl!;
  };
  before(async () => {
    cb = await startTestCloudbox();
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("SendMessage answers the MD5s SDKs verify, for every attribute data type and custom suffixes", async () => {
    const QueueUrl = await queue();
    const attributes: Record<string, MessageAttributeValue> = {
      text: { DataType: "String", StringValue: "héllo ✓" },
      count: { DataType: "Number", StringValue: "-12.5e3" },
      blob: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) },
      custom: { DataType: "String.json", StringValue: '{"a":1}' },
      id: { DataType: "Number.int", StringValue: "42" },
      raw: { DataType: "Binary.gzip", BinaryValue: Buffer.from("zz") },
    };
    const body = "body with ünïcödé and emoji 🎉";
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: attributes }));
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.equal(sent.MD5OfMessageAttributes, attributeDigest(attributes));
    assert.match(sent.MessageId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }));
    const message = Messages![0]!;
    assert.equal(message.Body, body);
    assert.equal(message.MD5OfBody, md5(body));
    assert.equal(message.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(message.MessageAttributes?.count?.StringValue, "-12.5e3");
    assert.deepEqual([...message.MessageAttributes!.blob!.BinaryValue!], [0, 1, 2, 255]);
    assert.equal(message.MessageAttributes?.custom?.DataType, "String.json");
    assert.equal(message.Attributes?.ApproximateReceiveCount, "1");
    assert.equal(message.Attributes?.SenderId, "000000000000");
    assert.ok(Math.abs(Number(message.Attributes?.SentTimestamp) - Date.now()) < 60_000);
    assert.ok(Number(message.Attributes?.ApproximateFirstReceiveTimestamp) >= Number(message.Attributes?.SentTimestamp));
  });

  it("a known attribute digest matches (value published by other SQS implementations)", async () => {
    const QueueUrl = await queue();
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageAttributes: { timestamp: { DataType: "Number", StringValue: "1493147359900" } } }));
    assert.equal(sent.MD5OfMessageAttributes, "235c5c510d26fb653d073faed50ae77c");
  });

  it("ReceiveMessage filters message attributes by name and prefix and digests only what it returns", async () => {
    const QueueUrl = await queue();
    const attributes = { "order.id": { DataType: "String", StringValue: "1" }, "order.kind": { DataType: "String", StringValue: "a" }, other: { DataType: "Number", StringValue: "3" } };
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageAttributes: attributes }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["order.*"], VisibilityTimeout: 0 }));
    assert.deepEqual(Object.keys(Messages![0]!.MessageAttributes!).sort(), ["order.id", "order.kind"]);
    assert.equal(Messages![0]!.MD5OfMessageAttributes, attributeDigest({ "order.id": attributes["order.id"], "order.kind": attributes["order.kind"] }));
    const bare = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(bare.Messages![0]!.MessageAttributes, undefined);
    assert.equal(bare.Messages![0]!.Attributes, undefined);
  });

  it("accepts bodies up to 1 MiB and rejects larger ones and invalid characters", async () => {
    const QueueUrl = await queue();
    const big = "a".repeat(1_048_576);
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: big }));
    assert.equal(sent.MD5OfMessageBody, md5(big));
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `${big}a` })), (e: Error & { Code?: string }) => e.name === "InvalidParameterValue" && /shorter than 1048576/.test(e.message));
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "bell \u0007" })), (e: Error) => e instanceof InvalidMessageContents);
    const small = await queue({ MaximumMessageSize: "1024" });
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: "b".repeat(1025) })), (e: Error) => /shorter than 1024/.test(e.message));
    const tabs = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "\t\n\r \uE000 \u{10FFFF}" }));
    assert.ok(tabs.MessageId);
  });

  it("rejects malformed message attributes", async () => {
    const QueueUrl = await queue();
    const cases: Record<string, MessageAttributeValue>[] = [
      { n: { DataType: "Number", StringValue: "abc" } },
      { n: { DataType: "Text", StringValue: "abc" } },
      { n: { DataType: "String", StringValue: "" } },
      { "AWS.reserved": { DataType: "String", StringValue: "x" } },
      Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "x" }])),
    ];
    for (const MessageAttributes of cases) {
      await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageAttributes })), (e: Error) => e.name === "InvalidParameterValue");
    }
  });

  it("SendMessageBatch reports per-entry failures beside successes", async () => {
    const QueueUrl = await queue();
    const out = await sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "ok-1", MessageBody: "first", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        { Id: "bad", MessageBody: "nul \u0000 char" },
        { Id: "ok-2", MessageBody: "second", DelaySeconds: 0 },
        { Id: "late", MessageBody: "x", DelaySeconds: 901 },
      ],
    }));
    assert.deepEqual(out.Successful?.map((s) => s.Id), ["ok-1", "ok-2"]);
    assert.equal(out.Successful?.[0]?.MD5OfMessageBody, md5("first"));
    assert.equal(out.Successful?.[0]?.MD5OfMessageAttributes, attributeDigest({ k: { DataType: "String", StringValue: "v" } }));
    assert.deepEqual(out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]), [["bad", "InvalidMessageContents", true], ["late", "InvalidParameterValue", true]]);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages?.map((m) => m.Body).sort(), ["first", "second"]);
  });

  it("SendMessageBatch checks entry count, ids and total size", async () => {
    const QueueUrl = await queue();
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" }));
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(11) })), (e: Error & { Code?: string }) => e instanceof TooManyEntriesInBatchRequest && (e as { Code?: string }).Code === "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })), (e: Error) => e instanceof EmptyBatchRequest);
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "x" }, { Id: "a", MessageBody: "y" }] })), (e: Error) => e instanceof BatchEntryIdsNotDistinct);
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "no spaces", MessageBody: "x" }] })), (e: Error) => e.name === "InvalidBatchEntryId");
    const half = "h".repeat(600_000);
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: half }, { Id: "b", MessageBody: half }] })), (e: Error) => e instanceof BatchRequestTooLong);
  });

  it("a receipt handle is valid for its receive only; stale handles do not delete", async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "once" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.notEqual(first.Messages![0]!.ReceiptHandle, second.Messages![0]!.ReceiptHandle);
    assert.equal(second.Messages![0]!.Attributes?.ApproximateReceiveCount, "2");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessagesNotVisible"] }));
    assert.equal(counts.Attributes?.ApproximateNumberOfMessagesNotVisible, "1", "the stale handle deleted nothing");
    await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 })), (e: Error) => e.name === "InvalidParameterValue" && /expired/.test(e.message));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.equal(after.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
    assert.equal(after.Attributes?.ApproximateNumberOfMessages, "0");
    await assert.rejects(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "garbage" })), (e: Error & { $metadata: { httpStatusCode?: number } }) => e instanceof ReceiptHandleIsInvalid && e.$metadata.httpStatusCode === 404);
  });

  it("ChangeMessageVisibility and its batch hide or release locked messages", async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "a" }, { Id: "b", MessageBody: "b" }] }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(Messages?.length, 2);
    const none = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(none.Messages, undefined, "locked messages are not handed out again");
    const batch = await sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl,
      Entries: [...Messages!.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })), { Id: "bad", ReceiptHandle: "nope", VisibilityTimeout: 0 }],
    }));
    assert.deepEqual(batch.Successful?.map((s) => s.Id), ["e0", "e1"]);
    assert.deepEqual(batch.Failed?.map((f) => [f.Id, f.Code]), [["bad", "ReceiptHandleIsInvalid"]]);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(again.Messages?.length, 2);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    const one = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(one.Messages?.length, 1);
    assert.equal(one.Messages?.[0]?.Body, again.Messages![0]!.Body);
    await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: one.Messages![0]!.ReceiptHandle, VisibilityTimeout: 43_201 })), (e: Error) => e.name === "InvalidParameterValue");
  });

  it("DeleteMessageBatch deletes each entry and reports bad handles", async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ["a", "b", "c"].map((x) => ({ Id: x, MessageBody: x })) }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [...Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: "x", ReceiptHandle: "bogus" }] }));
    assert.equal(out.Successful?.length, 3);
    assert.deepEqual(out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]), [["x", "ReceiptHandleIsInvalid", true]]);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    assert.deepEqual(Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("ReceiveMessage validates its limits", async () => {
    const QueueUrl = await queue();
    await assert.rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })), (e: Error) => e.name === "InvalidParameterValue" && /MaxNumberOfMessages/.test(e.message));
    await assert.rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })), (e: Error) => e.name === "InvalidParameterValue" && /WaitTimeSeconds/.test(e.message));
  });

  it("long polling returns as soon as a message arrives", async () => {
    const QueueUrl = await queue();
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "wake up" })), 150);
    const { Messages } = await polling;
    assert.equal(Messages?.[0]?.Body, "wake up");
    assert.ok(Date.now() - started < 3000, `returned after ${Date.now() - started} ms`);
  });

  it("many concurrent long polls each get a message when several arrive in a batch", async () => {
    const QueueUrl = await queue();
    const polls = Array.from({ length: 20 }, () => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 })));
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: `${i}-${j}` })) }));
    }
    const results = await Promise.all(polls);
    const bodies = results.flatMap((r) => r.Messages ?? []).map((m) => m.Body);
    assert.equal(bodies.length, 20);
    assert.equal(new Set(bodies).size, 20, "no message handed to two pollers");
  });

  it("a long poll ends early when the client aborts", async () => {
    const QueueUrl = await queue();
    const controller = new AbortController();
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(polling);
    assert.ok(Date.now() - started < 2000);
    // Once the server has seen the connection close, the aborted poll must not swallow a message.
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "kept" }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(Messages?.[0]?.Body, "kept");
  });

  it("queue ReceiveMessageWaitTimeSeconds is the default wait", async () => {
    const QueueUrl = await queue({ ReceiveMessageWaitTimeSeconds: "5" });
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "default wait" })), 100);
    const { Messages } = await polling;
    assert.equal(Messages?.[0]?.Body, "default wait");
  });

  it("AWSTraceHeader travels as a system attribute with its own digest", async () => {
    const QueueUrl = await queue();
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "traced", MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: trace } } }));
    assert.equal(sent.MD5OfMessageSystemAttributes, attributeDigest({ AWSTraceHeader: { DataType: "String", StringValue: trace } }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["AWSTraceHeader"] }));
    assert.deepEqual(Messages?.[0]?.Attributes, { AWSTraceHeader: trace });
  });
});

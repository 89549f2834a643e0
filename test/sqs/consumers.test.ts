import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SQSClient, CreateQueueCommand, SendMessageBatchCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00";
// The load tests drive tens of thousands of messages; a bare JSON-protocol client keeps their
// client-side cost low so the test measures cloudbox, not SDK serialisation. They run over HTTP
// only, so the in-process rerun of this suite skips them.
const overHttpOnly = process.env["CLOUDBOX_TEST_TRANSPORT"] === "in-process" ? "raw HTTP client; nothing to rerun in-process" : false;

interface RawMessage { MessageId: string; ReceiptHandle: string; Body: string; Attributes?: Record<string, string> }

async function call<T>(cb: Cloudbox, operation: string, input: unknown): Promise<T> {
  const response = await fetch(`${cb.endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${operation}`, authorization: AUTH },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Sends `count` messages in batches of ten over `lanes` concurrent senders; lane k sends entries i with i % lanes === k in order. */
async function sendAll(cb: Cloudbox, QueueUrl: string, count: number, lanes: number, entry: (i: number) => { MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string }): Promise<void> {
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    const mine = Array.from({ length: Math.ceil((count - lane) / lanes) }, (_, k) => lane + k * lanes);
    for (let i = 0; i < mine.length; i += 10) {
      const out = await call<{ Failed?: unknown[] }>(cb, "SendMessageBatch", { QueueUrl, Entries: mine.slice(i, i + 10).map((n) => ({ Id: `e${n}`, ...entry(n) })) });
      assert.equal(out.Failed?.length ?? 0, 0);
    }
  }));
}

async function counts(sqs: SQSClient, QueueUrl: string): Promise<[number, number]> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  return [Number(Attributes!.ApproximateNumberOfMessages), Number(Attributes!.ApproximateNumberOfMessagesNotVisible)];
}

describe("SQS under concurrent consumers", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  before(async () => {
    cb = await startTestCloudbox();
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("50 receivers drain 10,000 FIFO messages: each once, none while locked, in order per group", { skip: overHttpOnly }, async () => {
    const TOTAL = 10_000;
    const GROUPS = 100;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "load.fifo", Attributes: { FifoQueue: "true", VisibilityTimeout: "60" } }));
    // Lanes split by group (10 lanes, 100 groups), so each group's messages are sent in order.
    await sendAll(cb, QueueUrl!, TOTAL, 10, (i) => ({ MessageBody: `${i % GROUPS}:${Math.floor(i / GROUPS)}`, MessageGroupId: `g${i % GROUPS}`, MessageDeduplicationId: `d${i}` }));

    const deliveries = new Map<string, number>();
    const perGroup = new Map<string, number[]>();
    let received = 0;
    const receiver = async (): Promise<void> => {
      while (received < TOTAL) {
        const { Messages } = await call<{ Messages?: RawMessage[] }>(cb, "ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount", "MessageGroupId"] });
        if (!Messages?.length) continue;
        for (const m of Messages) {
          deliveries.set(m.MessageId, (deliveries.get(m.MessageId) ?? 0) + 1);
          assert.equal(m.Attributes?.ApproximateReceiveCount, "1", "no message is handed out twice while its lock holds");
          const [group, index] = m.Body.split(":");
          assert.equal(`g${group}`, m.Attributes?.MessageGroupId);
          const seen = perGroup.get(group!) ?? [];
          seen.push(Number(index));
          perGroup.set(group!, seen);
        }
        received += Messages.length;
        const out = await call<{ Failed?: unknown[] }>(cb, "DeleteMessageBatch", { QueueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
        assert.equal(out.Failed?.length ?? 0, 0);
      }
    };
    await Promise.all(Array.from({ length: 50 }, receiver));
    assert.equal(deliveries.size, TOTAL, "every message was delivered");
    assert.ok([...deliveries.values()].every((n) => n === 1), "no message was delivered twice");
    assert.equal(perGroup.size, GROUPS);
    for (const [group, indexes] of perGroup) {
      assert.deepEqual(indexes, Array.from({ length: TOTAL / GROUPS }, (_, i) => i), `group ${group} kept its order`);
    }
    assert.deepEqual(await counts(sqs, QueueUrl!), [0, 0]);
  });

  it("50 receivers with short locks on a standard queue: no message handed out twice while locked", { skip: overHttpOnly }, async () => {
    const TOTAL = 2_000;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "load-standard", Attributes: { VisibilityTimeout: "60" } }));
    await sendAll(cb, QueueUrl!, TOTAL, 10, (i) => ({ MessageBody: `m${i}` }));
    // Every receiver holds its lock until it has recorded the batch, then releases half of the
    // messages (visibility 0) and deletes the rest: released messages come back, never to two
    // holders at once.
    const holders = new Map<string, number>();
    const done = new Set<string>();
    let overlaps = 0;
    const receiver = async (): Promise<void> => {
      while (done.size < TOTAL) {
        const { Messages } = await call<{ Messages?: RawMessage[] }>(cb, "ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        if (!Messages?.length) continue;
        for (const m of Messages) {
          if ((holders.get(m.Body) ?? 0) > 0) overlaps++;
          holders.set(m.Body, (holders.get(m.Body) ?? 0) + 1);
        }
        const release = Messages.filter((m) => !done.has(m.Body) && Number(m.Body.slice(1)) % 2 === 0 && !holders.has(`released:${m.Body}`));
        for (const m of Messages) holders.set(m.Body, holders.get(m.Body)! - 1);
        for (const m of release) holders.set(`released:${m.Body}`, 1);
        if (release.length) {
          await call(cb, "ChangeMessageVisibilityBatch", { QueueUrl, Entries: release.map((m, i) => ({ Id: `c${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) });
        }
        const keep = Messages.filter((m) => !release.includes(m));
        if (keep.length) {
          for (const m of keep) done.add(m.Body);
          await call(cb, "DeleteMessageBatch", { QueueUrl, Entries: keep.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, receiver));
    assert.equal(overlaps, 0);
    assert.equal(done.size, TOTAL);
    assert.deepEqual(await counts(sqs, QueueUrl!), [0, 0]);
  });

  it("sqs-consumer processes messages from cloudbox unmodified", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "consumed" }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `a${i}`, MessageBody: JSON.stringify({ n: i }) })) }));
    for (let b = 1; b < 5; b++) await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `a${i}`, MessageBody: JSON.stringify({ n: b * 10 + i }) })) }));
    const seen: number[] = [];
    let failed: unknown;
    await new Promise<void>((resolve, reject) => {
      const consumer = Consumer.create({
        queueUrl: QueueUrl!,
        sqs,
        batchSize: 10,
        waitTimeSeconds: 1,
        handleMessage: async (message) => {
          seen.push((JSON.parse(message.Body!) as { n: number }).n);
          return message;
        },
      });
      consumer.on("error", (error) => (failed = error));
      consumer.on("processing_error", (error) => (failed = error));
      consumer.on("empty", () => {
        if (seen.length >= 50) {
          consumer.stop();
          resolve();
        }
      });
      setTimeout(() => {
        consumer.stop();
        reject(new Error(`sqs-consumer saw ${seen.length} of 50 messages`));
      }, 15_000).unref();
      consumer.start();
    });
    assert.equal(failed, undefined);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await counts(sqs, QueueUrl!), [0, 0], "sqs-consumer deleted what it handled");
  });
});

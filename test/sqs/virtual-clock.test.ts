import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, PurgeQueueCommand,
  SendMessageBatchCommand, StartMessageMoveTaskCommand, ListMessageMoveTasksCommand, DeleteMessageCommand,
} from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

const settle = () => new Promise((r) => setTimeout(r, 150));

describe("SQS time-driven behaviour on the virtual clock", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  let counter = 0;
  const queue = async (Attributes: Record<string, string> = {}, suffix = "") =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `v${++counter}${suffix}`, Attributes }))).QueueUrl!;
  const counts = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }));
    return [Number(Attributes!.ApproximateNumberOfMessages), Number(Attributes!.ApproximateNumberOfMessagesNotVisible), Number(Attributes!.ApproximateNumberOfMessagesDelayed)];
  };
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("a received message stays hidden for exactly its visibility timeout", async () => {
    const QueueUrl = await queue({ VisibilityTimeout: "30" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "locked" }));
    const sentAt = cb.clock.now();
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["All"] }));
    assert.equal(first.Messages?.[0]?.Attributes?.SentTimestamp, String(sentAt));
    assert.equal(first.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp, String(sentAt));
    assert.deepEqual(await counts(QueueUrl), [0, 1, 0]);
    cb.clock.advance!(29_999);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    cb.clock.advance!(1);
    assert.deepEqual(await counts(QueueUrl), [1, 0, 0]);
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["All"], VisibilityTimeout: 5 }));
    assert.equal(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
    assert.equal(second.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp, String(sentAt));
    // The first receipt handle is stale now: deleting with it leaves the message.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    cb.clock.advance!(5000);
    assert.deepEqual(await counts(QueueUrl), [1, 0, 0]);
  });

  it("queue and per-message delays hold messages back", async () => {
    const QueueUrl = await queue({ DelaySeconds: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "queue delay" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "no delay", DelaySeconds: 0 }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "long delay", DelaySeconds: 900 }));
    assert.deepEqual(await counts(QueueUrl), [1, 0, 2]);
    assert.deepEqual((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 43_200 }))).Messages?.map((m) => m.Body), ["no delay"]);
    cb.clock.advance!(60_000);
    assert.deepEqual((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 43_200 }))).Messages?.map((m) => m.Body), ["queue delay"]);
    cb.clock.advance!(840_000);
    assert.deepEqual((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages?.map((m) => m.Body), ["long delay"]);
  });

  it("messages older than MessageRetentionPeriod disappear", async () => {
    const QueueUrl = await queue({ MessageRetentionPeriod: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "old" }));
    cb.clock.advance!(30_000);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "young" }));
    cb.clock.advance!(30_000);
    assert.deepEqual(await counts(QueueUrl), [1, 0, 0]);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages?.map((m) => m.Body), ["young"]);
    cb.clock.advance!(30_000);
    assert.deepEqual(await counts(QueueUrl), [0, 0, 0], "in-flight messages expire too");
  });

  it("a long poll ends at its deadline on the virtual clock, not in wall time", async () => {
    const QueueUrl = await queue();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await settle();
    cb.clock.advance!(19_999);
    let done = false;
    void polling.then(() => (done = true));
    await settle();
    assert.equal(done, false);
    cb.clock.advance!(1);
    assert.equal((await polling).Messages, undefined);
  });

  it("a long poll wakes when a delayed message becomes visible or a lock expires", async () => {
    const QueueUrl = await queue({ VisibilityTimeout: "10" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "delayed", DelaySeconds: 5 }));
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await settle();
    cb.clock.advance!(5000);
    assert.equal((await polling).Messages?.[0]?.Body, "delayed");
    const again = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    await settle();
    cb.clock.advance!(10_000);
    const relocked = await again;
    assert.equal(relocked.Messages?.[0]?.Body, "delayed");
    assert.equal(relocked.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
  });

  it("PurgeQueue is allowed again after 60 seconds", async () => {
    const QueueUrl = await queue();
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    cb.clock.advance!(59_000);
    await assert.rejects(sqs.send(new PurgeQueueCommand({ QueueUrl })), (e: Error) => e.name === "PurgeQueueInProgress");
    cb.clock.advance!(1000);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "before purge" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
  });

  it("FIFO deduplication lasts five minutes", async () => {
    const QueueUrl = await queue({ FifoQueue: "true" }, ".fifo");
    const first = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d" }));
    cb.clock.advance!(299_999);
    assert.equal((await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d" }))).MessageId, first.MessageId);
    cb.clock.advance!(1);
    assert.notEqual((await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d" }))).MessageId, first.MessageId);
  });

  it("a rate-limited move task progresses with the clock", async () => {
    const dlq = await queue();
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const source = await queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) });
    const target = await queue();
    const targetArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: target, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    void source;
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: targetArn, MaxNumberOfMessagesPerSecond: 2 }));
    cb.clock.advance!(2000);
    const midway = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    assert.equal(midway.Results?.[0]?.Status, "RUNNING");
    assert.equal(midway.Results?.[0]?.ApproximateNumberOfMessagesMoved, 4);
    assert.deepEqual(await counts(target), [4, 0, 0]);
    cb.clock.advance!(10_000);
    const done = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    assert.equal(done.Results?.[0]?.Status, "COMPLETED");
    assert.equal(done.Results?.[0]?.ApproximateNumberOfMessagesMoved, 10);
    assert.deepEqual(await counts(target), [10, 0, 0]);
    assert.deepEqual(await counts(dlq), [0, 0, 0]);
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand,
  DeleteMessageBatchCommand, GetQueueAttributesCommand, ChangeMessageVisibilityCommand, StartMessageMoveTaskCommand,
  ListMessageMoveTasksCommand, CancelMessageMoveTaskCommand, SetQueueAttributesCommand, ResourceNotFoundException,
} from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("SQS FIFO queues and dead letters through SDK v3", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  let counter = 0;
  const fifoQueue = async (attributes: Record<string, string> = {}) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `f${++counter}.fifo`, Attributes: { FifoQueue: "true", ...attributes } }))).QueueUrl!;
  const arnOf = async (QueueUrl: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  before(async () => {
    cb = await startTestCloudbox();
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("keeps order within a group and holds the group while a batch is in flight", async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: "true" });
    for (const [group, body] of [["a", "a1"], ["b", "b1"], ["a", "a2"], ["b", "b2"], ["a", "a3"]]) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group }));
    }
    // SQS hands out as many messages of one group as it can before moving to the next group.
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, MessageSystemAttributeNames: ["All"] }));
    assert.deepEqual(first.Messages?.map((m) => m.Body), ["a1", "a2"]);
    assert.equal(first.Messages?.[0]?.Attributes?.MessageGroupId, "a");
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(second.Messages?.map((m) => m.Body), ["b1", "b2"], "group a is held while its batch is in flight");
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages, undefined);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages, undefined, "a2 still holds group a");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![1]!.ReceiptHandle }));
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(next.Messages?.map((m) => m.Body), ["a3"]);
    // Returning b1 and b2 to the queue makes them the next of their group again.
    for (const m of second.Messages!) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.deepEqual(again.Messages?.map((m) => m.Body), ["b1", "b2"]);
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
  });

  it("deduplicates within five minutes by explicit id or content, and numbers messages in order", async () => {
    const QueueUrl = await fifoQueue();
    const one = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
    const dup = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "different body", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
    assert.equal(dup.MessageId, one.MessageId);
    assert.equal(dup.SequenceNumber, one.SequenceNumber);
    const two = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "y", MessageGroupId: "g", MessageDeduplicationId: "d2" }));
    assert.match(one.SequenceNumber!, /^\d{20}$/);
    assert.ok(BigInt(two.SequenceNumber!) > BigInt(one.SequenceNumber!));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(Attributes?.ApproximateNumberOfMessages, "2");
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageGroupId: "g" })), (e: Error) => e.name === "InvalidParameterValue" && /ContentBasedDeduplication/.test(e.message));
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageDeduplicationId: "d3" })), (e: Error) => e.name === "MissingParameter");
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageGroupId: "g", MessageDeduplicationId: "d3", DelaySeconds: 5 })), (e: Error) => e.name === "InvalidParameterValue");

    const content = await fifoQueue({ ContentBasedDeduplication: "true" });
    const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl: content, Entries: [{ Id: "a", MessageBody: "same", MessageGroupId: "g" }, { Id: "b", MessageBody: "same", MessageGroupId: "g" }] }));
    assert.equal(batch.Successful?.[0]?.MessageId, batch.Successful?.[1]?.MessageId);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: content, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }));
    assert.equal(received.Messages?.length, 1);
    assert.equal(received.Messages?.[0]?.Attributes?.SequenceNumber, batch.Successful?.[0]?.SequenceNumber);
    assert.match(received.Messages![0]!.Attributes!.MessageDeduplicationId!, /^[0-9a-f]{64}$/);
  });

  it("a retried receive with the same ReceiveRequestAttemptId gets the same messages and handles", async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: "true" });
    for (const body of ["r1", "r2"]) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: "g" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: "attempt-1" }));
    const retry = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: "attempt-1" }));
    assert.deepEqual(retry.Messages?.map((m) => [m.Body, m.ReceiptHandle]), first.Messages?.map((m) => [m.Body, m.ReceiptHandle]));
    const other = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: "attempt-2" }));
    assert.equal(other.Messages, undefined);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: retry.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl, ReceiveRequestAttemptId: "attempt-1" }))).Messages, undefined, "deleted messages are not repeated");
  });

  it("accepts the high-throughput attributes and per-group deduplication scope", async () => {
    const QueueUrl = await fifoQueue({ DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" });
    const a = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g1", MessageDeduplicationId: "same" }));
    const b = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g2", MessageDeduplicationId: "same" }));
    assert.notEqual(a.MessageId, b.MessageId, "the scope is the group, so another group is not a duplicate");
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.equal(Attributes?.FifoThroughputLimit, "perMessageGroupId");
    assert.equal(Attributes?.DeduplicationScope, "messageGroup");
    assert.equal(Attributes?.FifoQueue, "true");
    assert.equal(Attributes?.ContentBasedDeduplication, "false");
  });

  it("moves a message to the dead-letter queue after maxReceiveCount receives", async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "dlq-1" }))).QueueUrl!;
    const dlqArn = await arnOf(dlq);
    const source = (await sqs.send(new CreateQueueCommand({ QueueName: "source-1", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: "poison", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } }));
    for (let i = 0; i < 2; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0 }));
      assert.equal(got.Messages?.[0]?.Body, "poison");
    }
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    assert.equal(third.Messages, undefined, "the third receive moved it instead");
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] }));
    assert.equal(dead.Messages?.[0]?.Body, "poison");
    assert.equal(dead.Messages?.[0]?.MessageAttributes?.k?.StringValue, "v");
    assert.equal(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn, await arnOf(source));
  });

  it("RedriveAllowPolicy decides which queues may use a dead-letter queue", async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "dlq-deny", Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' } }))).QueueUrl!;
    const policy = JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 });
    await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "denied", Attributes: { RedrivePolicy: policy } })), (e: Error) => e.name === "InvalidParameterValue");
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: ["arn:aws:sqs:us-east-1:000000000000:allowed"] }) } }));
    await sqs.send(new CreateQueueCommand({ QueueName: "allowed", Attributes: { RedrivePolicy: policy } }));
    await assert.rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: '{"redrivePermission":"byQueue"}' } })), (e: Error) => e.name === "InvalidParameterValue");
    const fifoDlq = await fifoQueue();
    await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "mismatch", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(fifoDlq), maxReceiveCount: 1 }) } })), (e: Error) => e.name === "InvalidParameterValue");
  });

  it("message move tasks redrive dead letters back to their source, and list and cancel", async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "dlq-move" }))).QueueUrl!;
    const dlqArn = await arnOf(dlq);
    const source = (await sqs.send(new CreateQueueCommand({ QueueName: "source-move", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source, Entries: ["1", "2", "3"].map((x) => ({ Id: x, MessageBody: `m${x}` })) }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }))).Messages, undefined);
    const dlqCount = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(dlqCount.Attributes?.ApproximateNumberOfMessages, "3");

    await assert.rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: await arnOf(source) })), (e: Error) => e.name === "InvalidParameterValue");
    await assert.rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:nope" })), (e: Error) => e instanceof ResourceNotFoundException);
    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    assert.ok(started.TaskHandle);
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    assert.equal(Results?.[0]?.Status, "COMPLETED");
    assert.equal(Results?.[0]?.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(Results?.[0]?.ApproximateNumberOfMessagesToMove, 3);
    assert.equal(Results?.[0]?.SourceArn, dlqArn);
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }));
    assert.deepEqual(back.Messages?.map((m) => m.Body).sort(), ["m1", "m2", "m3"]);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: source, Entries: back.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));

    // A rate-limited task to an explicit destination stays RUNNING long enough to cancel.
    const elsewhere = (await sqs.send(new CreateQueueCommand({ QueueName: "elsewhere" }))).QueueUrl!;
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `x${i}`, MessageBody: `x${i}` })) }));
    const slow = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: await arnOf(elsewhere), MaxNumberOfMessagesPerSecond: 1 }));
    await assert.rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })), (e: Error) => e.name === "UnsupportedOperation");
    const running = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    assert.equal(running.Results?.[0]?.Status, "RUNNING");
    assert.equal(running.Results?.[0]?.TaskHandle, slow.TaskHandle);
    assert.equal(running.Results?.length, 2);
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: slow.TaskHandle }));
    assert.ok((cancelled.ApproximateNumberOfMessagesMoved ?? 0) < 10);
    const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    assert.equal(listed.Results?.[0]?.Status, "CANCELLED");
    await assert.rejects(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: slow.TaskHandle })), (e: Error) => e.name === "UnsupportedOperation");
    await assert.rejects(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "bm9wZQ==" })), (e: Error) => e instanceof ResourceNotFoundException);
  });
});

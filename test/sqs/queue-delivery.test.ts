import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { SqsProvider } from "../../messaging/sqs/provider.js";
import type { QueueDelivery } from "../../messaging/sqs/queue-delivery.js";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("QueueDelivery: other modules put messages on queues by ARN", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  let delivery: QueueDelivery;
  before(async () => {
    cb = await startTestCloudbox();
    sqs = new SQSClient(sdkConfig(cb));
    delivery = (cb.platform.services.get("sqs")!.provider as SqsProvider).delivery;
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("delivers a message with attributes that a receiver gets as if it had been sent", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "fanout" }));
    const id = delivery.deliver("arn:aws:sqs:us-east-1:000000000000:fanout", {
      body: '{"Type":"Notification"}',
      attributes: { kind: { DataType: "String", StringValue: "order" }, raw: { DataType: "Binary", BinaryValue: Buffer.from([9]) } },
    });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"] }));
    assert.equal(Messages?.[0]?.MessageId, id);
    assert.equal(Messages?.[0]?.Body, '{"Type":"Notification"}');
    assert.equal(Messages?.[0]?.MessageAttributes?.kind?.StringValue, "order");
    assert.deepEqual([...Messages![0]!.MessageAttributes!.raw!.BinaryValue!], [9]);
  });

  it("wakes a long poll waiting on the queue", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "fanout-wait" }));
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 100));
    delivery.deliver("arn:aws:sqs:us-east-1:000000000000:fanout-wait", { body: "hello" });
    assert.equal((await polling).Messages?.[0]?.Body, "hello");
  });

  it("honours FIFO group and deduplication ids", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "fanout.fifo", Attributes: { FifoQueue: "true" } }));
    const arn = "arn:aws:sqs:us-east-1:000000000000:fanout.fifo";
    const first = delivery.deliver(arn, { body: "one", messageGroupId: "g", messageDeduplicationId: "d1" });
    assert.equal(delivery.deliver(arn, { body: "one again", messageGroupId: "g", messageDeduplicationId: "d1" }), first);
    delivery.deliver(arn, { body: "two", messageGroupId: "g", messageDeduplicationId: "d2" });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages?.map((m) => m.Body), ["one", "two"]);
    assert.throws(() => delivery.deliver(arn, { body: "no group" }), (e: unknown) => e instanceof ServiceError && e.code === "MissingParameter");
  });

  it("throws QueueDoesNotExist for an unknown queue, and the body rules of SendMessage", () => {
    assert.throws(() => delivery.deliver("arn:aws:sqs:us-east-1:000000000000:absent", { body: "x" }), (e: unknown) => e instanceof ServiceError && e.code === "QueueDoesNotExist");
    assert.throws(() => delivery.deliver("not-an-arn", { body: "x" }), (e: unknown) => e instanceof ServiceError && e.code === "QueueDoesNotExist");
    assert.throws(() => delivery.deliver("arn:aws:sqs:us-east-1:000000000000:fanout", { body: "\u0000" }), (e: unknown) => e instanceof ServiceError && e.code === "InvalidMessageContents");
  });
});

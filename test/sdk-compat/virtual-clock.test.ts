import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startCloudbox } from "../../services/cloudbox.js";
import { clientConfig } from "../../sdk-compat/client/client-config.js";

describe("a virtual clock moves time-driven state without waiting", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ listen: false, clock: "virtual" });
  });
  after(async () => {
    await cb.stop();
  });

  it("an SQS visibility timeout of 30 s ends when the clock is advanced by 30 s, not after 30 s of wall time", async (t) => {
    const started = Date.now();
    const sqs = new SQSClient(clientConfig(cb, { inProcess: true }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "visibility", Attributes: { VisibilityTimeout: "30" } }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "once locked" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(first.Messages?.length, 1);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined, "locked while the timeout runs");
    cb.clock.advance!(29_999);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined, "still locked 1 ms before the end");
    cb.clock.advance!(1);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(again.Messages?.[0]?.MessageId, first.Messages![0]!.MessageId);
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
    const wall = Date.now() - started;
    t.diagnostic(`30 s of queue time took ${wall} ms of wall time`);
    assert.ok(wall < 10_000, "no real waiting happened");
  });
});

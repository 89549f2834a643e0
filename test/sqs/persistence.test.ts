import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, ListQueuesCommand } from "@aws-sdk/client-sqs";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("SQS state in a data directory", () => {
  it("queues, messages, locks and FIFO order survive a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-sqs-"));
    try {
      const first = await startTestCloudbox({ dataDir });
      const sqs = new SQSClient(sdkConfig(first));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "durable.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true", VisibilityTimeout: "600" } }));
      for (const body of ["a1", "a2", "b1"]) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: body[0] }));
      const locked = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
      assert.equal(locked.Messages?.[0]?.Body, "a1");
      sqs.destroy();
      await first.stop();

      const second = await startTestCloudbox({ dataDir });
      const again = new SQSClient(sdkConfig(second));
      const url = `${second.endpoint}/000000000000/durable.fifo`;
      assert.deepEqual((await again.send(new ListQueuesCommand({}))).QueueUrls, [url]);
      const { Attributes } = await again.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
      assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, "1");
      assert.equal(Attributes?.ApproximateNumberOfMessages, "2");
      assert.equal(Attributes?.VisibilityTimeout, "600");
      const next = await again.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      assert.deepEqual(next.Messages?.map((m) => m.Body), ["b1"], "group a is still held by the lock taken before the restart");
      again.destroy();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

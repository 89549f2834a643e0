import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, ListQueuesCommand } from "@aws-sdk/client-sqs";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { Database } from "../../storage/state/database.js";
import { SQS_MIGRATIONS } from "../../messaging/sqs/schema.js";

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

  it("a data directory from the first schema version is upgraded in place", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-sqs-old-"));
    try {
      // The six migrations the first SQS release shipped, with a FIFO queue holding two groups.
      const old = new Database(join(dataDir, "state.db"));
      old.registerSchema("sqs", SQS_MIGRATIONS.slice(0, 6));
      const now = Date.now();
      const attributes = JSON.stringify({ VisibilityTimeout: "30", MaximumMessageSize: "1048576", MessageRetentionPeriod: "345600", DelaySeconds: "0", ReceiveMessageWaitTimeSeconds: "0", SqsManagedSseEnabled: "true", FifoQueue: "true", ContentBasedDeduplication: "true", DeduplicationScope: "queue", FifoThroughputLimit: "perQueue" });
      old.sql.prepare("INSERT INTO sqs_queues (id, account, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (1, '000000000000', 'us-east-1', 'old.fifo', 1, ?, '{}', ?, ?)").run(attributes, now, now);
      const insert = old.sql.prepare("INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at, group_id, dedup_id) VALUES (1, ?, ?, ?, '000000000000', ?, ?, ?, ?)");
      const md5 = (text: string) => createHash("md5").update(text).digest("hex");
      for (const [i, body, group] of [[1, "a1", "a"], [2, "b1", "b"], [3, "a2", "a"]] as const) insert.run(`m${i}`, body, md5(body), now, now, group, `d${i}`);
      old.close();

      const cb = await startTestCloudbox({ dataDir });
      const sqs = new SQSClient(sdkConfig(cb));
      try {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${cb.endpoint}/000000000000/old.fifo`, MaxNumberOfMessages: 10 }));
        assert.deepEqual(Messages?.map((m) => m.Body), ["a1", "a2", "b1"], "groups in order of their oldest message, each group's messages together");
      } finally {
        sqs.destroy();
        await cb.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

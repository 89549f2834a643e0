import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand } from "@aws-sdk/client-sns";
import type { MessageAttributeValue } from "@aws-sdk/client-sns";
import { SQSClient, ReceiveMessageCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import type { Message } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { queueWithArn } from "../support/sqs-queue.js";

describe("SNS → SQS fan-out", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let sqs: SQSClient;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sns.destroy();
    sqs.destroy();
    await cb.stop();
  });

  const queue = (name: string, attributes: Record<string, string> = {}) => queueWithArn(sqs, name, attributes);

  /** Reads until `expected` messages arrived (or a short deadline passes), then checks nothing else is coming. */
  async function drain(url: string, expected: number): Promise<Message[]> {
    const out: Message[] = [];
    const deadline = Date.now() + 3000;
    while (out.length < expected && Date.now() < deadline) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"], AttributeNames: ["All"] }));
      out.push(...(res.Messages ?? []));
    }
    const extra = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    out.push(...(extra.Messages ?? []));
    return out;
  }

  it("three queues with different filter policies get exactly the matching messages", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "orders" }))).TopicArn!;
    const red = await queue("red-orders");
    const big = await queue("big-orders");
    const eu = await queue("eu-orders");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: red.arn, Attributes: { FilterPolicy: JSON.stringify({ color: ["red"] }) } }));
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: big.arn, Attributes: { FilterPolicy: JSON.stringify({ amount: [{ numeric: [">=", 100] }] }), RawMessageDelivery: "true" } }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: eu.arn,
        Attributes: { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ shipping: { region: [{ prefix: "eu-" }] } }) },
      }),
    );
    const messages: { id: string; color?: string; amount?: number; region: string }[] = [
      { id: "m1", color: "red", amount: 5, region: "us-east" },
      { id: "m2", color: "blue", amount: 150, region: "eu-west" },
      { id: "m3", color: "red", amount: 100, region: "eu-central" },
      { id: "m4", amount: 99, region: "ap-south" },
      { id: "m5", color: "green", region: "eu-north" },
    ];
    for (const m of messages) {
      const attributes: Record<string, MessageAttributeValue> = {};
      if (m.color) attributes["color"] = { DataType: "String", StringValue: m.color };
      if (m.amount !== undefined) attributes["amount"] = { DataType: "Number", StringValue: String(m.amount) };
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ id: m.id, shipping: { region: m.region } }), MessageAttributes: attributes }));
    }
    const redGot = await drain(red.url, 2);
    const bigGot = await drain(big.url, 2);
    const euGot = await drain(eu.url, 3);
    const ids = (list: Message[], raw: boolean) =>
      list.map((m) => (JSON.parse(raw ? m.Body! : (JSON.parse(m.Body!) as { Message: string }).Message) as { id: string }).id).sort();
    assert.deepEqual(ids(redGot, false), ["m1", "m3"]);
    assert.deepEqual(ids(bigGot, true), ["m2", "m3"]);
    assert.deepEqual(ids(euGot, false), ["m2", "m3", "m5"]);

    // Envelope delivery: the SNS JSON notification, attributes inside it.
    const envelope = JSON.parse(redGot[0]!.Body!) as Record<string, unknown>;
    assert.equal(envelope["Type"], "Notification");
    assert.equal(envelope["TopicArn"], topicArn);
    assert.equal(envelope["SignatureVersion"], "1");
    assert.ok(envelope["Signature"]);
    assert.ok(String(envelope["SigningCertURL"]).endsWith("/_cloudbox/sns/SimpleNotificationService.pem"));
    assert.ok(String(envelope["UnsubscribeURL"]).includes("Action=Unsubscribe"));
    assert.equal((envelope["MessageAttributes"] as Record<string, { Type: string }>)["color"]!.Type, "String");
    assert.equal(redGot[0]!.MessageAttributes, undefined);
    // Raw delivery: the bare message, with the SNS attributes as SQS message attributes.
    assert.equal(bigGot[0]!.MessageAttributes!["amount"]!.DataType, "Number");
  });

  it("PublishBatch fans out every entry and reports per-entry failures", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "batch" }))).TopicArn!;
    const q = await queue("batch-q");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
    const res = await sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: "a", Message: "one" },
          { Id: "b", Message: "two", Subject: "bad\nsubject" },
          { Id: "c", Message: "three" },
        ],
      }),
    );
    assert.deepEqual(res.Successful!.map((s) => s.Id), ["a", "c"]);
    assert.equal(res.Failed!.length, 1);
    assert.equal(res.Failed![0]!.Id, "b");
    assert.equal(res.Failed![0]!.Code, "InvalidParameter");
    assert.equal(res.Failed![0]!.SenderFault, true);
    const got = await drain(q.url, 2);
    assert.deepEqual(got.map((m) => m.Body).sort(), ["one", "three"]);
  });

  it("a FIFO topic delivers to a FIFO queue in order, deduplicating within five minutes", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "ledger.fifo", Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }))).TopicArn!;
    const q = await queue("ledger.fifo", { FifoQueue: "true" });
    const standard = await queue("ledger-audit");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: standard.arn }));
    const first = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "debit 1", MessageGroupId: "acct-1" }));
    assert.match(first.SequenceNumber!, /^\d{20}$/);
    const dup = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "debit 1", MessageGroupId: "acct-1" }));
    assert.equal(dup.MessageId, first.MessageId);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "credit 2", MessageGroupId: "acct-1", MessageDeduplicationId: "c2" }));
    const got = await drain(q.url, 2);
    assert.deepEqual(got.map((m) => m.Body), ["debit 1", "credit 2"]);
    assert.equal(got[0]!.Attributes!["MessageGroupId"], "acct-1");
    // A standard queue subscribed to the FIFO topic gets the envelopes too, with their sequence numbers.
    const audit = await drain(standard.url, 2);
    const envelopes = audit.map((m) => JSON.parse(m.Body!) as { Message: string; SequenceNumber: string });
    assert.deepEqual(envelopes.map((e) => e.Message).sort(), ["credit 2", "debit 1"]);
    assert.ok(envelopes.every((e) => /^\d{20}$/.test(e.SequenceNumber)));
  });

  it("an undeliverable message goes to the subscription's dead-letter queue; other subscribers still get it", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "with-dlq" }))).TopicArn!;
    const gone = await queue("gone-q");
    const ok = await queue("ok-q");
    const dlq = await queue("sns-dlq");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: gone.arn, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: ok.arn }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "orphan" }));
    const dead = await drain(dlq.url, 1);
    assert.equal(dead.length, 1);
    assert.equal((JSON.parse(dead[0]!.Body!) as { Message: string }).Message, "orphan");
    const fine = await drain(ok.url, 1);
    assert.equal(fine.length, 1);
    const { failures } = (await (await fetch(`${cb.endpoint}/_cloudbox/sns/delivery-failures`)).json()) as { failures: { endpoint: string; reason: string }[] };
    assert.ok(failures.some((f) => f.endpoint === gone.arn && /does not exist/i.test(f.reason)), JSON.stringify(failures));
  });
});

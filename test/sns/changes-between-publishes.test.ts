import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreateTopicCommand,
  SubscribeCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  UnsubscribeCommand,
  DeleteTopicCommand,
} from "@aws-sdk/client-sns";
import { SQSClient, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { queueWithArn } from "../support/sqs-queue.js";

/**
 * Publish reuses what it read of a topic and its subscriptions until something changes them:
 * every change between two publishes must show in the second one's deliveries.
 */
describe("SNS: changes between two publishes to the same topic", () => {
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

  /** The message text of a body: the envelope's Message, or the body itself when delivered raw. */
  const messageOf = (body: string): string => (body.startsWith("{") ? (JSON.parse(body) as { Message: string }).Message : body);

  /**
   * Receives until a message whose text is `last` arrives (deliveries of one topic go out in
   * publish order, so anything an earlier publish delivered is in by then) and returns the bodies.
   */
  async function until(url: string, last: string): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + 5000;
    while (!out.some((b) => messageOf(b) === last)) {
      assert.ok(Date.now() < deadline, `"${last}" never arrived; got ${JSON.stringify(out)}`);
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }));
      out.push(...(res.Messages ?? []).map((m) => m.Body!));
    }
    return out;
  }

  async function publish(topicArn: string, message: string, color?: string): Promise<void> {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageAttributes: color ? { color: { DataType: "String", StringValue: color } } : undefined }));
  }

  it("a filter policy, raw delivery, a new subscriber and an unsubscribe each apply from the next publish on", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "changing" }))).TopicArn!;
    const a = await queue("changing-a");
    const b = await queue("changing-b");
    const subA = (await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: a.arn, ReturnSubscriptionArn: true }))).SubscriptionArn!;

    await publish(topicArn, "first", "blue");
    assert.deepEqual((await until(a.url, "first")).map(messageOf), ["first"]);

    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subA, AttributeName: "FilterPolicy", AttributeValue: JSON.stringify({ color: ["red"] }) }));
    await publish(topicArn, "blue again", "blue");
    await publish(topicArn, "red", "red");
    assert.deepEqual((await until(a.url, "red")).map(messageOf), ["red"], "the new filter policy drops the blue message");

    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subA, AttributeName: "RawMessageDelivery", AttributeValue: "true" }));
    await publish(topicArn, "raw red", "red");
    assert.deepEqual(await until(a.url, "raw red"), ["raw red"], "raw delivery hands over the bare message");

    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: b.arn }));
    await publish(topicArn, "for both", "red");
    assert.deepEqual(await until(a.url, "for both"), ["for both"]);
    assert.deepEqual((await until(b.url, "for both")).map(messageOf), ["for both"], "a subscriber added after earlier publishes gets the next one");

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subA }));
    await publish(topicArn, "after unsubscribe", "red");
    assert.deepEqual((await until(b.url, "after unsubscribe")).map(messageOf), ["after unsubscribe"]);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: a.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    assert.equal(left.Messages, undefined, "an unsubscribed queue gets nothing more");
  });

  it("SignatureVersion set on the topic signs the next notification with SHA256", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "resigned" }))).TopicArn!;
    const q = await queue("resigned-q");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: q.arn }));
    await publish(topicArn, "v1");
    const [first] = await until(q.url, "v1");
    assert.equal((JSON.parse(first!) as { SignatureVersion: string }).SignatureVersion, "1");
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "SignatureVersion", AttributeValue: "2" }));
    await publish(topicArn, "v2");
    const [second] = await until(q.url, "v2");
    assert.equal((JSON.parse(second!) as { SignatureVersion: string }).SignatureVersion, "2");
  });

  it("a deleted topic, or one emptied by a reset, answers NotFound to the next publish", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "short-lived" }))).TopicArn!;
    await publish(topicArn, "while it exists");
    await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    await assert.rejects(publish(topicArn, "after delete"), (e: Error) => e.name === "NotFoundException");

    const again = (await sns.send(new CreateTopicCommand({ Name: "reset-away" }))).TopicArn!;
    await publish(again, "before reset");
    await cb.reset();
    await assert.rejects(publish(again, "after reset"), (e: Error) => e.name === "NotFoundException");
  });
});

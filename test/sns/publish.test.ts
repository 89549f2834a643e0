import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreateTopicCommand,
  PublishCommand,
  PublishBatchCommand,
  InvalidParameterException,
  InvalidParameterValueException,
  NotFoundException,
  EmptyBatchRequestException,
  TooManyEntriesInBatchRequestException,
  BatchEntryIdsNotDistinctException,
  InvalidBatchEntryIdException,
  BatchRequestTooLongException,
} from "@aws-sdk/client-sns";
import type { PublishInput } from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("SNS Publish validation and limits (SDK v3)", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let topicArn: string;
  let fifoArn: string;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "pub" }))).TopicArn!;
    fifoArn = (await sns.send(new CreateTopicCommand({ Name: "pub.fifo", Attributes: { FifoTopic: "true" } }))).TopicArn!;
  });
  after(async () => {
    sns.destroy();
    await cb.stop();
  });

  const fails = (input: PublishInput, type: new (...a: never[]) => Error, message: string) =>
    assert.rejects(sns.send(new PublishCommand(input)), (e: unknown) => {
      assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
      assert.equal(e.message, message);
      assert.equal((e as unknown as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode, type === NotFoundException ? 404 : 400);
      return true;
    });

  it("answers a MessageId for a valid publish", async () => {
    const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "hi", Subject: "s", MessageAttributes: { n: { DataType: "Number", StringValue: "1.5" }, b: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) } } }));
    assert.match(out.MessageId!, /^[0-9a-f-]{36}$/);
    assert.equal(out.SequenceNumber, undefined);
  });

  it("rejects bad messages, subjects and structures", async () => {
    await fails({ TopicArn: topicArn, Message: "" }, InvalidParameterException, "Invalid parameter: Empty message");
    await fails({ TopicArn: topicArn, Message: "x".repeat(262_145) }, InvalidParameterException, "Invalid parameter: Message too long");
    await fails({ TopicArn: topicArn, Message: "x", Subject: "two\nlines" }, InvalidParameterException, "Invalid parameter: Subject");
    await fails({ TopicArn: topicArn, Message: "x", Subject: "s".repeat(101) }, InvalidParameterException, "Invalid parameter: Subject");
    await fails({ TopicArn: topicArn, Message: "{not json", MessageStructure: "json" }, InvalidParameterException, "Invalid parameter: Message Structure - JSON message body failed to parse");
    await fails({ TopicArn: topicArn, Message: '{"sqs":"x"}', MessageStructure: "json" }, InvalidParameterException, "Invalid parameter: Message Structure - No default entry in JSON message body");
    await fails({ TopicArn: "arn:aws:sns:us-east-1:000000000000:nope", Message: "x" }, NotFoundException, "Topic does not exist");
    await fails({ Message: "x" }, InvalidParameterException, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
  });

  it("rejects bad message attributes with ParameterValueInvalid", async () => {
    await fails({ TopicArn: topicArn, Message: "x", MessageAttributes: { n: { DataType: "Number", StringValue: "abc" } } }, InvalidParameterValueException, "Could not cast message attribute 'n' value to number.");
    await fails(
      { TopicArn: topicArn, Message: "x", MessageAttributes: { t: { DataType: "Text", StringValue: "abc" } } },
      InvalidParameterValueException,
      "The message attribute 't' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    );
    await fails(
      { TopicArn: topicArn, Message: "x", MessageAttributes: { s: { DataType: "String", StringValue: "" } } },
      InvalidParameterValueException,
      "The message attribute 's' must contain non-empty message attribute value for message attribute type 'String'.",
    );
    await fails(
      { TopicArn: topicArn, Message: "x", MessageAttributes: { b: { DataType: "Binary", StringValue: "abc" } } },
      InvalidParameterValueException,
      "The message attribute 'b' with type 'Binary' must use field 'Binary'.",
    );
    await fails({ TopicArn: topicArn, Message: "x", MessageAttributes: { ".a": { DataType: "String", StringValue: "v" } } }, InvalidParameterValueException, "Invalid message attribute name starting with character '.' was found.");
    await fails({ TopicArn: topicArn, Message: "x", MessageAttributes: { "a..b": { DataType: "String", StringValue: "v" } } }, InvalidParameterValueException, "Message attribute name can not have successive '.' character.");
    await fails(
      { TopicArn: topicArn, Message: "x", MessageAttributes: { "a b": { DataType: "String", StringValue: "v" } } },
      InvalidParameterValueException,
      "Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
    );
  });

  it("enforces FIFO rules", async () => {
    await fails({ TopicArn: fifoArn, Message: "x", MessageDeduplicationId: "d" }, InvalidParameterException, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
    await fails({ TopicArn: fifoArn, Message: "x", MessageGroupId: "g" }, InvalidParameterException, "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    await fails(
      { TopicArn: topicArn, Message: "x", MessageDeduplicationId: "d" },
      InvalidParameterException,
      "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
    );
    const a = await sns.send(new PublishCommand({ TopicArn: fifoArn, Message: "x", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
    const b = await sns.send(new PublishCommand({ TopicArn: fifoArn, Message: "y", MessageGroupId: "g", MessageDeduplicationId: "d2" }));
    assert.ok(BigInt(b.SequenceNumber!) > BigInt(a.SequenceNumber!));
  });

  it("publishes an SMS straight to a phone number, captured for reading", async () => {
    const out = await sns.send(new PublishCommand({ PhoneNumber: "+15555550123", Message: "your code is 1234" }));
    const res = await fetch(`${cb.endpoint}/_cloudbox/sns/deliveries?protocol=sms&endpoint=%2B15555550123`);
    const { deliveries } = (await res.json()) as { deliveries: { messageId: string; message: string }[] };
    assert.deepEqual(deliveries.map((d) => [d.messageId, d.message]), [[out.MessageId, "your code is 1234"]]);
    await fails({ PhoneNumber: "12", Message: "x" }, InvalidParameterException, "Invalid parameter: PhoneNumber Reason: 12 is not valid to publish to");
  });

  it("PublishBatch request-level errors", async () => {
    const batch = (entries: { Id: string; Message: string }[]) => sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
    await assert.rejects(batch([]), EmptyBatchRequestException);
    await assert.rejects(batch(Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: "x" }))), TooManyEntriesInBatchRequestException);
    await assert.rejects(batch([{ Id: "a", Message: "x" }, { Id: "a", Message: "y" }]), BatchEntryIdsNotDistinctException);
    await assert.rejects(batch([{ Id: "bad id!", Message: "x" }]), InvalidBatchEntryIdException);
    await assert.rejects(batch([{ Id: "a", Message: "x".repeat(200_000) }, { Id: "b", Message: "x".repeat(100_000) }]), BatchRequestTooLongException);
    const fifo = await sns.send(
      new PublishBatchCommand({
        TopicArn: fifoArn,
        PublishBatchRequestEntries: [
          { Id: "a", Message: "x", MessageGroupId: "g", MessageDeduplicationId: "b1" },
          { Id: "b", Message: "y", MessageDeduplicationId: "b2" },
        ],
      }),
    );
    assert.equal(fifo.Successful!.length, 1);
    assert.ok(fifo.Successful![0]!.SequenceNumber);
    assert.equal(fifo.Failed![0]!.Message, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  });

  it("a topic in another region is not found", async () => {
    const other = new SNSClient(sdkConfig(cb, "eu-west-1"));
    await assert.rejects(other.send(new PublishCommand({ TopicArn: topicArn, Message: "x" })), NotFoundException);
    other.destroy();
  });
});

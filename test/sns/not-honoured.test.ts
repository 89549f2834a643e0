import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SNSClient, CreateTopicCommand, SetTopicAttributesCommand, GetTopicAttributesCommand, PutDataProtectionPolicyCommand, SubscribeCommand, SetSubscriptionAttributesCommand } from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { boto3, failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";

// Attributes whose effect cloudbox does not emulate are refused (501 NotImplemented naming them), not stored and ignored.
describe("SNS refuses what it does not honour", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let topicArn: string;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "plain" }))).TopicArn!;
  });
  after(async () => {
    sns.destroy();
    await cb.stop();
  });

  async function notImplemented(call: Promise<unknown>, names: RegExp) {
    const error = await failure(call);
    assert.equal(error.name, "NotImplemented", error.message);
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, names);
  }

  it("delivery status logging, X-Ray tracing and message archiving on a topic", async () => {
    await notImplemented(sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "SQSSuccessFeedbackRoleArn", AttributeValue: "arn:aws:iam::000000000000:role/logs" })), /SQSSuccessFeedbackRoleArn/);
    await notImplemented(sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "TracingConfig", AttributeValue: "Active" })), /TracingConfig Active/);
    await notImplemented(sns.send(new CreateTopicCommand({ Name: "archived.fifo", Attributes: { FifoTopic: "true", ArchivePolicy: '{"MessageRetentionPeriod":"30"}' } })), /ArchivePolicy/);
    // What has no effect to emulate is still accepted.
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "TracingConfig", AttributeValue: "PassThrough" }));
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    assert.equal(Attributes?.["TracingConfig"], "PassThrough");
    assert.equal(Attributes?.["SQSSuccessFeedbackRoleArn"], undefined);
  });

  it("data protection statements (an empty policy is accepted)", async () => {
    const policy = { Name: "p", Version: "2021-06-01", Statement: [{ Sid: "deny-emails", DataDirection: "Inbound", Principal: ["*"], DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], Operation: { Deny: {} } }] };
    await notImplemented(sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: topicArn, DataProtectionPolicy: JSON.stringify(policy) })), /DataProtectionPolicy statements/);
  });

  it("a subscription's ReplayPolicy", async () => {
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "+15555550101" }));
    await notImplemented(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: '{"PointType":"Timestamp","StartingPoint":"2026-01-01T00:00:00Z"}' })), /ReplayPolicy/);
  });

  it("boto3 sees the same refusal", async () => {
    const out = await boto3(cb, `
import boto3, json, botocore
try:
    boto3.client("sns").set_topic_attributes(TopicArn=${JSON.stringify(topicArn)}, AttributeName="TracingConfig", AttributeValue="Active")
    print(json.dumps("succeeded"))
except botocore.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`);
    assert.deepEqual(out, ["NotImplemented", 501]);
  });
});

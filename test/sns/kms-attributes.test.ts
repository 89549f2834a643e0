import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateTopicCommand, GetTopicAttributesCommand, ListTopicsCommand, SetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { awsCli, failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";

// There is no KMS in cloudbox: a topic's KMS key would be echoed back while messages are kept as
// they came, so it is refused (501) instead of stored.
describe("SNS refuses the topic attribute KmsMasterKeyId", () => {
  let cb: Cloudbox;
  let sns: SNSClient;

  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
  });
  after(async () => {
    sns.destroy();
    await cb.stop();
  });

  it("CreateTopic with a KMS key is 501 NotImplemented naming it, and no topic is made", async () => {
    const error = await failure(sns.send(new CreateTopicCommand({ Name: "kms-refused", Attributes: { KmsMasterKeyId: "alias/aws/sns" } })));
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /topic attribute KmsMasterKeyId/);
    const { Topics } = await sns.send(new ListTopicsCommand({}));
    assert.ok(!Topics?.some((t) => t.TopicArn?.endsWith(":kms-refused")));
  });

  it("SetTopicAttributes with a KMS key is refused and the topic shows none; an empty key (none) is accepted", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "kms-set" }));
    const error = await failure(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "alias/aws/sns" })));
    assert.equal(error.name, "NotImplemented");
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.KmsMasterKeyId, undefined);
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "" }));
  });

  it("AWS CLI: create-topic with a KMS key fails with NotImplemented", async () => {
    const result = await awsCli(cb, ["sns", "create-topic", "--name", "kms-cli", "--attributes", "KmsMasterKeyId=alias/aws/sns"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /NotImplemented/);
  });
});

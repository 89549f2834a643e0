import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreateTopicCommand,
  DeleteTopicCommand,
  ListTopicsCommand,
  GetTopicAttributesCommand,
  SetTopicAttributesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  GetDataProtectionPolicyCommand,
  AddPermissionCommand,
  RemovePermissionCommand,
  GetSMSAttributesCommand,
  SetSMSAttributesCommand,
  CheckIfPhoneNumberIsOptedOutCommand,
  ListPhoneNumbersOptedOutCommand,
  OptInPhoneNumberCommand,
  GetSMSSandboxAccountStatusCommand,
  PutDataProtectionPolicyCommand,
  NotFoundException,
  InvalidParameterException,
  ResourceNotFoundException,
  TagLimitExceededException,
  paginateListTopics,
} from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, message?: string | RegExp, status?: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    if (status !== undefined) assert.equal((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, status);
    return true;
  });
}

describe("SNS topics (SDK v3)", () => {
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

  it("CreateTopic is idempotent and refuses a conflicting repeat", async () => {
    const a = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" }, Tags: [{ Key: "team", Value: "a" }] }));
    assert.equal(a.TopicArn, "arn:aws:sns:us-east-1:000000000000:orders");
    const b = await sns.send(new CreateTopicCommand({ Name: "orders" }));
    assert.equal(b.TopicArn, a.TopicArn);
    const c = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" } }));
    assert.equal(c.TopicArn, a.TopicArn);
    await rejectsWith(
      sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Other" } })),
      InvalidParameterException,
      "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
      400,
    );
    await rejectsWith(sns.send(new CreateTopicCommand({ Name: "orders", Tags: [{ Key: "team", Value: "b" }] })), InvalidParameterException, "Invalid parameter: Tags Reason: Topic already exists with different tags");
  });

  it("validates topic names, FIFO names and attributes", async () => {
    await rejectsWith(sns.send(new CreateTopicCommand({ Name: "bad name" })), InvalidParameterException, "Invalid parameter: Topic Name");
    await rejectsWith(sns.send(new CreateTopicCommand({ Name: "x".repeat(257) })), InvalidParameterException, "Invalid parameter: Topic Name");
    await rejectsWith(sns.send(new CreateTopicCommand({ Name: "nofifo", Attributes: { FifoTopic: "true" } })), InvalidParameterException, /Fifo Topic names must end with \.fifo/);
    await rejectsWith(sns.send(new CreateTopicCommand({ Name: "std", Attributes: { ContentBasedDeduplication: "true" } })), InvalidParameterException, /ContentBasedDeduplication/);
  });

  it("creates FIFO topics with their attributes", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "jobs.fifo", Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    assert.equal(attrs["FifoTopic"], "true");
    assert.equal(attrs["ContentBasedDeduplication"], "true");
    assert.equal(attrs["TopicArn"], TopicArn);
  });

  it("Get/SetTopicAttributes", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "attrs" }));
    let attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    assert.equal(attrs["Owner"], "000000000000");
    assert.equal(attrs["SubscriptionsConfirmed"], "0");
    assert.equal(attrs["SubscriptionsPending"], "0");
    assert.equal(attrs["DisplayName"], "");
    assert.equal(JSON.parse(attrs["Policy"]!).Statement[0].Resource, TopicArn);
    assert.ok(JSON.parse(attrs["EffectiveDeliveryPolicy"]!).http.defaultHealthyRetryPolicy);
    assert.equal(attrs["FifoTopic"], undefined);
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "DisplayName", AttributeValue: "Shown" }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "SignatureVersion", AttributeValue: "2" }));
    attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    assert.equal(attrs["DisplayName"], "Shown");
    assert.equal(attrs["SignatureVersion"], "2");
    await rejectsWith(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Bogus", AttributeValue: "1" })), InvalidParameterException, "Invalid parameter: AttributeName");
    await rejectsWith(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "SignatureVersion", AttributeValue: "3" })), InvalidParameterException);
    await rejectsWith(
      sns.send(new GetTopicAttributesCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:missing" })),
      NotFoundException,
      "Topic does not exist",
      404,
    );
  });

  it("data protection policy round-trips", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "dpp" }));
    const policy = JSON.stringify({ Name: "p", Version: "2021-06-01", Statement: [] });
    await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: TopicArn, DataProtectionPolicy: policy }));
    assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: TopicArn }))).DataProtectionPolicy, policy);
  });

  it("AddPermission / RemovePermission edit the topic policy", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "shared" }));
    await sns.send(new AddPermissionCommand({ TopicArn, Label: "partner", AWSAccountId: ["111122223333"], ActionName: ["Publish", "Subscribe"] }));
    let policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!["Policy"]!) as { Statement: { Sid: string; Principal: { AWS: string }; Action: string[] }[] };
    const added = policy.Statement.find((s) => s.Sid === "partner")!;
    assert.equal(added.Principal.AWS, "arn:aws:iam::111122223333:root");
    assert.deepEqual(added.Action, ["SNS:Publish", "SNS:Subscribe"]);
    assert.ok(policy.Statement.some((s) => s.Sid === "__default_statement_ID"));
    await rejectsWith(sns.send(new AddPermissionCommand({ TopicArn, Label: "partner", AWSAccountId: ["111122223333"], ActionName: ["Publish"] })), InvalidParameterException, "Invalid parameter: Statement already exists");
    await rejectsWith(sns.send(new AddPermissionCommand({ TopicArn, Label: "x", AWSAccountId: ["111122223333"], ActionName: ["Fly"] })), InvalidParameterException, "Invalid parameter: Policy statement action out of service scope!");
    await sns.send(new RemovePermissionCommand({ TopicArn, Label: "partner" }));
    policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!["Policy"]!);
    assert.ok(!policy.Statement.some((s) => s.Sid === "partner"));
  });

  it("SMS settings: attributes, opt-out checks", async () => {
    await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Transactional", DefaultSenderID: "cloudbox" } }));
    assert.deepEqual((await sns.send(new GetSMSAttributesCommand({}))).attributes, { DefaultSMSType: "Transactional", DefaultSenderID: "cloudbox" });
    assert.deepEqual((await sns.send(new GetSMSAttributesCommand({ attributes: ["DefaultSMSType"] }))).attributes, { DefaultSMSType: "Transactional" });
    await rejectsWith(sns.send(new SetSMSAttributesCommand({ attributes: { Bogus: "1" } })), InvalidParameterException, "Bogus is not a valid attribute");
    assert.equal((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "+15555550100" }))).isOptedOut, false);
    assert.deepEqual((await sns.send(new ListPhoneNumbersOptedOutCommand({}))).phoneNumbers, []);
    await sns.send(new OptInPhoneNumberCommand({ phoneNumber: "+15555550100" }));
    assert.equal((await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox, false);
  });

  it("tags: TagResource, UntagResource, ListTagsForResource and the quota", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "tagged", Tags: [{ Key: "a", Value: "1" }] }));
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "b", Value: "2" }, { Key: "a", Value: "3" }] }));
    let tags = (await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags;
    assert.deepEqual(tags, [{ Key: "a", Value: "3" }, { Key: "b", Value: "2" }]);
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ["a"] }));
    tags = (await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags;
    assert.deepEqual(tags, [{ Key: "b", Value: "2" }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await rejectsWith(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })), TagLimitExceededException);
    await rejectsWith(sns.send(new ListTagsForResourceCommand({ ResourceArn: "arn:aws:sns:us-east-1:000000000000:nope" })), ResourceNotFoundException, "Resource does not exist", 404);
  });

  it("ListTopics pages 100 at a time and DeleteTopic removes topics", async () => {
    const region = new SNSClient(sdkConfig(cb, "eu-west-2"));
    for (let i = 0; i < 205; i++) await region.send(new CreateTopicCommand({ Name: `t-${String(i).padStart(3, "0")}` }));
    const first = await region.send(new ListTopicsCommand({}));
    assert.equal(first.Topics!.length, 100);
    assert.ok(first.NextToken);
    const all: string[] = [];
    for await (const page of paginateListTopics({ client: region }, {})) all.push(...page.Topics!.map((t) => t.TopicArn!));
    assert.equal(all.length, 205);
    assert.equal(new Set(all).size, 205);
    assert.ok(all.every((arn) => arn.startsWith("arn:aws:sns:eu-west-2:")));
    await region.send(new DeleteTopicCommand({ TopicArn: all[0] }));
    await region.send(new DeleteTopicCommand({ TopicArn: all[0] }));
    const after = (await region.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn);
    assert.ok(!after.includes(all[0]));
    // Isolation: the default region sees none of these.
    const home = (await sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn!);
    assert.ok(home.every((arn) => arn.includes(":us-east-1:")));
    region.destroy();
  });
});

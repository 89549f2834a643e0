import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient, CreateTopicCommand, PublishCommand, PublishBatchCommand, SubscribeCommand, GetTopicAttributesCommand, SetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand, AddPermissionCommand, RemovePermissionCommand, DeleteTopicCommand, TagResourceCommand, ListTagsForResourceCommand,
  GetSubscriptionAttributesCommand, UnsubscribeCommand, ListTopicsCommand, CreatePlatformApplicationCommand, CreatePlatformEndpointCommand,
  DeleteEndpointCommand, GetEndpointAttributesCommand, ConfirmSubscriptionCommand,
} from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, run, startTestCloudbox } from "../support/fixture.js";
import { A, B, C, asAccount, pythonAs, queryAs } from "./accounts.js";

describe("SNS: another account's topic is reachable only through its policy", () => {
  let cb: Cloudbox;
  let a: SNSClient;
  let b: SNSClient;
  let c: SNSClient;
  let topicArn: string;

  before(async () => {
    cb = await startTestCloudbox();
    a = new SNSClient(asAccount(cb, A));
    b = new SNSClient(asAccount(cb, B));
    c = new SNSClient(asAccount(cb, C));
    topicArn = (await a.send(new CreateTopicCommand({ Name: "events" }))).TopicArn!;
  });
  after(async () => {
    a.destroy();
    b.destroy();
    c.destroy();
    await cb.stop();
  });

  async function assertDenied(call: Promise<unknown>, action: string, explicit = false) {
    const error = await failure(call);
    assert.equal(error.name, "AuthorizationErrorException", error.message);
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.match(error.message, new RegExp(`is not authorized to perform: SNS:${action} on resource: ${topicArn}`));
    assert.match(error.message, explicit ? /explicit deny/ : /no resource-based policy allows/);
  }

  function everyOperation(client: SNSClient): Array<[string, () => Promise<unknown>]> {
    return [
      ["Publish", () => client.send(new PublishCommand({ TopicArn: topicArn, Message: "x" }))],
      ["Publish", () => client.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "x" }] }))],
      ["Subscribe", () => client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: "x@example.com" }))],
      ["GetTopicAttributes", () => client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))],
      ["SetTopicAttributes", () => client.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "DisplayName", AttributeValue: "mine" }))],
      ["ListSubscriptionsByTopic", () => client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))],
      ["AddPermission", () => client.send(new AddPermissionCommand({ TopicArn: topicArn, Label: "mine", AWSAccountId: [B], ActionName: ["Publish"] }))],
      ["RemovePermission", () => client.send(new RemovePermissionCommand({ TopicArn: topicArn, Label: "mine" }))],
      ["DeleteTopic", () => client.send(new DeleteTopicCommand({ TopicArn: topicArn }))],
      ["TagResource", () => client.send(new TagResourceCommand({ ResourceArn: topicArn, Tags: [{ Key: "k", Value: "v" }] }))],
      ["ListTagsForResource", () => client.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))],
    ];
  }

  it("refuses every operation of another account by default with AuthorizationError 403", async () => {
    for (const client of [b, c]) for (const [action, call] of everyOperation(client)) await assertDenied(call(), action);
    const { Attributes } = await a.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    assert.equal(Attributes?.["DisplayName"], "");
    assert.equal(Attributes?.["SubscriptionsPending"], "0");
    assert.deepEqual((await a.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn), [topicArn]);
  });

  it("answers in the query protocol's XML with Code AuthorizationError", async () => {
    const answer = await queryAs(cb, B, "sns", { Action: "Publish", TopicArn: topicArn, Message: "x" }, "2010-03-31");
    assert.equal(answer.status, 403);
    assert.match(answer.text, /<Code>AuthorizationError<\/Code>/);
  });

  it("another account's topic that does not exist is refused the same way; its owner hears NotFound", async () => {
    const missing = topicArn.replace(/events$/, "no-such-topic");
    assert.equal((await failure(b.send(new PublishCommand({ TopicArn: missing, Message: "x" })))).name, "AuthorizationErrorException");
    assert.equal((await failure(a.send(new PublishCommand({ TopicArn: missing, Message: "x" })))).name, "NotFoundException");
  });

  it("AddPermission grants one account one action; an explicit deny in the topic policy takes it back", async () => {
    await a.send(new AddPermissionCommand({ TopicArn: topicArn, Label: "b-publishes", AWSAccountId: [B], ActionName: ["Publish"] }));
    assert.ok((await b.send(new PublishCommand({ TopicArn: topicArn, Message: "from b" }))).MessageId);
    const batch = await b.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "from b" }] }));
    assert.equal(batch.Successful?.length, 1);
    await assertDenied(b.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: "b@example.com" })), "Subscribe");
    await assertDenied(c.send(new PublishCommand({ TopicArn: topicArn, Message: "from c" })), "Publish");

    const policy = JSON.parse((await a.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!["Policy"]!) as { Statement: unknown[] };
    policy.Statement.push({ Sid: "no-b", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "SNS:Publish", Resource: topicArn });
    await a.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "Policy", AttributeValue: JSON.stringify(policy) }));
    await assertDenied(b.send(new PublishCommand({ TopicArn: topicArn, Message: "again" })), "Publish", true);
    // The owner still publishes: the deny names B only.
    assert.ok((await a.send(new PublishCommand({ TopicArn: topicArn, Message: "owner" }))).MessageId);

    await a.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "Policy", AttributeValue: "" }));
    await assertDenied(b.send(new PublishCommand({ TopicArn: topicArn, Message: "again" })), "Publish");
  });

  it("a subscriber of another account manages its own subscription; a third account cannot touch it", async () => {
    await a.send(new AddPermissionCommand({ TopicArn: topicArn, Label: "b-subscribes", AWSAccountId: [B], ActionName: ["Subscribe"] }));
    const { SubscriptionArn } = await b.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "+15555550100" }));
    const mine = await b.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(mine.Attributes?.["Owner"], B);
    // The topic owner sees it too.
    assert.equal((await a.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes?.["Owner"], B);
    for (const call of [() => c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), () => c.send(new UnsubscribeCommand({ SubscriptionArn }))]) {
      const error = await failure(call());
      assert.equal(error.name, "AuthorizationErrorException");
      assert.equal(error.$metadata.httpStatusCode, 403);
    }
    await b.send(new UnsubscribeCommand({ SubscriptionArn }));
    await a.send(new RemovePermissionCommand({ TopicArn: topicArn, Label: "b-subscribes" }));
  });

  it("another account cannot delete a platform endpoint", async () => {
    const { PlatformApplicationArn } = await a.send(new CreatePlatformApplicationCommand({ Name: "app", Platform: "GCM", Attributes: { PlatformCredential: "k" } }));
    const { EndpointArn } = await a.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1" }));
    await b.send(new DeleteEndpointCommand({ EndpointArn }));
    assert.equal((await a.send(new GetEndpointAttributesCommand({ EndpointArn }))).Attributes?.["Token"], "device-1");
  });

  it("a topic Policy that is not valid policy language is refused", async () => {
    const error = await failure(a.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "Policy", AttributeValue: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "SNS:Publish" }] }) })));
    assert.equal(error.name, "InvalidParameterException");
    assert.match(error.message, /Policy Error: Missing required field Principal/);
  });

  it("boto3 and the AWS CLI see AuthorizationError", async () => {
    const script = `
import boto3, json, botocore
try:
    boto3.client("sns").publish(TopicArn=${JSON.stringify(topicArn)}, Message="x")
    print(json.dumps("succeeded"))
except botocore.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`;
    const result = await run("python3", ["-"], pythonAs(cb, C), script);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop()!), ["AuthorizationError", 403]);
    const cli = await run("aws", ["--endpoint-url", cb.endpoint, "sns", "get-topic-attributes", "--topic-arn", topicArn], pythonAs(cb, B));
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /\(AuthorizationError\).*SNS:GetTopicAttributes/);
  });
});

describe("SNS → SQS across accounts: the queue's policy decides", () => {
  let cb: Cloudbox;
  let snsA: SNSClient;
  let snsB: SNSClient;
  let sqsB: SQSClient;
  let topicArn: string;
  let queueUrl: string;
  let queueArn: string;

  before(async () => {
    cb = await startTestCloudbox();
    snsA = new SNSClient(asAccount(cb, A));
    snsB = new SNSClient(asAccount(cb, B));
    sqsB = new SQSClient(asAccount(cb, B));
    topicArn = (await snsA.send(new CreateTopicCommand({ Name: "fan-out" }))).TopicArn!;
    queueUrl = (await sqsB.send(new CreateQueueCommand({ QueueName: "inbox" }))).QueueUrl!;
    queueArn = (await sqsB.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  });
  after(async () => {
    snsA.destroy();
    snsB.destroy();
    sqsB.destroy();
    await cb.stop();
  });

  async function receive(url = queueUrl): Promise<string[]> {
    const { Messages } = await sqsB.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
    for (const m of Messages ?? []) await sqsB.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    return (Messages ?? []).map((m) => m.Body!);
  }

  /** Publishes `body` and reports what the queue received within a short wait. */
  async function publishAndReceive(body: string, url = queueUrl): Promise<string[]> {
    await snsA.send(new PublishCommand({ TopicArn: topicArn, Message: body }));
    return receive(url);
  }

  async function failuresFor(reason: RegExp, endpoint = queueArn): Promise<number> {
    const { failures } = (await (await fetch(`${cb.endpoint}/_cloudbox/sns/delivery-failures`)).json()) as { failures: { endpoint: string; reason: string }[] };
    return failures.filter((f) => f.endpoint === endpoint && reason.test(f.reason)).length;
  }

  const setPolicy = (...statements: Record<string, unknown>[]) =>
    sqsB.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } }));
  /** AWS's documented statement for SNS fan-out: the SNS service, sending for this topic only. */
  const allowTopic = () => ({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": topicArn } } });

  const subscribe = () => snsA.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" }, ReturnSubscriptionArn: true }));

  it("the topic owner subscribing another account's queue waits for the queue owner; without a queue policy the confirmation is refused", async () => {
    await subscribe();
    const { Subscriptions } = await snsA.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.deepEqual(Subscriptions?.map((s) => s.SubscriptionArn), ["PendingConfirmation"]);
    assert.deepEqual(await receive(), []);
    assert.equal(await failuresFor(/Access to the resource .* is denied/), 1);
    // A pending subscription gets nothing either.
    assert.deepEqual(await publishAndReceive("while pending"), []);
  });

  it("with a policy for sns.amazonaws.com and aws:SourceArn = the topic, the confirmation arrives, the queue owner confirms and messages flow", async () => {
    await setPolicy(allowTopic());
    await subscribe();
    const [confirmation] = await receive();
    const envelope = JSON.parse(confirmation!) as { Type: string; TopicArn: string; Token: string };
    assert.equal(envelope.Type, "SubscriptionConfirmation");
    assert.equal(envelope.TopicArn, topicArn);
    await snsB.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: envelope.Token }));
    assert.deepEqual(await publishAndReceive("with policy"), ["with policy"]);
  });

  it("a policy naming another topic refuses the delivery and records it", async () => {
    const before = await failuresFor(/denied/);
    await setPolicy({ ...allowTopic(), Condition: { ArnEquals: { "aws:SourceArn": topicArn.replace(A, C) } } });
    assert.deepEqual(await publishAndReceive("wrong topic"), []);
    assert.equal(await failuresFor(/denied/), before + 1);
  });

  it("a policy allowing the topic owner's account lets it deliver", async () => {
    await setPolicy({ Effect: "Allow", Principal: { AWS: A }, Action: "sqs:SendMessage", Resource: queueArn });
    assert.deepEqual(await publishAndReceive("owner account"), ["owner account"]);
  });

  it("an explicit deny stops delivery again", async () => {
    await setPolicy(
      { Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn },
      { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": topicArn } } },
    );
    const before = await failuresFor(/denied/);
    assert.deepEqual(await publishAndReceive("denied"), []);
    assert.equal(await failuresFor(/denied/), before + 1);
  });

  it("the queue owner subscribing its own queue to another account's topic needs no confirmation, but still the queue policy", async () => {
    await snsA.send(new AddPermissionCommand({ TopicArn: topicArn, Label: "b-subscribes", AWSAccountId: [B], ActionName: ["Subscribe"] }));
    const { QueueUrl: ownUrl } = await sqsB.send(new CreateQueueCommand({ QueueName: "own-inbox" }));
    const ownArn = (await sqsB.send(new GetQueueAttributesCommand({ QueueUrl: ownUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const { SubscriptionArn } = await snsB.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: ownArn, Attributes: { RawMessageDelivery: "true" } }));
    assert.match(SubscriptionArn!, new RegExp(`^${topicArn}:`));
    assert.deepEqual(await publishAndReceive("no policy yet", ownUrl!), []);
    await sqsB.send(new SetQueueAttributesCommand({ QueueUrl: ownUrl, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ ...allowTopic(), Resource: ownArn }] }) } }));
    assert.deepEqual(await publishAndReceive("own subscription", ownUrl!), ["own subscription"]);
  });
});

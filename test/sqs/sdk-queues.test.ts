import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, DeleteQueueCommand, PurgeQueueCommand,
  GetQueueAttributesCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand,
  AddPermissionCommand, RemovePermissionCommand, ListDeadLetterSourceQueuesCommand, SendMessageCommand,
  ReceiveMessageCommand, QueueDoesNotExist, QueueNameExists, PurgeQueueInProgress, InvalidAttributeName,
} from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

/** Asserts a rejected SDK call's modelled name, query-compatible Code and HTTP status. */
async function rejectsWith(promise: Promise<unknown>, name: string, code: string, status = 400): Promise<Error & { Code?: string }> {
  let caught: (Error & { Code?: string; $metadata?: { httpStatusCode?: number } }) | undefined;
  await assert.rejects(promise, (error: Error & { Code?: string; $metadata?: { httpStatusCode?: number } }) => {
    caught = error;
    return true;
  });
  assert.equal(caught!.name, name, caught!.message);
  assert.equal(caught!.Code, code);
  assert.equal(caught!.$metadata?.httpStatusCode, status);
  return caught!;
}

describe("SQS queues through SDK v3 (JSON protocol)", () => {
  let cb: Cloudbox;
  let sqs: SQSClient;
  before(async () => {
    cb = await startTestCloudbox();
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    sqs.destroy();
    await cb.stop();
  });

  it("CreateQueue answers a QueueUrl on the host and port the request came to, and is idempotent", async () => {
    const first = await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "45" } }));
    assert.equal(first.QueueUrl, `${cb.endpoint}/000000000000/orders`);
    const again = await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "45" } }));
    assert.equal(again.QueueUrl, first.QueueUrl);
    const noAttributes = await sqs.send(new CreateQueueCommand({ QueueName: "orders" }));
    assert.equal(noAttributes.QueueUrl, first.QueueUrl);
    const error = await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "10" } })), "QueueNameExists", "QueueAlreadyExists");
    assert.ok(error instanceof QueueNameExists);
    assert.match(error.message, /VisibilityTimeout/);
  });

  it("CreateQueue enforces name rules and FIFO naming", async () => {
    for (const bad of ["", "has space", "x".repeat(81), "dot.ted"]) {
      await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: bad })), "InvalidParameterValue", "InvalidParameterValue");
    }
    await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "plain", Attributes: { FifoQueue: "true" } })), "InvalidParameterValue", "InvalidParameterValue");
    await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "nofifoattr.fifo" })), "InvalidParameterValue", "InvalidParameterValue");
    const fifo = await sqs.send(new CreateQueueCommand({ QueueName: "jobs.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }));
    assert.match(fifo.QueueUrl!, /\/000000000000\/jobs\.fifo$/);
    await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "std", Attributes: { ContentBasedDeduplication: "true" } })), "InvalidAttributeName", "InvalidAttributeName");
    await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "std", Attributes: { VisibilityTimeout: "43201" } })), "InvalidAttributeValue", "InvalidAttributeValue");
  });

  it("GetQueueUrl finds a queue and answers NonExistentQueue for a missing one", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "lookup" }));
    const found = await sqs.send(new GetQueueUrlCommand({ QueueName: "lookup" }));
    assert.equal(found.QueueUrl, `${cb.endpoint}/000000000000/lookup`);
    const error = await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue");
    assert.ok(error instanceof QueueDoesNotExist);
  });

  it("accepts a QueueUrl with any host, as long as the path names the queue", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "anyhost" }));
    // An explicit endpoint wins over the QueueUrl's host, so the request still reaches cloudbox.
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: "https://sqs.us-east-1.amazonaws.com/000000000000/anyhost", MessageBody: "x" }));
    assert.ok(sent.MessageId);
  });

  it("ListQueues filters by prefix and pages with MaxResults and NextToken", async () => {
    for (const name of ["page-a", "page-b", "page-c", "page-d", "page-e"]) await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "page-" }));
    assert.deepEqual(all.QueueUrls?.map((u) => u.split("/").pop()), ["page-a", "page-b", "page-c", "page-d", "page-e"]);
    assert.equal(all.NextToken, undefined);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "page-", MaxResults: 2, NextToken: token }));
      assert.ok((page.QueueUrls?.length ?? 0) <= 2);
      seen.push(...(page.QueueUrls ?? []).map((u) => u.split("/").pop()!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, ["page-a", "page-b", "page-c", "page-d", "page-e"]);
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "zzz" }));
    assert.deepEqual(none.QueueUrls ?? [], []);
  });

  it("queues are isolated per region", async () => {
    const west = new SQSClient(sdkConfig(cb, "eu-west-1"));
    await west.send(new CreateQueueCommand({ QueueName: "regional" }));
    await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: "regional" })), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue");
    const attrs = await west.send(new GetQueueAttributesCommand({ QueueUrl: `${cb.endpoint}/000000000000/regional`, AttributeNames: ["QueueArn"] }));
    assert.equal(attrs.Attributes?.QueueArn, "arn:aws:sqs:eu-west-1:000000000000:regional");
    west.destroy();
  });

  it("GetQueueAttributes answers every attribute with counts derived from the messages", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "counted", Attributes: { DelaySeconds: "0" } }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "one" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "two" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "later", DelaySeconds: 600 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.equal(Attributes?.ApproximateNumberOfMessages, "1");
    assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, "1");
    assert.equal(Attributes?.ApproximateNumberOfMessagesDelayed, "1");
    assert.equal(Attributes?.QueueArn, "arn:aws:sqs:us-east-1:000000000000:counted");
    assert.equal(Attributes?.VisibilityTimeout, "30");
    assert.equal(Attributes?.MaximumMessageSize, "1048576");
    assert.equal(Attributes?.MessageRetentionPeriod, "345600");
    assert.equal(Attributes?.ReceiveMessageWaitTimeSeconds, "0");
    assert.equal(Attributes?.SqsManagedSseEnabled, "true");
    assert.ok(Math.abs(Number(Attributes?.CreatedTimestamp) - Date.now() / 1000) < 60);
    const some = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["VisibilityTimeout", "QueueArn"] }));
    assert.deepEqual(Object.keys(some.Attributes ?? {}).sort(), ["QueueArn", "VisibilityTimeout"]);
    const error = await rejectsWith(sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Bogus" as "All"] })), "InvalidAttributeName", "InvalidAttributeName");
    assert.ok(error instanceof InvalidAttributeName);
  });

  it("SetQueueAttributes changes settable attributes and rejects bad ones", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "settable" }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "5", MaximumMessageSize: "2048", Policy: '{"Version":"2012-10-17","Statement":[]}' } }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["VisibilityTimeout", "MaximumMessageSize", "Policy"] }));
    assert.deepEqual(Attributes, { VisibilityTimeout: "5", MaximumMessageSize: "2048", Policy: '{"Version":"2012-10-17","Statement":[]}' });
    await rejectsWith(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: "901" } })), "InvalidAttributeValue", "InvalidAttributeValue");
    await rejectsWith(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { FifoQueue: "true" } })), "InvalidAttributeName", "InvalidAttributeName");
    await rejectsWith(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nowhere","maxReceiveCount":3}' } })), "InvalidParameterValue", "InvalidParameterValue");
  });

  it("tags: TagQueue, UntagQueue, ListQueueTags, and tags given at creation", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "tagged", tags: { team: "a" } }));
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: "test", cost: "1" } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ["cost"] }));
    const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
    assert.deepEqual(Tags, { team: "a", env: "test" });
  });

  it("AddPermission and RemovePermission edit the queue policy", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "shared" }));
    await sqs.send(new AddPermissionCommand({ QueueUrl, Label: "let-b-send", AWSAccountIds: ["111122223333"], Actions: ["SendMessage"] }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }));
    const policy = JSON.parse(Attributes!.Policy!) as { Statement: { Sid: string; Action: string[]; Principal: { AWS: string } }[] };
    assert.equal(policy.Statement[0]?.Sid, "let-b-send");
    assert.deepEqual(policy.Statement[0]?.Action, ["SQS:SendMessage"]);
    assert.equal(policy.Statement[0]?.Principal.AWS, "arn:aws:iam::111122223333:root");
    await rejectsWith(sqs.send(new AddPermissionCommand({ QueueUrl, Label: "let-b-send", AWSAccountIds: ["111122223333"], Actions: ["SendMessage"] })), "InvalidParameterValue", "InvalidParameterValue");
    await sqs.send(new RemovePermissionCommand({ QueueUrl, Label: "let-b-send" }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }));
    assert.equal(after.Attributes?.Policy, undefined);
    await rejectsWith(sqs.send(new RemovePermissionCommand({ QueueUrl, Label: "let-b-send" })), "InvalidParameterValue", "InvalidParameterValue");
  });

  it("PurgeQueue empties the queue and allows one purge per 60 seconds", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "purged" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "gone" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(received.Messages, undefined);
    const error = await rejectsWith(sqs.send(new PurgeQueueCommand({ QueueUrl })), "PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403);
    assert.ok(error instanceof PurgeQueueInProgress);
  });

  it("DeleteQueue removes the queue and its messages", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "doomed" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: "doomed" })), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue");
    await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue");
    const again = await sqs.send(new CreateQueueCommand({ QueueName: "doomed" }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: again.QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(Attributes?.ApproximateNumberOfMessages, "0");
  });

  it("ListDeadLetterSourceQueues lists the queues whose RedrivePolicy targets the queue", async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "dead" }));
    const arn = "arn:aws:sqs:us-east-1:000000000000:dead";
    for (const name of ["src-1", "src-2", "src-3"]) {
      await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }) } }));
    }
    const all = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }));
    assert.deepEqual(all.queueUrls!.map((u) => u.split("/").pop()), ["src-1", "src-2", "src-3"]);
    const first = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl, MaxResults: 2 }));
    assert.equal(first.queueUrls!.length, 2);
    const rest = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl, MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual(rest.queueUrls!.map((u) => u.split("/").pop()), ["src-3"]);
    const none = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: `${cb.endpoint}/000000000000/src-1` }));
    assert.deepEqual(none.queueUrls, []);
  });
});

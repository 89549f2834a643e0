import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand,
  ChangeMessageVisibilityCommand, ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, PurgeQueueCommand,
  DeleteQueueCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand, AddPermissionCommand, RemovePermissionCommand, GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, run, startTestCloudbox } from "../support/fixture.js";
import { A, B, C, asAccount, pythonAs, queryAs } from "./accounts.js";

describe("SQS: another account's queue is reachable only through its policy", () => {
  let cb: Cloudbox;
  let a: SQSClient;
  let b: SQSClient;
  let c: SQSClient;
  let queueUrl: string;
  let queueArn: string;

  before(async () => {
    cb = await startTestCloudbox();
    a = new SQSClient(asAccount(cb, A));
    b = new SQSClient(asAccount(cb, B));
    c = new SQSClient(asAccount(cb, C));
    queueUrl = (await a.send(new CreateQueueCommand({ QueueName: "orders" }))).QueueUrl!;
    queueArn = (await a.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  });
  after(async () => {
    a.destroy();
    b.destroy();
    c.destroy();
    await cb.stop();
  });

  /** A receipt handle of a message the owner put on the queue and received. */
  async function ownerHandle(): Promise<string> {
    await a.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "for the handle" }));
    const { Messages } = await a.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30 }));
    return Messages![0]!.ReceiptHandle!;
  }

  async function assertDenied(call: Promise<unknown>, action: string, explicit = false) {
    const error = await failure(call);
    assert.equal(error.name, "AccessDenied", error.message);
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.match(error.message, new RegExp(`is not authorized to perform: ${action.toLowerCase()} on resource: ${queueArn}`));
    assert.match(error.message, explicit ? /explicit deny/ : /no resource-based policy allows/);
  }

  /** Every operation a client can aim at one queue, as the given client. */
  function everyOperation(client: SQSClient, handle: string): Array<[string, string, () => Promise<unknown>]> {
    return [
      ["SendMessage", "sqs:SendMessage", () => client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" }))],
      ["SendMessageBatch", "sqs:SendMessage", () => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "1", MessageBody: "x" }] }))],
      ["ReceiveMessage", "sqs:ReceiveMessage", () => client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }))],
      ["DeleteMessage", "sqs:DeleteMessage", () => client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle }))],
      ["DeleteMessageBatch", "sqs:DeleteMessage", () => client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "1", ReceiptHandle: handle }] }))],
      ["ChangeMessageVisibility", "sqs:ChangeMessageVisibility", () => client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }))],
      ["ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility", () => client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "1", ReceiptHandle: handle, VisibilityTimeout: 0 }] }))],
      ["GetQueueAttributes", "sqs:GetQueueAttributes", () => client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }))],
      ["SetQueueAttributes", "sqs:SetQueueAttributes", () => client.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: "5" } }))],
      ["PurgeQueue", "sqs:PurgeQueue", () => client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }))],
      ["DeleteQueue", "sqs:DeleteQueue", () => client.send(new DeleteQueueCommand({ QueueUrl: queueUrl }))],
      ["TagQueue", "sqs:TagQueue", () => client.send(new TagQueueCommand({ QueueUrl: queueUrl, Tags: { k: "v" } }))],
      ["UntagQueue", "sqs:UntagQueue", () => client.send(new UntagQueueCommand({ QueueUrl: queueUrl, TagKeys: ["k"] }))],
      ["ListQueueTags", "sqs:ListQueueTags", () => client.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))],
      ["AddPermission", "sqs:AddPermission", () => client.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "mine", AWSAccountIds: [B], Actions: ["SendMessage"] }))],
      ["RemovePermission", "sqs:RemovePermission", () => client.send(new RemovePermissionCommand({ QueueUrl: queueUrl, Label: "mine" }))],
      ["ListDeadLetterSourceQueues", "sqs:ListDeadLetterSourceQueues", () => client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: queueUrl }))],
      ["GetQueueUrl", "sqs:GetQueueUrl", () => client.send(new GetQueueUrlCommand({ QueueName: "orders", QueueOwnerAWSAccountId: A }))],
      ["ListMessageMoveTasks", "sqs:ListMessageMoveTasks", () => client.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn }))],
      ["StartMessageMoveTask", "sqs:StartMessageMoveTask", () => client.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn }))],
    ];
  }

  it("refuses every operation of another account by default (JSON protocol, AccessDenied 403)", async () => {
    const handle = await ownerHandle();
    for (const client of [b, c]) {
      for (const [, action, call] of everyOperation(client, handle)) await assertDenied(call(), action);
    }
    // Nothing was sent, received, deleted or changed on the owner's side.
    const { Attributes } = await a.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "VisibilityTimeout"] }));
    assert.deepEqual(Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "1", VisibilityTimeout: "30" });
    assert.equal((await a.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags, undefined);
  });

  it("answers AccessDenied in the JSON protocol's headers and the query protocol's XML", async () => {
    const json = await fetch(`${cb.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "AmazonSQS.SendMessage",
        authorization: `AWS4-HMAC-SHA256 Credential=${B}/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
      },
      body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: "x" }),
    });
    assert.equal(json.status, 403);
    assert.equal(json.headers.get("x-amzn-query-error"), "AccessDenied;Sender");
    assert.match(((await json.json()) as { __type: string }).__type, /#AccessDenied$/);
    for (const [Action, extra] of [["SendMessage", { MessageBody: "x" }], ["ReceiveMessage", {}], ["DeleteQueue", {}], ["GetQueueAttributes", { "AttributeName.1": "All" }]] as const) {
      const query = await queryAs(cb, B, "sqs", { Action, QueueUrl: queueUrl, ...extra }, "2012-11-05");
      assert.equal(query.status, 403, `${Action}: ${query.text}`);
      assert.match(query.text, /<Type>Sender<\/Type>\s*<Code>AccessDenied<\/Code>/);
      assert.match(query.text, new RegExp(`not authorized to perform: sqs:${Action.toLowerCase()}`));
    }
  });

  it("over the query protocol each shareable operation is refused, then allowed by a policy naming only it, then refused by a deny", async () => {
    const { QueueUrl: url } = await a.send(new CreateQueueCommand({ QueueName: "orders-by-query" }));
    const arn = (await a.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const handle = async () => {
      await a.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "h" }));
      return (await a.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }))).Messages![0]!.ReceiptHandle!;
    };
    const cases: Array<[string, string, () => Promise<Record<string, string>>]> = [
      ["SendMessage", "SendMessage", async () => ({ QueueUrl: url!, MessageBody: "q" })],
      ["SendMessageBatch", "SendMessage", async () => ({ QueueUrl: url!, "SendMessageBatchRequestEntry.1.Id": "1", "SendMessageBatchRequestEntry.1.MessageBody": "q" })],
      ["ReceiveMessage", "ReceiveMessage", async () => ({ QueueUrl: url! })],
      ["DeleteMessage", "DeleteMessage", async () => ({ QueueUrl: url!, ReceiptHandle: await handle() })],
      ["DeleteMessageBatch", "DeleteMessage", async () => ({ QueueUrl: url!, "DeleteMessageBatchRequestEntry.1.Id": "1", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": await handle() })],
      ["ChangeMessageVisibility", "ChangeMessageVisibility", async () => ({ QueueUrl: url!, ReceiptHandle: await handle(), VisibilityTimeout: "0" })],
      ["GetQueueAttributes", "GetQueueAttributes", async () => ({ QueueUrl: url!, "AttributeName.1": "All" })],
      ["ListDeadLetterSourceQueues", "ListDeadLetterSourceQueues", async () => ({ QueueUrl: url! })],
      ["GetQueueUrl", "GetQueueUrl", async () => ({ QueueName: "orders-by-query", QueueOwnerAWSAccountId: A })],
      ["PurgeQueue", "PurgeQueue", async () => ({ QueueUrl: url! })],
    ];
    const policy = (...statements: object[]) => a.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } }));
    for (const [Action, granted, params] of cases) {
      const refused = await queryAs(cb, B, "sqs", { Action, ...(await params()) }, "2012-11-05");
      assert.equal(refused.status, 403, `${Action} before the grant: ${refused.text}`);
      assert.match(refused.text, /<Code>AccessDenied<\/Code>/);
      const allow = { Effect: "Allow", Principal: { AWS: B }, Action: `sqs:${granted}`, Resource: arn };
      await policy(allow);
      const allowed = await queryAs(cb, B, "sqs", { Action, ...(await params()) }, "2012-11-05");
      assert.equal(allowed.status, 200, `${Action} under the grant: ${allowed.text}`);
      const otherAccount = await queryAs(cb, C, "sqs", { Action, ...(await params()) }, "2012-11-05");
      assert.equal(otherAccount.status, 403, `${Action} by a third account`);
      await policy(allow, { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: `sqs:${granted}`, Resource: arn });
      const denied = await queryAs(cb, B, "sqs", { Action, ...(await params()) }, "2012-11-05");
      assert.equal(denied.status, 403, `${Action} under the deny`);
      assert.match(denied.text, /explicit deny in a resource-based policy/);
      await a.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: "" } }));
    }
    // The owner-only operations stay refused under a grant of everything.
    await policy({ Effect: "Allow", Principal: { AWS: B }, Action: "sqs:*", Resource: arn });
    for (const [Action, params] of [["DeleteQueue", {}], ["SetQueueAttributes", { "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "3" }], ["TagQueue", { "Tag.1.Key": "k", "Tag.1.Value": "v" }], ["UntagQueue", { "TagKey.1": "k" }], ["ListQueueTags", {}], ["AddPermission", { Label: "l", "AWSAccountId.1": C, "ActionName.1": "SendMessage" }], ["RemovePermission", { Label: "l" }]] as const) {
      const refused = await queryAs(cb, B, "sqs", { Action, QueueUrl: url!, ...params }, "2012-11-05");
      assert.equal(refused.status, 403, `${Action}: ${refused.text}`);
      assert.match(refused.text, /<Code>AccessDenied<\/Code>/);
    }
  });

  it("refuses another account's queue that does not exist the same way, and tells its owner it does not exist", async () => {
    const missing = queueUrl.replace(/orders$/, "no-such-queue");
    const denied = await failure(b.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: "x" })));
    assert.equal(denied.name, "AccessDenied");
    assert.equal((await failure(b.send(new GetQueueUrlCommand({ QueueName: "no-such-queue", QueueOwnerAWSAccountId: A })))).name, "AccessDenied");
    assert.equal((await failure(a.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: "x" })))).name, "QueueDoesNotExist");
  });

  it("the narrowest policy grants one account one action; an explicit deny takes it back", async () => {
    const grantSend = {
      Version: "2012-10-17",
      Statement: [{ Sid: "b-sends", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sqs:SendMessage", Resource: queueArn }],
    };
    await a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(grantSend) } }));
    await a.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    const sent = await b.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "from b" }));
    assert.ok(sent.MessageId);
    const batch = await b.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "1", MessageBody: "from b, batched" }] }));
    assert.equal(batch.Successful?.length, 1);
    // Only SendMessage, only for B.
    await assertDenied(b.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })), "sqs:ReceiveMessage");
    await assertDenied(b.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] })), "sqs:GetQueueAttributes");
    await assertDenied(c.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "from c" })), "sqs:SendMessage");

    const received = await a.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["SenderId"] }));
    assert.deepEqual(received.Messages?.map((m) => m.Body).sort(), ["from b", "from b, batched"]);
    assert.deepEqual([...new Set(received.Messages?.map((m) => m.Attributes?.SenderId))], [B]);

    const denyB = { ...grantSend, Statement: [...grantSend.Statement, { Sid: "no-b", Effect: "Deny", Principal: { AWS: B }, Action: "sqs:SendMessage", Resource: queueArn }] };
    await a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(denyB) } }));
    await assertDenied(b.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "again" })), "sqs:SendMessage", true);
    await a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: "" } }));
    await assertDenied(b.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "again" })), "sqs:SendMessage");
  });

  it("AddPermission grants by label, RemovePermission revokes it; GetQueueUrl with QueueOwnerAWSAccountId follows the grant", async () => {
    await a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "c-reads", AWSAccountIds: [C], Actions: ["ReceiveMessage", "GetQueueUrl", "DeleteMessage"] }));
    const { QueueUrl: found } = await c.send(new GetQueueUrlCommand({ QueueName: "orders", QueueOwnerAWSAccountId: A }));
    assert.equal(found, queueUrl);
    await a.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "for c" }));
    const { Messages } = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    assert.equal(Messages?.[0]?.Body, "for c");
    // DeleteMessage was granted, so its batch form is too.
    const deleted = await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "1", ReceiptHandle: Messages![0]!.ReceiptHandle! }] }));
    assert.equal(deleted.Successful?.length, 1);
    await assertDenied(b.send(new GetQueueUrlCommand({ QueueName: "orders", QueueOwnerAWSAccountId: A })), "sqs:GetQueueUrl");
    await assertDenied(c.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" })), "sqs:SendMessage");

    await a.send(new RemovePermissionCommand({ QueueUrl: queueUrl, Label: "c-reads" }));
    await assertDenied(c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })), "sqs:ReceiveMessage");
    await assertDenied(c.send(new GetQueueUrlCommand({ QueueName: "orders", QueueOwnerAWSAccountId: A })), "sqs:GetQueueUrl");
  });

  it("AddPermission refuses duplicates, unknown labels, owner-only and unknown actions, bad accounts and more than 7 actions", async () => {
    await a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "dup", AWSAccountIds: [B], Actions: ["SendMessage"] }));
    const invalid = async (call: Promise<unknown>, pattern: RegExp) => {
      const error = await failure(call);
      assert.equal(error.name, "InvalidParameterValue", error.message);
      assert.match(error.message, pattern);
    };
    await invalid(a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "dup", AWSAccountIds: [C], Actions: ["SendMessage"] })), /Label is invalid. Reason: Already exists/);
    await invalid(a.send(new RemovePermissionCommand({ QueueUrl: queueUrl, Label: "never-added" })), /can't find label/);
    await invalid(a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "own", AWSAccountIds: [B], Actions: ["DeleteQueue"] })), /Only the queue owner is allowed to invoke this action/);
    await invalid(a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "fly", AWSAccountIds: [B], Actions: ["Fly"] })), /ActionName is invalid/);
    await invalid(a.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "who", AWSAccountIds: ["bob"], Actions: ["SendMessage"] })), /PrincipalId is invalid/);
    const many = await failure(a.send(new AddPermissionCommand({
      QueueUrl: queueUrl, Label: "many", AWSAccountIds: [B],
      Actions: ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"],
    })));
    assert.equal(many.name, "OverLimit");
    await a.send(new RemovePermissionCommand({ QueueUrl: queueUrl, Label: "dup" }));
  });

  it("owner-only operations stay the owner's even under a policy that grants sqs:* to everyone", async () => {
    const everyone = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: queueArn }] };
    await a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(everyone) } }));
    assert.ok((await b.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "public" }))).MessageId);
    await assertDenied(b.send(new DeleteQueueCommand({ QueueUrl: queueUrl })), "sqs:DeleteQueue");
    await assertDenied(b.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: "" } })), "sqs:SetQueueAttributes");
    await assertDenied(b.send(new TagQueueCommand({ QueueUrl: queueUrl, Tags: { k: "v" } })), "sqs:TagQueue");
    await assertDenied(b.send(new AddPermissionCommand({ QueueUrl: queueUrl, Label: "b", AWSAccountIds: [C], Actions: ["SendMessage"] })), "sqs:AddPermission");
    await a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: "" } }));
    await a.send(new PurgeQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  });

  it("an explicit deny refuses the owner too, and the owner can still remove the policy", async () => {
    const { QueueUrl: sealedUrl } = await a.send(new CreateQueueCommand({ QueueName: "sealed" }));
    const arn = (await a.send(new GetQueueAttributesCommand({ QueueUrl: sealedUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const deny = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: arn }] };
    await a.send(new SetQueueAttributesCommand({ QueueUrl: sealedUrl, Attributes: { Policy: JSON.stringify(deny) } }));
    const error = await failure(a.send(new SendMessageCommand({ QueueUrl: sealedUrl, MessageBody: "x" })));
    assert.equal(error.name, "AccessDenied");
    assert.match(error.message, /explicit deny/);
    await a.send(new SetQueueAttributesCommand({ QueueUrl: sealedUrl, Attributes: { Policy: "" } }));
    assert.ok((await a.send(new SendMessageCommand({ QueueUrl: sealedUrl, MessageBody: "x" }))).MessageId);
  });

  it("a Policy that is not valid policy language is refused with InvalidAttributeValue", async () => {
    for (const policy of ["{not json", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn }] }), JSON.stringify({ Statement: [{ Effect: "Permit", Principal: "*", Action: "sqs:SendMessage" }] })]) {
      const error = await failure(a.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } })));
      assert.equal(error.name, "InvalidAttributeValue", policy);
      assert.match(error.message, /Invalid value for the parameter Policy/);
    }
  });

  it("a dead-letter queue must be in the queue's own account", async () => {
    const { QueueUrl: bDlq } = await b.send(new CreateQueueCommand({ QueueName: "b-dlq" }));
    const bDlqArn = (await b.send(new GetQueueAttributesCommand({ QueueUrl: bDlq, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const error = await failure(a.send(new CreateQueueCommand({ QueueName: "with-foreign-dlq", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: bDlqArn, maxReceiveCount: 1 }) } })));
    assert.equal(error.name, "InvalidParameterValue");
    assert.match(error.message, /Dead letter target does not exist/);
  });

  it("boto3 and the AWS CLI see AccessDenied too", async () => {
    const script = `
import boto3, json, botocore
sqs = boto3.client("sqs")
out = {}
for name, call in [("send", lambda: sqs.send_message(QueueUrl=${JSON.stringify(queueUrl)}, MessageBody="x")),
                   ("url", lambda: sqs.get_queue_url(QueueName="orders", QueueOwnerAWSAccountId="${A}"))]:
    try:
        call()
        out[name] = "succeeded"
    except botocore.exceptions.ClientError as e:
        out[name] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`;
    const result = await run("python3", ["-"], pythonAs(cb, B), script);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop()!), { send: ["AccessDenied", 403], url: ["AccessDenied", 403] });
    const cli = await run("aws", ["--endpoint-url", cb.endpoint, "sqs", "receive-message", "--queue-url", queueUrl], pythonAs(cb, C));
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /\(AccessDenied\).*not authorized to perform: sqs:receivemessage/);
  });
});

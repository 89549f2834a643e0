import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, boto3, awsCli } from "../support/fixture.js";

describe("SQS through boto3 and the aws CLI", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("boto3: the core operations, FIFO, batches and error codes", async () => {
    const result = (await boto3(cb, `
import boto3, json, hashlib
from botocore.exceptions import ClientError
sqs = boto3.client("sqs")
out = {}
url = sqs.create_queue(QueueName="py-q", Attributes={"VisibilityTimeout": "20"}, tags={"k": "v"})["QueueUrl"]
out["url"] = url
out["get_url"] = sqs.get_queue_url(QueueName="py-q")["QueueUrl"]
sent = sqs.send_message(QueueUrl=url, MessageBody="hello py", MessageAttributes={"n": {"DataType": "Number", "StringValue": "7"}, "b": {"DataType": "Binary", "BinaryValue": b"\\x00\\x01"}})
out["md5_ok"] = sent["MD5OfMessageBody"] == hashlib.md5(b"hello py").hexdigest()
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "a"}, {"Id": "b", "MessageBody": "\\u0001"}])
out["batch_ok"] = [e["Id"] for e in batch.get("Successful", [])]
out["batch_failed"] = [[e["Id"], e["Code"]] for e in batch.get("Failed", [])]
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"], WaitTimeSeconds=1)
msgs = got.get("Messages", [])
out["bodies"] = sorted(m["Body"] for m in msgs)
first = [m for m in msgs if m["Body"] == "hello py"][0]
out["attr_n"] = first["MessageAttributes"]["n"]["StringValue"]
out["attr_b"] = list(first["MessageAttributes"]["b"]["BinaryValue"])
out["receive_count"] = first["Attributes"]["ApproximateReceiveCount"]
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
for m in msgs:
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
out["visibility"] = attrs["VisibilityTimeout"]
out["remaining"] = int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
out["tags"] = sqs.list_queue_tags(QueueUrl=url)["Tags"]
fifo = sqs.create_queue(QueueName="py.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
for i in range(3):
    sqs.send_message(QueueUrl=fifo, MessageBody="f%d" % i, MessageGroupId="g")
out["fifo"] = [m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]]
try:
    sqs.get_queue_url(QueueName="absent")
except ClientError as e:
    out["missing"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    sqs.create_queue(QueueName="py-q", Attributes={"VisibilityTimeout": "21"})
except ClientError as e:
    out["exists"] = e.response["Error"]["Code"]
try:
    sqs.delete_message(QueueUrl=url, ReceiptHandle="nonsense")
except ClientError as e:
    out["bad_handle"] = e.response["Error"]["Code"]
sqs.purge_queue(QueueUrl=url)
try:
    sqs.purge_queue(QueueUrl=url)
except ClientError as e:
    out["purge"] = e.response["Error"]["Code"]
out["listed"] = sqs.list_queues(QueueNamePrefix="py")["QueueUrls"]
sqs.delete_queue(QueueUrl=url)
out["after_delete"] = sqs.list_queues(QueueNamePrefix="py-").get("QueueUrls", [])
print(json.dumps(out))
`)) as Record<string, unknown>;
    assert.equal(result.url, `${cb.endpoint}/000000000000/py-q`);
    assert.equal(result.get_url, result.url);
    assert.equal(result.md5_ok, true);
    assert.deepEqual(result.batch_ok, ["a"]);
    assert.deepEqual(result.batch_failed, [["b", "InvalidMessageContents"]]);
    assert.deepEqual(result.bodies, ["a", "hello py"]);
    assert.equal(result.attr_n, "7");
    assert.deepEqual(result.attr_b, [0, 1]);
    assert.equal(result.receive_count, "1");
    assert.equal(result.visibility, "20");
    assert.equal(result.remaining, 0);
    assert.deepEqual(result.tags, { k: "v" });
    assert.deepEqual(result.fifo, ["f0", "f1", "f2"]);
    assert.deepEqual(result.missing, ["AWS.SimpleQueueService.NonExistentQueue", 400]);
    assert.equal(result.exists, "QueueAlreadyExists");
    assert.equal(result.bad_handle, "ReceiptHandleIsInvalid");
    assert.equal(result.purge, "AWS.SimpleQueueService.PurgeQueueInProgress");
    assert.deepEqual(result.listed, [`${cb.endpoint}/000000000000/py-q`, `${cb.endpoint}/000000000000/py.fifo`]);
    assert.deepEqual(result.after_delete, []);
  });

  it("aws CLI: create-queue, send-message, receive-message, delete-message, get-queue-attributes", async () => {
    const created = await awsCli(cb, ["sqs", "create-queue", "--queue-name", "cli-q", "--attributes", "DelaySeconds=0"]);
    assert.equal(created.code, 0, created.stderr);
    const url = (created.json as { QueueUrl: string }).QueueUrl;
    assert.equal(url, `${cb.endpoint}/000000000000/cli-q`);
    const sent = await awsCli(cb, ["sqs", "send-message", "--queue-url", url, "--message-body", "from the cli", "--message-attributes", '{"a":{"DataType":"String","StringValue":"b"}}']);
    assert.equal(sent.code, 0, sent.stderr);
    assert.ok((sent.json as { MessageId: string }).MessageId);
    const received = await awsCli(cb, ["sqs", "receive-message", "--queue-url", url, "--message-attribute-names", "All"]);
    assert.equal(received.code, 0, received.stderr);
    const message = (received.json as { Messages: { Body: string; ReceiptHandle: string; MessageAttributes: Record<string, { StringValue: string }> }[] }).Messages[0]!;
    assert.equal(message.Body, "from the cli");
    assert.equal(message.MessageAttributes.a?.StringValue, "b");
    const deleted = await awsCli(cb, ["sqs", "delete-message", "--queue-url", url, "--receipt-handle", message.ReceiptHandle]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const attrs = await awsCli(cb, ["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages", "QueueArn"]);
    assert.deepEqual((attrs.json as { Attributes: Record<string, string> }).Attributes, { ApproximateNumberOfMessages: "0", QueueArn: "arn:aws:sqs:us-east-1:000000000000:cli-q" });
    const missing = await awsCli(cb, ["sqs", "get-queue-url", "--queue-name", "absent"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
    const listed = await awsCli(cb, ["sqs", "list-queues", "--queue-name-prefix", "cli"]);
    assert.deepEqual((listed.json as { QueueUrls: string[] }).QueueUrls, [url]);
  });
});

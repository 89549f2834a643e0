import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, PutBucketNotificationConfigurationCommand, GetBucketNotificationConfigurationCommand, PutObjectCommand,
  CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand,
  PutBucketVersioningCommand,
} from "@aws-sdk/client-s3";
import type { QueueConfiguration } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageBatchCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3 } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

interface S3EventRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; arn: string; ownerIdentity: { principalId: string } };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

describe("S3 event notifications delivered to SQS (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  let sqs: SQSClient;
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    sqs = new SQSClient(sdkConfig(cb));
  });
  after(async () => {
    s3.destroy();
    sqs.destroy();
    await cb.stop();
  });

  async function queue(name: string, client = sqs): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
    const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    return { url: QueueUrl!, arn };
  }

  /** Every message on the queue (deleted once read), parsed. */
  async function drain(url: string, client = sqs): Promise<unknown[]> {
    const bodies: unknown[] = [];
    for (;;) {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!Messages?.length) return bodies;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body!) as unknown));
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }

  /** The records of the event messages on the queue, one per message as S3 sends them; the test event left out. */
  async function events(url: string, client = sqs): Promise<S3EventRecord[]> {
    const messages = (await drain(url, client)) as { Records?: S3EventRecord[]; Event?: string }[];
    const records = messages.filter((m) => m.Event !== "s3:TestEvent");
    for (const m of records) assert.equal(m.Records?.length, 1);
    return records.map((m) => m.Records![0]!);
  }

  async function notifyTo(Bucket: string, ...QueueConfigurations: QueueConfiguration[]): Promise<void> {
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations } }));
  }

  it("a PutObject, a copy, a multipart completion and a delete each arrive as one event with key, size, ETag and an increasing sequencer", async () => {
    const Bucket = "events-basic";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const q = await queue("events-basic");
    await notifyTo(Bucket, { Id: "all", QueueArn: q.arn, Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"] });
    const test = (await drain(q.url)) as Record<string, string>[];
    assert.equal(test.length, 1);
    assert.equal(test[0]!.Event, "s3:TestEvent");

    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "docs/report.txt", Body: "hello events" }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: "docs/copy.txt", CopySource: `${Bucket}/docs/report.txt` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "docs/report.txt" }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: "docs/report.txt", UploadId, PartNumber: 1, Body: "one part" }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "docs/report.txt", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "docs/report.txt" }));

    const got = await events(q.url);
    assert.deepEqual(got.map((e) => [e.eventName, e.s3.object.key]), [
      ["ObjectCreated:Put", "docs/report.txt"],
      ["ObjectCreated:Copy", "docs/copy.txt"],
      ["ObjectCreated:CompleteMultipartUpload", "docs/report.txt"],
      ["ObjectRemoved:Delete", "docs/report.txt"],
    ]);
    const [created, copied, completed, deleted] = got as [S3EventRecord, S3EventRecord, S3EventRecord, S3EventRecord];
    assert.equal(created.eventVersion, "2.1");
    assert.equal(created.eventSource, "aws:s3");
    assert.equal(created.awsRegion, "us-east-1");
    assert.ok(!Number.isNaN(Date.parse(created.eventTime)));
    assert.equal(created.s3.s3SchemaVersion, "1.0");
    assert.equal(created.s3.configurationId, "all");
    assert.deepEqual(created.s3.bucket, { name: Bucket, ownerIdentity: { principalId: "000000000000" }, arn: `arn:aws:s3:::${Bucket}` });
    assert.equal(created.s3.object.size, 12);
    assert.equal(`"${created.s3.object.eTag}"`, put.ETag);
    assert.equal(created.s3.object.versionId, undefined, "an unversioned bucket's events carry no version id");
    assert.equal(copied.s3.object.size, 12);
    assert.equal(copied.s3.object.eTag, created.s3.object.eTag);
    assert.equal(completed.s3.object.size, 8);
    assert.equal(`"${completed.s3.object.eTag}"`, done.ETag);
    assert.equal(deleted.s3.object.size, undefined);
    assert.equal(deleted.s3.object.eTag, undefined);
    assert.equal(typeof created.responseElements["x-amz-request-id"], "string");
    // Sequencers of one key compare as strings in the order of the writes.
    const sequencers = [created, completed, deleted].map((e) => e.s3.object.sequencer);
    assert.deepEqual([...sequencers].sort(), sequencers);
    assert.equal(new Set(sequencers).size, 3);
  });

  it("versioned buckets: version ids, delete markers and version deletes, quiet DeleteObjects included", async () => {
    const Bucket = "events-versioned";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const q = await queue("events-versioned");
    await notifyTo(Bucket, { QueueArn: q.arn, Events: ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"] });
    const first = await s3.send(new PutObjectCommand({ Bucket, Key: "a", Body: "v1" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "a" }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "a", VersionId: first.VersionId }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "b", Body: "v1" }));
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Quiet: true, Objects: [{ Key: "b" }, { Key: "a", VersionId: marker.VersionId }] } }));

    const got = await events(q.url);
    assert.deepEqual(got.map((e) => [e.eventName, e.s3.object.key, e.s3.object.versionId]), [
      ["ObjectCreated:Put", "a", first.VersionId],
      ["ObjectRemoved:DeleteMarkerCreated", "a", marker.VersionId],
      ["ObjectRemoved:Delete", "a", first.VersionId],
      ["ObjectCreated:Put", "b", got[3]!.s3.object.versionId],
      ["ObjectRemoved:DeleteMarkerCreated", "b", got[4]!.s3.object.versionId],
      ["ObjectRemoved:Delete", "a", marker.VersionId],
    ]);
    assert.ok(got[4]!.s3.object.versionId && got[4]!.s3.object.versionId !== got[3]!.s3.object.versionId, "the marker has its own version id");
    // S3 made up an id for the configuration that had none, and names it in the events.
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    const id = config.QueueConfigurations![0]!.Id!;
    assert.ok(id.length > 0);
    assert.ok(got.every((e) => e.s3.configurationId === id));
  });

  it("prefix and suffix filters and event types choose the destinations; keys are URL-encoded in events", async () => {
    const Bucket = "events-filtered";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const images = await queue("events-images");
    const removals = await queue("events-removals");
    await notifyTo(
      Bucket,
      { Id: "jpegs", QueueArn: images.arn, Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "photos/" }, { Name: "suffix", Value: ".jpg" }] } } },
      { Id: "deletes", QueueArn: removals.arn, Events: ["s3:ObjectRemoved:Delete"] },
    );
    await drain(images.url);
    await drain(removals.url);
    for (const Key of ["photos/cat.jpg", "photos/cat.png", "other/dog.jpg", "photos/my cat (1).jpg"]) await s3.send(new PutObjectCommand({ Bucket, Key, Body: "x" }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "photos/cat.jpg" }));
    assert.deepEqual((await events(images.url)).map((e) => e.s3.object.key), ["photos/cat.jpg", "photos/my+cat+%281%29.jpg"]);
    const removed = await events(removals.url);
    assert.deepEqual(removed.map((e) => [e.eventName, e.s3.object.key, e.s3.configurationId]), [["ObjectRemoved:Delete", "photos/cat.jpg", "deletes"]]);
  });

  it("a write that fails sends nothing, and a bucket without configuration sends nothing", async () => {
    const Bucket = "events-failed";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const q = await queue("events-failed");
    await notifyTo(Bucket, { QueueArn: q.arn, Events: ["s3:ObjectCreated:*"] });
    await drain(q.url);
    await s3.send(new PutObjectCommand({ Bucket, Key: "once", Body: "1" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "once", Body: "2", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    assert.equal((await events(q.url)).length, 1);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "after", Body: "1" }));
    assert.equal((await drain(q.url)).length, 0);
  });

  it("the queue's policy decides: another account's queue needs a grant to s3.amazonaws.com, an explicit deny refuses", async () => {
    const Bucket = "events-cross-account";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const other = new SQSClient({ ...sdkConfig(cb), credentials: { accessKeyId: "222222222222", secretAccessKey: "test" } });
    const q = await queue("s3-events-from-elsewhere", other);
    const refused = await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: q.arn, Events: ["s3:ObjectCreated:*"] }] } })), "InvalidArgument", 400);
    assert.equal(refused.message, "Unable to validate the following destination configurations");
    assert.equal((await drain(q.url, other)).length, 0);
    const Policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: q.arn, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:::${Bucket}` } } }],
    });
    await other.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy } }));
    await notifyTo(Bucket, { QueueArn: q.arn, Events: ["s3:ObjectCreated:*"] });
    await s3.send(new PutObjectCommand({ Bucket, Key: "shared", Body: "x" }));
    assert.deepEqual((await events(q.url, other)).map((e) => e.s3.object.key), ["shared"]);
    other.destroy();

    const own = await queue("events-denied");
    const deny = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: own.arn }] });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: own.url, Attributes: { Policy: deny } }));
    await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: own.arn, Events: ["s3:ObjectCreated:*"] }] } })), "InvalidArgument", 400);
  });

  it("destinations and events cloudbox cannot deliver are refused with 501, not stored silently", async () => {
    const Bucket = "events-refused";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const q = await queue("events-refused");
    const topic = await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { TopicConfigurations: [{ TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Events: ["s3:ObjectCreated:*"] }] } })), "NotImplemented", 501);
    assert.match(topic.message, /SNS topic destinations/);
    const lifecycle = await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: q.arn, Events: ["s3:LifecycleExpiration:*"] }] } })), "NotImplemented", 501);
    assert.match(lifecycle.message, /s3:LifecycleExpiration:\*/);
    assert.deepEqual(await drain(q.url), [], "a refused configuration sends no test event");
    assert.equal((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).QueueConfigurations, undefined);
  });

  it("boto3: a configured bucket's upload arrives in the queue as an ObjectCreated:Put event", async () => {
    const result = (await boto3(cb, `
import boto3, json
s3 = boto3.client("s3")
sqs = boto3.client("sqs")
url = sqs.create_queue(QueueName="events-boto3")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
s3.create_bucket(Bucket="events-boto3")
s3.put_bucket_notification_configuration(Bucket="events-boto3", NotificationConfiguration={"QueueConfigurations": [{"Id": "py", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
test = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
put = s3.put_object(Bucket="events-boto3", Key="from/python.txt", Body=b"snake")
msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
record = json.loads(msgs[-1]["Body"])["Records"][0]
print(json.dumps({"test": test["Event"], "name": record["eventName"], "key": record["s3"]["object"]["key"], "size": record["s3"]["object"]["size"], "etag": record["s3"]["object"]["eTag"], "put": put["ETag"], "config": record["s3"]["configurationId"]}))
`)) as Record<string, unknown>;
    assert.equal(result.test, "s3:TestEvent");
    assert.equal(result.name, "ObjectCreated:Put");
    assert.equal(result.key, "from/python.txt");
    assert.equal(result.size, 5);
    assert.equal(`"${result.etag as string}"`, result.put);
    assert.equal(result.config, "py");
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, boto3, awsCli } from "../support/fixture.js";

// The two tests spawn Python; running them side by side halves the wall time.
describe("SNS through boto3 and the aws CLI", { concurrency: true }, () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("boto3: topic → filtered SQS subscription → publish → receive, then clean up", async () => {
    const result = (await boto3(
      cb,
      `
import boto3, json, time
sns = boto3.client("sns")
sqs = boto3.client("sqs")
topic = sns.create_topic(Name="py-topic", Tags=[{"Key": "env", "Value": "test"}])["TopicArn"]
url = sqs.create_queue(QueueName="py-q")["QueueUrl"]
qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, Attributes={"FilterPolicy": json.dumps({"kind": ["keep"]})}, ReturnSubscriptionArn=True)["SubscriptionArn"]
sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true")
sns.publish(TopicArn=topic, Message="dropped", MessageAttributes={"kind": {"DataType": "String", "StringValue": "drop"}})
mid = sns.publish(TopicArn=topic, Message="kept", Subject="s", MessageAttributes={"kind": {"DataType": "String", "StringValue": "keep"}})["MessageId"]
batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "b1", "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "keep"}}}])
bodies = []
deadline = time.time() + 5
while len(bodies) < 2 and time.time() < deadline:
    for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        bodies.append(m["Body"])
attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
sub_attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
subs = [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
tags = sns.list_tags_for_resource(ResourceArn=topic)["Tags"]
err = None
try:
    sns.get_topic_attributes(TopicArn=topic + "-missing")
except sns.exceptions.NotFoundException as e:
    err = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
sns.unsubscribe(SubscriptionArn=sub)
sns.delete_topic(TopicArn=topic)
print(json.dumps({"mid": mid, "bodies": sorted(bodies), "confirmed": attrs["SubscriptionsConfirmed"], "raw": sub_attrs["RawMessageDelivery"],
  "topics": topics, "subs": subs, "sub": sub, "topic": topic, "tags": tags, "err": err, "batchOk": len(batch["Successful"]),
  "after": [t["TopicArn"] for t in sns.list_topics()["Topics"]]}))
`,
    )) as Record<string, unknown>;
    assert.match(result["mid"] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(result["bodies"], ["b1", "kept"]);
    assert.equal(result["confirmed"], "1");
    assert.equal(result["raw"], "true");
    assert.ok((result["topics"] as string[]).includes(result["topic"] as string));
    assert.deepEqual(result["subs"], [result["sub"]]);
    assert.deepEqual(result["tags"], [{ Key: "env", Value: "test" }]);
    assert.deepEqual(result["err"], ["NotFound", "Topic does not exist", 404]);
    assert.equal(result["batchOk"], 1);
    assert.ok(!(result["after"] as string[]).includes(result["topic"] as string));
  });

  it("aws CLI: create-topic, subscribe, publish, list and attributes", async () => {
    const created = await awsCli(cb, ["sns", "create-topic", "--name", "cli-topic"]);
    assert.equal(created.code, 0, created.stderr);
    const arn = (created.json as { TopicArn: string }).TopicArn;
    assert.equal(arn, "arn:aws:sns:us-east-1:000000000000:cli-topic");
    const sub = await awsCli(cb, ["sns", "subscribe", "--topic-arn", arn, "--protocol", "email", "--notification-endpoint", "cli@example.com"]);
    assert.equal(sub.code, 0, sub.stderr);
    assert.equal((sub.json as { SubscriptionArn: string }).SubscriptionArn, "pending confirmation");
    const published = await awsCli(cb, ["sns", "publish", "--topic-arn", arn, "--message", "from the cli", "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}']);
    assert.equal(published.code, 0, published.stderr);
    assert.match((published.json as { MessageId: string }).MessageId, /^[0-9a-f-]{36}$/);
    const subs = await awsCli(cb, ["sns", "list-subscriptions-by-topic", "--topic-arn", arn]);
    assert.deepEqual((subs.json as { Subscriptions: { Endpoint: string; SubscriptionArn: string }[] }).Subscriptions.map((s) => [s.Endpoint, s.SubscriptionArn]), [
      ["cli@example.com", "PendingConfirmation"],
    ]);
    const bad = await awsCli(cb, ["sns", "publish", "--topic-arn", `${arn}-nope`, "--message", "x"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /NotFound.*Topic does not exist/);
  });
});

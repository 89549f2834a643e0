import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { boto3, failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";
import { queryAs } from "../walls/accounts.js";

// There is no KMS in cloudbox: a KMS key on a queue would be echoed back while nothing is encrypted
// with it, so the KMS attributes are refused (501) in every protocol instead of being stored.
describe("SQS refuses the SSE-KMS attributes it cannot honour", () => {
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

  it("JSON protocol: CreateQueue with KmsMasterKeyId or KmsDataKeyReusePeriodSeconds is 501 NotImplemented naming it, and no queue is made", async () => {
    for (const Attributes of [{ KmsMasterKeyId: "alias/aws/sqs" }, { KmsDataKeyReusePeriodSeconds: "300" }]) {
      const error = await failure(sqs.send(new CreateQueueCommand({ QueueName: "kms-refused", Attributes })));
      assert.equal(error.name, "NotImplemented");
      assert.equal(error.$metadata.httpStatusCode, 501);
      assert.match(error.message, new RegExp(`queue attribute ${Object.keys(Attributes)[0]}`));
    }
    assert.equal((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "kms-refused" }))).QueueUrls, undefined);
  });

  it("JSON protocol: SetQueueAttributes with a KMS key is refused and leaves the queue as it was; an out-of-range reuse period is still InvalidAttributeValue", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "kms-set" }));
    const error = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: "alias/aws/sqs", VisibilityTimeout: "45" } })));
    assert.equal(error.name, "NotImplemented");
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.equal(Attributes?.KmsMasterKeyId, undefined);
    assert.equal(Attributes?.VisibilityTimeout, "30");
    assert.equal(Attributes?.SqsManagedSseEnabled, "true");
    const range = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsDataKeyReusePeriodSeconds: "10" } })));
    assert.equal(range.name, "InvalidAttributeValue");
    // No key is what the queue has: saying so is honoured.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: "" } }));
  });

  it("query protocol: the same refusal as an ErrorResponse with status 501", async () => {
    const response = await queryAs(cb, "000000000000", "sqs", { Action: "CreateQueue", QueueName: "kms-query", "Attribute.1.Name": "KmsMasterKeyId", "Attribute.1.Value": "alias/aws/sqs" }, "2012-11-05");
    assert.equal(response.status, 501);
    assert.match(response.text, /<Code>NotImplemented<\/Code><Message>cloudbox does not honour the queue attribute KmsMasterKeyId/);
  });

  it("boto3: create_queue with a KMS key fails with NotImplemented", async () => {
    const result = await boto3(cb, `
import boto3, json, botocore
sqs = boto3.client("sqs")
try:
    sqs.create_queue(QueueName="kms-boto3", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    print(json.dumps({"code": None}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
`);
    assert.deepEqual(result, { code: "NotImplemented", status: 501 });
  });
});

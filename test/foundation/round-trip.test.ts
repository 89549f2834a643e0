import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import { SQSClient, ListQueuesCommand } from "@aws-sdk/client-sqs";
import { SNSClient, ListTopicsCommand } from "@aws-sdk/client-sns";
import { EC2Client, DescribeRegionsCommand, DescribeAvailabilityZonesCommand } from "@aws-sdk/client-ec2";
import { EBSClient, ListSnapshotBlocksCommand, ResourceNotFoundException } from "@aws-sdk/client-ebs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3, awsCli } from "../support/fixture.js";

describe("one operation per protocol through the real clients", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("rest-xml: S3 ListBuckets (SDK v3)", async () => {
    const out = await new S3Client(sdkConfig(cb)).send(new ListBucketsCommand({}));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(out.Buckets ?? [], []);
    assert.ok(out.$metadata.requestId, "request id comes from x-amz-request-id");
  });

  it("json: SQS ListQueues (SDK v3 speaks JSON)", async () => {
    const out = await new SQSClient(sdkConfig(cb)).send(new ListQueuesCommand({}));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(out.$metadata.requestId);
  });

  it("query: SNS ListTopics (SDK v3)", async () => {
    const out = await new SNSClient(sdkConfig(cb)).send(new ListTopicsCommand({}));
    assert.deepEqual(out.Topics, []);
    assert.ok(out.$metadata.requestId);
  });

  it("ec2: DescribeRegions and DescribeAvailabilityZones (SDK v3)", async () => {
    const ec2 = new EC2Client(sdkConfig(cb, "eu-west-1"));
    const regions = await ec2.send(new DescribeRegionsCommand({ RegionNames: ["eu-west-1", "us-east-1"] }));
    assert.deepEqual(regions.Regions?.map((r) => r.RegionName).sort(), ["eu-west-1", "us-east-1"]);
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(zones.AvailabilityZones?.map((z) => z.ZoneName), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert.equal(zones.AvailabilityZones?.[0]?.State, "available");
  });

  it("rest-json: an EBS direct call answers its modelled error (SDK v3)", async () => {
    const ebs = new EBSClient(sdkConfig(cb));
    await assert.rejects(ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: "snap-0123456789abcdef0" })), (error: unknown) => {
      assert.ok(error instanceof ResourceNotFoundException);
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.equal(error.Reason, "SNAPSHOT_NOT_FOUND");
      return true;
    });
  });

  it("boto3: S3, SQS (JSON) and EC2", async () => {
    const result = (await boto3(cb, `
import boto3, json
s3 = boto3.client("s3")
sqs = boto3.client("sqs")
ec2 = boto3.client("ec2")
print(json.dumps({
  "buckets": s3.list_buckets()["Buckets"],
  "queues": sqs.list_queues().get("QueueUrls", []),
  "zones": [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]],
}))
`)) as { buckets: unknown[]; queues: unknown[]; zones: string[] };
    assert.deepEqual(result.buckets, []);
    assert.deepEqual(result.queues, []);
    assert.deepEqual(result.zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  it("aws CLI: s3 ls, sqs list-queues, ec2 describe-regions", async () => {
    const ls = await awsCli(cb, ["s3api", "list-buckets"]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual((ls.json as { Buckets: unknown[] }).Buckets, []);
    const queues = await awsCli(cb, ["sqs", "list-queues"]);
    assert.equal(queues.code, 0, queues.stderr);
    const regions = await awsCli(cb, ["ec2", "describe-regions", "--region-names", "us-west-2"]);
    assert.equal(regions.code, 0, regions.stderr);
    assert.deepEqual((regions.json as { Regions: { RegionName: string }[] }).Regions.map((r) => r.RegionName), ["us-west-2"]);
  });
});

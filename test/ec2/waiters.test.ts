import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, RunInstancesCommand, DescribeImagesCommand, StopInstancesCommand, TerminateInstancesCommand, StartInstancesCommand,
  waitUntilInstanceRunning, waitUntilInstanceStopped, waitUntilInstanceTerminated, waitUntilInstanceStatusOk, waitUntilInstanceExists,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3 } from "../support/fixture.js";

/** Waiters poll in real time, so this file uses the real clock with short lifecycles. */
describe("EC2 waiters (SDK v3 and boto3) on the real clock", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  const fast = { pendingMs: 300, stoppingMs: 300, shuttingDownMs: 300, statusInitializingMs: 300 };
  before(async () => {
    cb = await startTestCloudbox({ settings: { ec2: { lifecycle: fast } } });
    ec2 = new EC2Client(sdkConfig(cb));
    image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  it("waitUntilInstanceExists / Running / StatusOk / Stopped / Running again / Terminated", async () => {
    const waiter = { client: ec2, minDelay: 1, maxDelay: 1, maxWaitTime: 20 };
    const r = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 2, MaxCount: 2 }));
    const InstanceIds = r.Instances!.map((i) => i.InstanceId!);
    assert.equal((await waitUntilInstanceExists(waiter, { InstanceIds })).state, "SUCCESS");
    assert.equal((await waitUntilInstanceRunning(waiter, { InstanceIds })).state, "SUCCESS");
    assert.equal((await waitUntilInstanceStatusOk(waiter, { InstanceIds })).state, "SUCCESS");
    await ec2.send(new StopInstancesCommand({ InstanceIds }));
    assert.equal((await waitUntilInstanceStopped(waiter, { InstanceIds })).state, "SUCCESS");
    await ec2.send(new StartInstancesCommand({ InstanceIds }));
    assert.equal((await waitUntilInstanceRunning(waiter, { InstanceIds })).state, "SUCCESS");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds }));
    assert.equal((await waitUntilInstanceTerminated(waiter, { InstanceIds })).state, "SUCCESS");
  });

  it("boto3: create_instances, instance_running and instance_terminated waiters", async () => {
    const out = (await boto3(cb, `
import boto3, json
ec2 = boto3.resource("ec2")
client = boto3.client("ec2")
instances = ec2.create_instances(ImageId="${image}", InstanceType="t3.micro", MinCount=1, MaxCount=1,
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "from-boto3"}]}], UserData="#!/bin/sh\\necho boto3-was-here\\n")
ids = [i.id for i in instances]
client.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
inst = ec2.Instance(ids[0]); inst.load()
state = inst.state["Name"]
name = [t["Value"] for t in inst.tags if t["Key"] == "Name"][0]
found = client.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["from-boto3"]}, {"Name": "instance-state-name", "Values": ["running"]}])
console = client.get_console_output(InstanceId=ids[0])["Output"]
client.terminate_instances(InstanceIds=ids)
client.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
print(json.dumps({"state": state, "name": name, "found": len(found["Reservations"]), "console": console, "final": ec2.Instance(ids[0]).state["Name"]}))
`)) as { state: string; name: string; found: number; console: string; final: string };
    assert.equal(out.state, "running");
    assert.equal(out.name, "from-boto3");
    assert.equal(out.found, 1);
    assert.match(out.console, /boto3-was-here/, "botocore decodes the base64 console output");
    assert.equal(out.final, "terminated");
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, TerminateInstancesCommand, CreateTagsCommand,
  paginateDescribeInstances, DescribeInstanceAttributeCommand, ModifyInstanceAttributeCommand, DescribeInstanceStatusCommand, GetConsoleOutputCommand,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, failure } from "../support/fixture.js";


describe("EC2 RunInstances / DescribeInstances (SDK v3)", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let al2023: string;
  let arm: string;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*"] }] }));
    al2023 = images.Images!.find((i) => i.Architecture === "x86_64")!.ImageId!;
    arm = images.Images!.find((i) => i.Architecture === "arm64")!.ImageId!;
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  it("launches MaxCount instances in one reservation, pending, with addresses from the default subnet", async () => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 3 }));
    assert.match(r.ReservationId!, /^r-[0-9a-f]{17}$/);
    assert.equal(r.Instances!.length, 3);
    assert.deepEqual(r.Instances!.map((i) => i.AmiLaunchIndex), [0, 1, 2]);
    for (const i of r.Instances!) {
      assert.match(i.InstanceId!, /^i-[0-9a-f]{17}$/);
      assert.deepEqual(i.State, { Code: 0, Name: "pending" });
      assert.match(i.PrivateIpAddress!, /^172\.31\./);
      assert.equal(i.Hypervisor, "xen");
      assert.equal(i.RootDeviceName, "/dev/xvda");
      assert.match(i.NetworkInterfaces![0]!.MacAddress!, /^0e(:[0-9a-f]{2}){5}$/);
      assert.equal(i.SecurityGroups![0]!.GroupName, "default");
      assert.equal(i.Placement!.AvailabilityZone, "us-east-1a");
      // RunInstances answers as EC2 does at that moment: no public address and no block devices
      // yet, the network interface attaching.
      assert.deepEqual([i.PublicIpAddress, i.PublicDnsName, i.BlockDeviceMappings], [undefined, "", []]);
      assert.equal(i.NetworkInterfaces![0]!.Attachment!.Status, "attaching");
      assert.equal(i.NetworkInterfaces![0]!.Association, undefined);
      assert.deepEqual(i.StateReason, { Code: "pending", Message: "pending" });
      assert.equal(i.MetadataOptions!.State, "pending");
    }
    const pending = await ec2.send(new DescribeInstancesCommand({ InstanceIds: r.Instances!.map((i) => i.InstanceId!) }));
    for (const i of pending.Reservations![0]!.Instances!) {
      assert.equal(i.State!.Name, "pending");
      assert.match(i.PublicIpAddress!, /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(i.PublicDnsName, `ec2-${i.PublicIpAddress!.replaceAll(".", "-")}.compute-1.amazonaws.com`);
      assert.deepEqual(i.BlockDeviceMappings!.map((m) => m.DeviceName), ["/dev/xvda"]);
      assert.equal(i.NetworkInterfaces![0]!.Attachment!.Status, "attached");
    }
    cb.clock.advance!(1500);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: r.Instances!.map((i) => i.InstanceId!) }));
    assert.equal(d.Reservations!.length, 1);
    assert.deepEqual(d.Reservations![0]!.Instances!.map((i) => i.State!.Name), ["running", "running", "running"]);
  });

  it("validates before launching: counts, AMI, type, architecture, key pair, subnet", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ImageId: al2023, MinCount: 3, MaxCount: 2 }, "InvalidParameterValue"],
      [{ ImageId: "ami-nope", MinCount: 1, MaxCount: 1 }, "InvalidAMIID.Malformed"],
      [{ ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 1 }, "InvalidAMIID.NotFound"],
      [{ ImageId: al2023, InstanceType: "m5.huge", MinCount: 1, MaxCount: 1 }, "InvalidParameterValue"],
      [{ ImageId: arm, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }, "InvalidParameterValue"],
      [{ ImageId: al2023, InstanceType: "t3.micro", KeyName: "missing", MinCount: 1, MaxCount: 1 }, "InvalidKeyPair.NotFound"],
      [{ ImageId: al2023, InstanceType: "t3.micro", SubnetId: "subnet-0123456789abcdef0", MinCount: 1, MaxCount: 1 }, "InvalidSubnetID.NotFound"],
      [{ ImageId: al2023, InstanceType: "t3.micro", SecurityGroupIds: ["sg-0123456789abcdef0"], MinCount: 1, MaxCount: 1 }, "InvalidGroup.NotFound"],
      [{ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: "instance", Tags: [] }] }, "InvalidParameterValue"],
      [{ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1z" } }, "InvalidParameterValue"],
    ];
    for (const [input, code] of cases) {
      const e = await failure(ec2.send(new RunInstancesCommand(input as never)));
      assert.equal(e.name, code, JSON.stringify(input));
      assert.equal(e.$metadata.httpStatusCode, 400);
    }
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: arm, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 })));
    assert.match(e.message, /architecture 'x86_64' of the specified instance type does not match the architecture 'arm64'/);
  });

  it("DryRun answers 412 DryRunOperation after validation and launches nothing", async () => {
    const before = await ec2.send(new DescribeInstancesCommand({}));
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, DryRun: true })));
    assert.equal(e.name, "DryRunOperation");
    assert.equal(e.$metadata.httpStatusCode, 412);
    assert.equal(e.message, "Request would have succeeded, but DryRun flag is set.");
    const bad = await failure(ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 1, DryRun: true })));
    assert.equal(bad.name, "InvalidAMIID.NotFound");
    const afterwards = await ec2.send(new DescribeInstancesCommand({}));
    assert.equal(afterwards.Reservations!.length, before.Reservations!.length);
  });

  it("ClientToken: same parameters return the original reservation, different ones IdempotentParameterMismatch", async () => {
    const input = { ImageId: al2023, InstanceType: "t3.micro" as const, MinCount: 1, MaxCount: 1, ClientToken: "token-1" };
    const first = await ec2.send(new RunInstancesCommand(input));
    const again = await ec2.send(new RunInstancesCommand(input));
    assert.equal(again.ReservationId, first.ReservationId);
    assert.equal(again.Instances![0]!.InstanceId, first.Instances![0]!.InstanceId);
    assert.equal(again.Instances![0]!.ClientToken, "token-1");
    const e = await failure(ec2.send(new RunInstancesCommand({ ...input, InstanceType: "t3.small" })));
    assert.equal(e.name, "IdempotentParameterMismatch");
    const byToken = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "client-token", Values: ["token-1"] }] }));
    assert.equal(byToken.Reservations!.length, 1);
  });

  it("filters: tag:, tag-key, wildcards, state, type; values OR'ed, filters AND'ed; unknown filter refused", async () => {
    const r = await ec2.send(new RunInstancesCommand({
      ImageId: al2023, InstanceType: "m5.large", MinCount: 2, MaxCount: 2,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web-1" }, { Key: "team", Value: "blue" }] }],
    }));
    const ids = r.Instances!.map((i) => i.InstanceId!);
    await ec2.send(new CreateTagsCommand({ Resources: [ids[1]!], Tags: [{ Key: "Name", Value: "db-1" }] }));
    const ids_of = (out: { Reservations?: { Instances?: { InstanceId?: string }[] }[] }) => out.Reservations!.flatMap((x) => x.Instances!.map((i) => i.InstanceId!)).sort();
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["web-1"] }] }))), [ids[0]]);
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["web-*", "db-?"] }] }))), [...ids].sort());
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag-key", Values: ["team"] }, { Name: "instance-type", Values: ["m5.large"] }] }))), [...ids].sort());
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:team", Values: ["blue"] }, { Name: "instance-state-name", Values: ["stopped"] }] }))), []);
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["WEB-1"] }] }))), [], "matching is case-sensitive");
    assert.deepEqual(ids_of(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "reservation-id", Values: [r.ReservationId!] }, { Name: "instance-state-code", Values: ["0"] }] }))), [...ids].sort());
    const e = await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })));
    assert.equal(e.name, "InvalidParameterValue");
    assert.equal(e.message, "The filter 'no-such-filter' is invalid");
  });

  it("unknown and malformed ids fail the whole call", async () => {
    const e = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0", "i-0123456789abcdef1"] })));
    assert.equal(e.name, "InvalidInstanceID.NotFound");
    assert.equal(e.message, "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    const m = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-xyz"] })));
    assert.equal(m.name, "InvalidInstanceID.Malformed");
  });

  it("MaxResults: 5..1000, not with InstanceIds; pages never split a reservation; paginateDescribeInstances walks them all", async () => {
    for (let i = 0; i < 4; i++) await ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.nano", MinCount: 3, MaxCount: 3, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "page", Value: "yes" }] }] }));
    const filter = [{ Name: "tag:page", Values: ["yes"] }];
    const first = await ec2.send(new DescribeInstancesCommand({ Filters: filter, MaxResults: 5 }));
    assert.equal(first.Reservations!.length, 2, "5 instances reach into the second reservation, which is returned whole");
    assert.ok(first.NextToken);
    let seen = 0;
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: filter })) {
      pages++;
      seen += page.Reservations!.reduce((n, r) => n + r.Instances!.length, 0);
    }
    assert.equal(seen, 12);
    assert.equal(pages, 2);
    assert.equal((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })))).name, "InvalidParameterValue");
    assert.equal((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 10, InstanceIds: ["i-0123456789abcdef0"] })))).name, "InvalidParameterCombination");
    assert.equal((await failure(ec2.send(new DescribeInstancesCommand({ NextToken: "garbage!" })))).name, "InvalidNextToken");
  });

  it("terminated instances stay visible for an hour, then InvalidInstanceID.NotFound", async () => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    const id = r.Instances![0]!.InstanceId!;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    cb.clock.advance!(5_000);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    assert.equal(d.Reservations![0]!.Instances![0]!.State!.Name, "terminated");
    assert.equal(d.Reservations![0]!.Instances![0]!.PublicIpAddress, undefined);
    cb.clock.advance!(3_600_000);
    assert.equal((await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).name, "InvalidInstanceID.NotFound");
  });

  it("attributes: userData round trip, instanceType only when stopped, one attribute per call", async () => {
    const userData = Buffer.from("#!/bin/sh\necho from-user-data\n").toString("base64");
    const r = await ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, UserData: userData }));
    const id = r.Instances![0]!.InstanceId!;
    const ud = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }));
    assert.equal(ud.UserData!.Value, userData);
    cb.clock.advance!(1500);
    const e = await failure(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.small" } })));
    assert.equal(e.name, "IncorrectInstanceState");
    const both = await failure(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiStop: { Value: true }, DisableApiTermination: { Value: true } })));
    assert.equal(both.name, "InvalidParameterCombination");
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }));
    const dat = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "disableApiTermination" }));
    assert.equal(dat.DisableApiTermination!.Value, true);
    const console = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    const text = Buffer.from(console.Output!, "base64").toString();
    assert.match(text, /from-user-data/);
    assert.match(text, /on host h-[0-9a-f]{17} \[nitro\]/);
  });

  it("DescribeInstanceStatus: running only by default, initializing then ok; IncludeAllInstances shows the rest", async () => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: al2023, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    const id = r.Instances![0]!.InstanceId!;
    assert.deepEqual((await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses, []);
    const all = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true }));
    assert.equal(all.InstanceStatuses![0]!.InstanceStatus!.Status, "not-applicable");
    cb.clock.advance!(1500);
    assert.equal((await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses![0]!.SystemStatus!.Status, "initializing");
    cb.clock.advance!(5000);
    const ok = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    assert.equal(ok.InstanceStatuses![0]!.InstanceStatus!.Status, "ok");
    assert.equal(ok.InstanceStatuses![0]!.InstanceStatus!.Details![0]!.Status, "passed");
  });
});

describe("EC2 RunInstances with no pending time", () => {
  it("answers the instance as running, with its public address and volumes", async () => {
    const cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: { lifecycle: { pendingMs: 0 } } } });
    const ec2 = new EC2Client(sdkConfig(cb));
    try {
      const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*"] }] }))).Images![0]!.ImageId!;
      const i = (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!;
      assert.equal(i.State!.Name, "running");
      assert.ok(i.PublicIpAddress);
      assert.equal(i.BlockDeviceMappings!.length, 1);
      assert.equal(i.NetworkInterfaces![0]!.Attachment!.Status, "attached");
      assert.equal(i.StateReason, undefined);
    } finally {
      ec2.destroy();
      await cb.stop();
    }
  });
});

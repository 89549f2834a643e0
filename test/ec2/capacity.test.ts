import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { EC2Client, RunInstancesCommand, DescribeImagesCommand, TerminateInstancesCommand, StopInstancesCommand, StartInstancesCommand, DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import type { HostReport } from "../../compute/hypervisor/hypervisor.js";
import { startTestCloudbox, sdkConfig, failure } from "../support/fixture.js";


async function hosts(cb: Cloudbox, query: string): Promise<HostReport[]> {
  const res = await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?${query}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { hosts: HostReport[] }).hosts;
}

async function imageNamed(ec2: EC2Client, pattern: string): Promise<string> {
  return (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: [pattern] }] }))).Images![0]!.ImageId!;
}

/** A cloudbox on a virtual clock with these EC2 settings, a client, and an Amazon Linux 2023 image to launch. */
async function fleet(ec2Settings: Record<string, unknown>): Promise<{ cb: Cloudbox; ec2: EC2Client; image: string }> {
  const cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: ec2Settings } });
  const ec2 = new EC2Client(sdkConfig(cb));
  return { cb, ec2, image: await imageNamed(ec2, "al2023-ami-*-x86_64") };
}

async function close(cb: Cloudbox, ec2: EC2Client): Promise<void> {
  ec2.destroy();
  await cb.stop();
}

describe("EC2 capacity: fleet, placement, quotas, addresses", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  before(async () => ({ cb, ec2, image } = await fleet({ fleet: { zones: { "us-east-1a": { m5: 2, c4: 1, r5: 1 } } } })));
  after(() => close(cb, ec2));

  const launch = (type: string, extra: Record<string, unknown> = {}) =>
    ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: type as "m5.large", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1a" }, ...extra }));

  it("fills an AZ's m5 hosts, answers InsufficientInstanceCapacity (HTTP 500), and launches again once a host is freed", async () => {
    const empty = await hosts(cb, "az=us-east-1a&family=m5");
    assert.equal(empty.length, 2);
    assert.deepEqual(empty.map((h) => [h.totalVCpus, h.freeVCpus, h.hypervisor, h.sockets]), [[96, 96, "nitro", 2], [96, 96, "nitro", 2]]);
    // An m5.12xlarge fills one socket (48 threads), so two hosts take four.
    const r = await launch("m5.12xlarge", { MinCount: 1, MaxCount: 10 });
    assert.equal(r.Instances!.length, 4, "MaxCount is an upper bound: as many as fit are launched");
    const full = await hosts(cb, "az=us-east-1a&family=m5");
    assert.deepEqual(full.map((h) => h.freeVCpus), [0, 0]);
    assert.deepEqual(full.map((h) => h.usedThreadsPerSocket), [[48, 48], [48, 48]]);
    const e = await failure(launch("m5.large"));
    assert.equal(e.name, "InsufficientInstanceCapacity");
    assert.equal(e.$metadata.httpStatusCode, 500);
    assert.equal(e.message, "We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity. You can currently get m5.large capacity by not specifying an Availability Zone in your request or choosing us-east-1b, us-east-1c.");
    assert.equal((await failure(launch("m5.large", { MinCount: 2, MaxCount: 2 }))).name, "InsufficientInstanceCapacity");
    // Without an AZ, EC2 picks one that has room.
    const elsewhere = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }));
    assert.notEqual(elsewhere.Instances![0]!.Placement!.AvailabilityZone, "us-east-1a");

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.Instances![0]!.InstanceId!] }));
    assert.equal((await failure(launch("m5.large"))).name, "InsufficientInstanceCapacity", "the host is released when shutting-down ends, not before");
    cb.clock.advance!(1000);
    const again = await launch("m5.large");
    assert.equal(again.Instances!.length, 1);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [...r.Instances!.slice(1), ...again.Instances!].map((i) => i.InstanceId!) }));
    cb.clock.advance!(1000);
    assert.deepEqual((await hosts(cb, "az=us-east-1a&family=m5")).map((h) => h.freeVCpus), [96, 96]);
  });

  it("stop/start moves the instance to another host when one fits; the hosts view follows", async () => {
    const a = (await launch("m5.large")).Instances![0]!.InstanceId!;
    const b = (await launch("m5.large")).Instances![0]!.InstanceId!;
    let view = await hosts(cb, "az=us-east-1a&family=m5&used=true");
    assert.equal(view.length, 1, "best fit packs both guests on one host");
    const first = view[0]!.hostId;
    assert.deepEqual(view[0]!.instances.map((i) => i.instanceId).sort(), [a, b].sort());
    cb.clock.advance!(1000);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [a] }));
    cb.clock.advance!(1000);
    await ec2.send(new StartInstancesCommand({ InstanceIds: [a] }));
    view = await hosts(cb, "az=us-east-1a&family=m5&used=true");
    const holder = view.find((h) => h.instances.some((i) => i.instanceId === a))!;
    assert.notEqual(holder.hostId, first);
    assert.equal(holder.instances.find((i) => i.instanceId === a)!.state, "pending");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [a, b] }));
    cb.clock.advance!(1000);
  });

  it("Xen hosts keep threads for dom0: a c4 host takes one c4.8xlarge and nothing more", async () => {
    const [c4] = await hosts(cb, "az=us-east-1a&family=c4");
    assert.equal(c4!.hypervisor, "xen");
    assert.equal(c4!.totalVCpus, 40);
    assert.equal(c4!.reservedVCpus, 4);
    assert.equal(c4!.freeVCpus, 36);
    const big = await launch("c4.8xlarge");
    assert.equal((await failure(launch("c4.large"))).name, "InsufficientInstanceCapacity");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [big.Instances![0]!.InstanceId!] }));
    cb.clock.advance!(1000);
  });

  it("a guest that powers itself off frees its host when its shutdown is over", async () => {
    const UserData = Buffer.from("#!/bin/sh\npoweroff\n").toString("base64");
    const first = await launch("c4.8xlarge", { UserData });
    assert.equal((await failure(launch("c4.8xlarge"))).name, "InsufficientInstanceCapacity");
    cb.clock.advance!(1000 + 1000 + 1000);
    const second = await launch("c4.8xlarge");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [first.Instances![0]!.InstanceId!, second.Instances![0]!.InstanceId!] }));
    cb.clock.advance!(1000);
  });

  it("guests stay within one socket: an R5 host (2 × 24 cores) takes two r5.8xlarge, not three (AWS's documented cap)", async () => {
    const r = await launch("r5.8xlarge", { MinCount: 1, MaxCount: 3 });
    assert.equal(r.Instances!.length, 2);
    const [host] = await hosts(cb, "az=us-east-1a&family=r5");
    assert.deepEqual(host!.usedThreadsPerSocket, [32, 32]);
    assert.equal(host!.freeVCpus, 32, "32 threads are free, but split 16 + 16 across the sockets");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: r.Instances!.map((i) => i.InstanceId!) }));
    cb.clock.advance!(1000);
  });

  it("paravirtual AMIs run only on Xen types that offer paravirtual", async () => {
    const pv = await imageNamed(ec2, "amzn-ami-pv-*");
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: pv, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })));
    assert.equal(e.name, "InvalidParameterCombination");
    const ok = await ec2.send(new RunInstancesCommand({ ImageId: pv, InstanceType: "m3.medium", MinCount: 1, MaxCount: 1 }));
    const id = ok.Instances![0]!.InstanceId!;
    assert.equal(ok.Instances![0]!.VirtualizationType, "paravirtual");
    const view = await hosts(cb, "family=m3&used=true");
    assert.equal(view[0]!.hypervisor, "xen");
    assert.equal(view[0]!.instances[0]!.instanceId, id);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });
});

describe("EC2 quotas and address exhaustion", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  before(async () => ({ cb, ec2, image } = await fleet({ vcpuQuota: { standard: 8, g: 4 } })));
  after(() => close(cb, ec2));

  it("the vCPU quota caps MaxCount and refuses launches below MinCount with VcpuLimitExceeded", async () => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 10 }));
    assert.equal(r.Instances!.length, 4);
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 })));
    assert.equal(e.name, "VcpuLimitExceeded");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /current vCPU limit of 8/);
    // A stopped instance does not count against the quota.
    cb.clock.advance!(1000);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [r.Instances![0]!.InstanceId!] }));
    cb.clock.advance!(1000);
    const more = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }));
    assert.equal((await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [r.Instances![0]!.InstanceId!] })))).name, "VcpuLimitExceeded");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [...r.Instances!, ...more.Instances!].map((i) => i.InstanceId!) }));
    cb.clock.advance!(1000);
  });

  it("quotas are per bucket of families: G instances count against their own limit", async () => {
    const standard = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.xlarge", MinCount: 2, MaxCount: 2 }));
    const gpu = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "g4dn.xlarge", MinCount: 1, MaxCount: 1 }));
    assert.equal(gpu.Instances!.length, 1, "a full standard bucket does not stop a G launch");
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "g4dn.xlarge", MinCount: 1, MaxCount: 1 })));
    assert.equal(e.name, "VcpuLimitExceeded");
    assert.match(e.message, /current vCPU limit of 4 /);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [...standard.Instances!, ...gpu.Instances!].map((i) => i.InstanceId!) }));
    cb.clock.advance!(1000);
  });
});

describe("EC2 private address allocation", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  before(async () => ({ cb, ec2, image } = await fleet({ network: { defaultSubnetPrefixLength: 28 } })));
  after(() => close(cb, ec2));

  it("a /28 default subnet has 11 usable addresses (first four and last reserved): InsufficientFreeAddressesInSubnet", async () => {
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1a"] }] }));
    const subnet = subnets.Subnets![0]!;
    assert.equal(subnet.CidrBlock, "172.31.0.0/28");
    assert.equal(subnet.AvailableIpAddressCount, 11);
    const e = await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t2.nano", MinCount: 12, MaxCount: 12, SubnetId: subnet.SubnetId })));
    assert.equal(e.name, "InsufficientFreeAddressesInSubnet");
    const r = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t2.nano", MinCount: 1, MaxCount: 8, SubnetId: subnet.SubnetId }));
    const r2 = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t2.nano", MinCount: 1, MaxCount: 8, SubnetId: subnet.SubnetId }));
    assert.equal(r.Instances!.length + r2.Instances!.length, 11);
    const ips = [...r.Instances!, ...r2.Instances!].map((i) => Number(i.PrivateIpAddress!.split(".")[3]));
    assert.deepEqual([...ips].sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const full = await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t2.nano", MinCount: 1, MaxCount: 1, SubnetId: subnet.SubnetId })));
    assert.equal(full.name, "InsufficientFreeAddressesInSubnet");
    assert.equal((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))).Subnets![0]!.AvailableIpAddressCount, 0);
  });

  it("addresses of terminated instances are given out again, by request or at random; one in use is refused", async () => {
    const subnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1b"] }] }))).Subnets![0]!;
    const launch = (extra: object) => ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t2.nano", MinCount: 1, MaxCount: 11, SubnetId: subnet.SubnetId, ...extra }));
    const first = (await launch({})).Instances!;
    assert.equal(first.length, 11);
    const inUse = await failure(launch({ MaxCount: 1, PrivateIpAddress: first[0]!.PrivateIpAddress }));
    assert.equal(inUse.name, "InvalidIPAddress.InUse");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: first.map((i) => i.InstanceId!) }));
    cb.clock.advance!(60_000);
    const again = (await launch({ MaxCount: 1, PrivateIpAddress: first[0]!.PrivateIpAddress })).Instances!;
    assert.equal(again[0]!.PrivateIpAddress, first[0]!.PrivateIpAddress);
    const rest = (await launch({})).Instances!;
    assert.equal(rest.length, 10, "every other address is free again");
    assert.deepEqual(new Set([...again, ...rest].map((i) => i.PrivateIpAddress)), new Set(first.map((i) => i.PrivateIpAddress)));
  });
});

describe("EC2 capacity: a launch refused after writing an instance holds nothing", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  before(async () => ({ cb, ec2, image } = await fleet({ fleet: { zones: { "us-east-1a": { m5: 1 } } }, ebsQuotas: { storageGiB: { sc1: 300 } } })));
  after(() => close(cb, ec2));

  it("its host share, vCPUs and address are free again, and so is its client token", async () => {
    const freeAddresses = async () => (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1a"] }] }))).Subnets![0]!.AvailableIpAddressCount;
    const placement = { AvailabilityZone: "us-east-1a" };
    const small = (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, Placement: placement }))).Instances![0]!;
    const before = (await freeAddresses())!;
    // Each instance gets a 200 GiB sc1 volume: the first fits the 300 GiB quota, the second does
    // not, so the call fails after the first instance's row was written, and rolls it back.
    const withData = { ImageId: image, InstanceType: "m5.4xlarge" as const, MinCount: 2, MaxCount: 2, Placement: placement, ClientToken: "rolled-back" };
    const refused = await failure(ec2.send(new RunInstancesCommand({ ...withData, BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 200, VolumeType: "sc1" } }] })));
    assert.equal(refused.name, "VolumeLimitExceeded");
    assert.equal(await freeAddresses(), before);
    // The same token with other arguments is a new launch, not a mismatch with the refused one.
    const retried = await ec2.send(new RunInstancesCommand(withData));
    assert.equal(retried.Instances!.length, 2);
    assert.equal(await freeAddresses(), before - 2);
    // Once everything else is gone, the host is wholly free: nothing of the refused call holds it.
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [small.InstanceId!, ...retried.Instances!.map((i) => i.InstanceId!)] }));
    cb.clock.advance!(60_000);
    const whole = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.24xlarge", MinCount: 1, MaxCount: 1, Placement: placement }));
    assert.equal(whole.Instances!.length, 1);
    assert.equal((await hosts(cb, "az=us-east-1a&family=m5"))[0]!.freeVCpus, 0);
  });
});

describe("EC2 capacity: a launch refused for capacity after placing some of its guests", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  before(async () => ({ cb, ec2, image } = await fleet({ fleet: { zones: { "us-east-1a": { m5: 1 } } } })));
  after(() => close(cb, ec2));

  it("leaves the host as it was: what it had placed is free for the next launch", async () => {
    const launch = (type: string, count: number) =>
      ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: type as "m5.large", MinCount: count, MaxCount: count, Placement: { AvailabilityZone: "us-east-1a" } }));
    await launch("m5.large", 1);
    // One socket (48 threads) is free, the other holds the m5.large: the first m5.12xlarge fits, the second does not.
    assert.equal((await failure(launch("m5.12xlarge", 2))).name, "InsufficientInstanceCapacity");
    assert.equal((await launch("m5.12xlarge", 1)).Instances!.length, 1);
    assert.deepEqual((await hosts(cb, "az=us-east-1a&family=m5"))[0]!.usedThreadsPerSocket.sort((a, b) => a - b), [2, 48]);
  });

  it("a reset frees every host and address", async () => {
    const launchWhole = () => ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.24xlarge", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1a" } }));
    const freeAddresses = async () => (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1a"] }] }))).Subnets![0]!.AvailableIpAddressCount!;
    await cb.reset();
    const empty = await freeAddresses();
    await launchWhole();
    assert.equal(await freeAddresses(), empty - 1);
    assert.equal((await failure(launchWhole())).name, "InsufficientInstanceCapacity");
    await cb.reset();
    assert.equal(await freeAddresses(), empty);
    assert.equal((await launchWhole()).Instances!.length, 1, "the host is wholly free again");
  });
});

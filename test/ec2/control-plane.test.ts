import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import type { HostReport } from "../../compute/hypervisor/hypervisor.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("EC2 control plane: /_cloudbox/ec2/hosts and reset", () => {
  const started: Cloudbox[] = [];
  after(async () => {
    for (const cb of started) await cb.stop();
  });

  it("lists the fleet per AZ and family as configured, with racks, and what runs where; reset empties it", async () => {
    const cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: { fleet: { hostsPerFamily: 2, hostsPerRack: 1, families: { t3: 3 } } } } });
    started.push(cb);
    const ec2 = new EC2Client(sdkConfig(cb, "eu-west-1"));
    const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
    const r = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.large", MinCount: 2, MaxCount: 2 }));
    const res = await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?region=eu-west-1&family=t3`);
    const { region, hosts } = (await res.json()) as { region: string; hosts: HostReport[] };
    assert.equal(region, "eu-west-1");
    assert.equal(hosts.length, 9, "3 t3 hosts in each of 3 AZs");
    assert.equal(new Set(hosts.map((h) => h.rack)).size, 9, "one host per rack");
    const used = hosts.filter((h) => h.instances.length);
    assert.equal(used.length, 1);
    assert.equal(used[0]!.availabilityZone, "eu-west-1a");
    // t3.large holds half a thread per vCPU on a burstable host (AWS's T3 host takes 96 of them).
    assert.equal(used[0]!.usedVCpus, 2);
    assert.equal(used[0]!.usedMemoryMiB, 2 * 8192);
    assert.deepEqual(used[0]!.instances.map((i) => i.instanceId).sort(), r.Instances!.map((i) => i.InstanceId).sort());
    assert.equal((await (await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?region=eu-west-1&family=m5`)).json() as { hosts: unknown[] }).hosts.length, 6);

    const vpcBefore = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId;
    await cb.reset();
    assert.deepEqual((await ec2.send(new DescribeInstancesCommand({}))).Reservations, []);
    const after = (await (await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?region=eu-west-1&used=true`)).json()) as { hosts: unknown[] };
    assert.deepEqual(after.hosts, []);
    const vpcAfter = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId;
    assert.notEqual(vpcAfter, vpcBefore, "a fresh default VPC after reset");
    ec2.destroy();
  });

  it("answers 404 with advice when EC2 is not running", async () => {
    const cb = await startTestCloudbox({ services: ["s3"] });
    started.push(cb);
    const res = await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /EC2 is not running/);
  });

  it("refuses a bad fleet setting at start with a message that says which", async () => {
    await assert.rejects(startTestCloudbox({ settings: { ec2: { fleet: { placement: "random" } } } }), /fleet\.placement must be best-fit, first-fit or worst-fit/);
  });
});

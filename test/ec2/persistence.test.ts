import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, CreateKeyPairCommand, DescribeKeyPairsCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import type { HostReport } from "../../compute/hypervisor/hypervisor.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("EC2 state survives a restart with a data directory", () => {
  it("instances keep their ids, addresses, tags and host; key pairs stay", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-ec2-data-"));
    let cb = await startTestCloudbox({ dataDir });
    try {
      let ec2 = new EC2Client(sdkConfig(cb));
      const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
      const request = { ImageId: image, InstanceType: "m5.large" as const, MinCount: 1, MaxCount: 1, ClientToken: "kept-token", TagSpecifications: [{ ResourceType: "instance" as const, Tags: [{ Key: "Name", Value: "kept" }] }] };
      const launched = (await ec2.send(new RunInstancesCommand(request))).Instances![0]!;
      await ec2.send(new CreateKeyPairCommand({ KeyName: "kept-key" }));
      const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] }))).Reservations![0]!.Instances![0]!;
      const rootVolumeId = described.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      const hostsBefore = ((await (await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?used=true`)).json()) as { hosts: HostReport[] }).hosts;
      ec2.destroy();
      await cb.stop();

      cb = await startTestCloudbox({ dataDir });
      ec2 = new EC2Client(sdkConfig(cb));
      const found = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["kept"] }] }))).Reservations![0]!.Instances![0]!;
      assert.equal(found.InstanceId, launched.InstanceId);
      assert.equal(found.PrivateIpAddress, launched.PrivateIpAddress);
      // The root volume's attachment is read back from the rows: by instance and by volume.
      assert.deepEqual(found.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId), [rootVolumeId]);
      const rootVolume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [rootVolumeId] }))).Volumes![0]!;
      assert.equal(rootVolume.State, "in-use");
      assert.deepEqual(rootVolume.Attachments!.map((a) => a.InstanceId), [launched.InstanceId]);
      assert.ok(["pending", "running"].includes(found.State!.Name!), "the state is derived from the stored times on the real clock");
      const hostsAfter = ((await (await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?used=true`)).json()) as { hosts: HostReport[] }).hosts;
      assert.equal(hostsAfter[0]!.hostId, hostsBefore[0]!.hostId, "host ids are stable and occupancy comes back from the rows");
      assert.equal((await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["kept-key"] }))).KeyPairs!.length, 1);
      // The client token is known after the restart: a retry answers the original reservation.
      const retried = (await ec2.send(new RunInstancesCommand(request))).Instances!;
      assert.deepEqual(retried.map((i) => i.InstanceId), [launched.InstanceId]);
      assert.equal((await ec2.send(new DescribeInstancesCommand({}))).Reservations!.length, 1);
      ec2.destroy();
    } finally {
      await cb.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

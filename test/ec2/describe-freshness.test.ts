import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, CreateTagsCommand, DeleteTagsCommand, ModifyInstanceAttributeCommand,
  StopInstancesCommand, CreateVolumeCommand, AttachVolumeCommand,
} from "@aws-sdk/client-ec2";
import type { Instance } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

/** DescribeInstances reuses what it showed last time; every kind of change must still show at once. */
describe("EC2 DescribeInstances shows every change at once", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let id: string;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
    id = (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    // Enough neighbours that a listing reads attachments for the whole region (its cached path).
    await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.nano", MinCount: 60, MaxCount: 60 }));
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  // Twice: the second listing is the one served from what the first left behind.
  const shown = async (): Promise<Instance> => {
    const [first, again] = [await ec2.send(new DescribeInstancesCommand({})), await ec2.send(new DescribeInstancesCommand({}))];
    assert.deepEqual(again.Reservations, first.Reservations);
    return again.Reservations!.flatMap((r) => r.Instances!).find((i) => i.InstanceId === id)!;
  };

  it("time, tags, attributes, state changes and attachments", async () => {
    assert.equal((await shown()).State!.Name, "pending");
    cb.clock.advance!(1000);
    assert.equal((await shown()).State!.Name, "running");
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "one" }] }));
    assert.deepEqual((await shown()).Tags, [{ Key: "Name", Value: "one" }]);
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "two" }] }));
    assert.deepEqual((await shown()).Tags, [{ Key: "Name", Value: "two" }]);
    await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "Name" }] }));
    assert.equal((await shown()).Tags, undefined);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } }));
    assert.equal((await shown()).SourceDestCheck, false);
    const before = await shown();
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: before.Placement!.AvailabilityZone!, Size: 2 }));
    cb.clock.advance!(5000);
    await ec2.send(new AttachVolumeCommand({ VolumeId: volume.VolumeId!, InstanceId: id, Device: "/dev/sdf" }));
    assert.equal((await shown()).BlockDeviceMappings!.find((b) => b.DeviceName === "/dev/sdf")!.Ebs!.Status, "attaching");
    cb.clock.advance!(5000);
    assert.equal((await shown()).BlockDeviceMappings!.find((b) => b.DeviceName === "/dev/sdf")!.Ebs!.Status, "attached");
    const devices = (await shown()).BlockDeviceMappings!.map((b) => [b.DeviceName, b.Ebs!.VolumeId]);
    assert.deepEqual(devices, [[before.RootDeviceName, before.BlockDeviceMappings![0]!.Ebs!.VolumeId], ["/dev/sdf", volume.VolumeId]]);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    assert.equal((await shown()).State!.Name, "stopping");
    cb.clock.advance!(1000);
    const stopped = await shown();
    assert.equal(stopped.State!.Name, "stopped");
    assert.equal(stopped.PublicIpAddress, undefined);
  });
});

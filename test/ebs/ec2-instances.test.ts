import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, DescribeImagesCommand, RunInstancesCommand, DescribeInstancesCommand, TerminateInstancesCommand, StopInstancesCommand, CreateVolumeCommand,
  AttachVolumeCommand, DetachVolumeCommand, DescribeVolumesCommand, DescribeSnapshotsCommand, CreateSnapshotsCommand, CreateTagsCommand, DescribeTagsCommand, ModifyInstanceAttributeCommand,
  EnableEbsEncryptionByDefaultCommand, DisableEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand, ResetEbsDefaultKmsKeyIdCommand,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3 } from "../support/fixture.js";

/** EBS against real EC2 instances: launch volumes, attachments, termination, tags. */
describe("EBS with EC2 instances", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let imageId: string;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }));
    imageId = images.Images![0]!.ImageId!;
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  async function launch(extra: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]> = {}) {
    const out = await ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1a" }, ...extra }));
    cb.clock.advance!(5_000);
    return out.Instances![0]!;
  }

  it("RunInstances gives the instance an in-use root volume and requested extra volumes; BlockDeviceMappings show them", async () => {
    const instance = await launch({
      BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20, VolumeType: "gp3", DeleteOnTermination: false } }],
      TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "team", Value: "storage" }] }],
    });
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0]!.Instances![0]!;
    const mappings = described.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs!.Status, m.Ebs!.DeleteOnTermination]);
    assert.deepEqual(mappings, [[described.RootDeviceName, "attached", true], ["/dev/sdf", "attached", false]]);
    const volumes = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance.InstanceId!] }] }))).Volumes!;
    assert.equal(volumes.length, 2);
    assert.ok(volumes.every((v) => v.State === "in-use" && v.AvailabilityZone === "us-east-1a"));
    assert.ok(volumes.every((v) => v.Tags?.some((t) => t.Key === "team" && t.Value === "storage")), "volume TagSpecifications reach launch volumes");
    assert.deepEqual(volumes.map((v) => v.Size).sort((a, b) => a! - b!), [8, 20]);
    // The root volume names the AMI's snapshot, which is Amazon's public snapshot and can be restored.
    const root = volumes.find((v) => v.Attachments![0]!.Device === described.RootDeviceName)!;
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images![0]!;
    assert.equal(root.SnapshotId, image.BlockDeviceMappings![0]!.Ebs!.SnapshotId);
    const snapshot = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [root.SnapshotId!] }))).Snapshots![0]!;
    assert.deepEqual([snapshot.State, snapshot.OwnerAlias], ["completed", "amazon"]);
    const restored = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: root.SnapshotId }));
    assert.equal(restored.SnapshotId, root.SnapshotId);
    await assert.rejects(ec2.send(new RunInstancesCommand({
      ImageId: imageId, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { SnapshotId: "snap-0123456789abcdef0" } }],
    })), { name: "InvalidSnapshot.NotFound" });
  });

  it("encryption by default reaches launch volumes, and each change of it applies from the next launch on", async () => {
    const rootOf = async () => {
      const instance = await launch();
      const volumes = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance.InstanceId!] }] }))).Volumes!;
      return volumes[0]!;
    };
    assert.equal((await rootOf()).Encrypted, false);
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    const encrypted = await rootOf();
    assert.equal(encrypted.Encrypted, true);
    assert.match(encrypted.KmsKeyId!, /^arn:aws:kms:us-east-1:000000000000:key\//);
    const key = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";
    await ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: key }));
    assert.equal((await rootOf()).KmsKeyId, key);
    await ec2.send(new ResetEbsDefaultKmsKeyIdCommand({}));
    assert.notEqual((await rootOf()).KmsKeyId, key);
    await ec2.send(new DisableEbsEncryptionByDefaultCommand({}));
    assert.equal((await rootOf()).Encrypted, false);
    // A reset forgets the setting with everything else.
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    assert.equal((await rootOf()).Encrypted, true);
    await cb.reset();
    imageId = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
    assert.equal((await rootOf()).Encrypted, false);
  });

  it("attach/detach a volume on a running instance; the instance's BlockDeviceMappings follow", async () => {
    const instance = await launch();
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp3" }));
    cb.clock.advance!(3_000);
    await ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: instance.InstanceId, Device: "/dev/sdg" }));
    cb.clock.advance!(2_000);
    let mappings = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0]!.Instances![0]!.BlockDeviceMappings!;
    assert.ok(mappings.some((m) => m.DeviceName === "/dev/sdg" && m.Ebs!.VolumeId === VolumeId && m.Ebs!.Status === "attached"));
    // The root device is in use on that instance.
    const rootDevice = mappings[0]!.DeviceName!;
    const other = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    cb.clock.advance!(3_000);
    await assert.rejects(ec2.send(new AttachVolumeCommand({ VolumeId: other.VolumeId, InstanceId: instance.InstanceId, Device: rootDevice })), { name: "InvalidParameterValue" });
    await assert.rejects(ec2.send(new DetachVolumeCommand({ VolumeId: mappings[0]!.Ebs!.VolumeId })), { name: "OperationNotPermitted" });
    await ec2.send(new DetachVolumeCommand({ VolumeId }));
    cb.clock.advance!(2_000);
    mappings = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0]!.Instances![0]!.BlockDeviceMappings!;
    assert.ok(!mappings.some((m) => m.Ebs!.VolumeId === VolumeId));
    // A stopped instance gives up its root volume.
    await ec2.send(new StopInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    cb.clock.advance!(5_000);
    assert.equal((await ec2.send(new DetachVolumeCommand({ VolumeId: mappings[0]!.Ebs!.VolumeId }))).State, "detaching");
  });

  it("DescribeInstances' block-device-mapping filters follow the attachments, not the devices recorded at launch", async () => {
    const instance = await launch();
    const byFilter = async (name: string, value: string) => {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }, { Name: "instance-id", Values: [instance.InstanceId!] }] }));
      return out.Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId);
    };
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp3" }));
    cb.clock.advance!(3_000);
    assert.deepEqual(await byFilter("block-device-mapping.volume-id", VolumeId!), []);
    await ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: instance.InstanceId, Device: "/dev/sdh" }));
    assert.deepEqual(await byFilter("block-device-mapping.status", "attaching"), [instance.InstanceId]);
    cb.clock.advance!(2_000);
    assert.deepEqual(await byFilter("block-device-mapping.volume-id", VolumeId!), [instance.InstanceId]);
    assert.deepEqual(await byFilter("block-device-mapping.device-name", "/dev/sdh"), [instance.InstanceId]);
    assert.deepEqual(await byFilter("block-device-mapping.status", "attaching"), []);
    const attachTime = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes![0]!.Attachments![0]!.AttachTime!;
    assert.deepEqual(await byFilter("block-device-mapping.attach-time", attachTime.toISOString()), [instance.InstanceId]);
    await ec2.send(new DetachVolumeCommand({ VolumeId }));
    assert.deepEqual(await byFilter("block-device-mapping.status", "detaching"), [instance.InstanceId]);
    cb.clock.advance!(2_000);
    assert.deepEqual(await byFilter("block-device-mapping.volume-id", VolumeId!), []);
    assert.deepEqual(await byFilter("block-device-mapping.device-name", "/dev/sdh"), []);
  });

  it("terminate: DeleteOnTermination true volumes are deleted, false ones become available", async () => {
    const instance = await launch({ BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 5, DeleteOnTermination: false } }, { DeviceName: "/dev/sdh", Ebs: { VolumeSize: 5, DeleteOnTermination: true } }] });
    const { VolumeId: attachedLater } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 3 }));
    cb.clock.advance!(3_000);
    await ec2.send(new AttachVolumeCommand({ VolumeId: attachedLater, InstanceId: instance.InstanceId, Device: "/dev/sdj" }));
    cb.clock.advance!(2_000);
    const volumes = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance.InstanceId!] }] }))).Volumes!;
    const byDevice = new Map(volumes.map((v) => [v.Attachments![0]!.Device!, v]));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    cb.clock.advance!(10_000);
    const remaining = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-id", Values: volumes.map((v) => v.VolumeId!) }] }))).Volumes!;
    const states = new Map(remaining.map((v) => [v.VolumeId, v.State]));
    assert.equal(states.get(byDevice.get("/dev/sdf")!.VolumeId), "available");
    assert.equal(states.get(attachedLater), "available", "volumes attached later default to DeleteOnTermination=false");
    assert.equal(states.has(byDevice.get("/dev/sdh")!.VolumeId), false);
    assert.equal(remaining.length, 2, "the root volume and /dev/sdh were deleted");
    assert.ok(remaining.every((v) => v.Attachments!.length === 0));
  });

  it("ModifyInstanceAttribute DeleteOnTermination reaches the attachment", async () => {
    const instance = await launch();
    const root = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0]!.Instances![0]!.BlockDeviceMappings![0]!;
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.InstanceId, BlockDeviceMappings: [{ DeviceName: root.DeviceName, Ebs: { DeleteOnTermination: false } }] }));
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [root.Ebs!.VolumeId!] }))).Volumes![0]!;
    assert.equal(volume.Attachments![0]!.DeleteOnTermination, false);
  });

  it("CreateSnapshots takes every volume of an instance at one instant, with the volume tags if asked", async () => {
    const instance = await launch({
      BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 4 } }],
      TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "app", Value: "db" }] }],
    });
    const all = await ec2.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instance.InstanceId }, Description: "all", CopyTagsFromSource: "volume" }));
    assert.equal(all.Snapshots!.length, 2);
    assert.ok(all.Snapshots!.every((s) => s.State === "pending" && s.Description === "all" && s.Tags?.some((t) => t.Key === "app" && t.Value === "db")));
    cb.clock.advance!(20_000);
    const data = await ec2.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instance.InstanceId, ExcludeBootVolume: true } }));
    assert.deepEqual(data.Snapshots!.map((s) => s.VolumeSize), [4]);
    await assert.rejects(ec2.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: "i-0123456789abcdef0" } })), { name: "InvalidInstanceID.NotFound" });
  });

  it("CreateTags and DescribeTags see volumes; volume tags come back on DescribeVolumes", async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", Size: 1, TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "a", Value: "1" }] }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [VolumeId!], Tags: [{ Key: "b", Value: "2" }] }));
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [VolumeId!] }] }));
    assert.deepEqual(tags.Tags!.map((t) => [t.Key, t.Value, t.ResourceType]), [["a", "1", "volume"], ["b", "2", "volume"]]);
    const volume = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "tag:b", Values: ["2"] }] }))).Volumes!;
    assert.deepEqual(volume.map((v) => v.VolumeId), [VolumeId]);
  });

  it("boto3: run an instance, attach, detach and delete a volume", async () => {
    const instance = await launch();
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 2 }));
    cb.clock.advance!(3_000);
    const out = (await boto3(cb, `
import boto3, json, os, urllib.request
ec2 = boto3.client("ec2")
def advance(ms):
    urllib.request.urlopen(urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/_cloudbox/clock/advance", data=json.dumps({"ms": ms}).encode(), headers={"content-type": "application/json"}))
a = ec2.attach_volume(VolumeId="${VolumeId}", InstanceId="${instance.InstanceId}", Device="/dev/sdk")
try:
    ec2.delete_volume(VolumeId="${VolumeId}")
    err = None
except ec2.exceptions.ClientError as e:
    err = e.response["Error"]["Code"]
d = ec2.detach_volume(VolumeId="${VolumeId}", Force=True)
advance(2000)
ec2.delete_volume(VolumeId="${VolumeId}")
print(json.dumps({"attach": a["State"], "deleteInUse": err, "detach": d["State"], "deleted": ec2.describe_volumes(VolumeIds=["${VolumeId}"])["Volumes"][0]["State"]}))
`)) as Record<string, string>;
    assert.deepEqual(out, { attach: "attaching", deleteInUse: "VolumeInUse", detach: "detaching", deleted: "deleting" });
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, CreateVolumeCommand, CreateSnapshotCommand, DescribeSnapshotsCommand, CopySnapshotCommand, DeleteSnapshotCommand, DescribeVolumesCommand,
  DeleteVolumeCommand, ModifySnapshotAttributeCommand, DescribeSnapshotAttributeCommand, DescribeImagesCommand, RunInstancesCommand,
  DescribeInstancesCommand, TerminateInstancesCommand, ModifyImageAttributeCommand, CreateTagsCommand,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, startTestCloudbox } from "../support/fixture.js";
import { A, B, C, asAccount } from "./accounts.js";

// EC2 and EBS resources stay in their account; snapshots are shared by createVolumePermission. These tests
// check the behaviour as it stands; the cases marked todo are what AWS does and cloudbox does not yet.
describe("EC2/EBS across accounts: snapshots shared by createVolumePermission, everything else per account", () => {
  let cb: Cloudbox;
  let a: EC2Client;
  let b: EC2Client;
  let c: EC2Client;
  let volumeId: string;
  let snapshotId: string;

  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    a = new EC2Client(asAccount(cb, A));
    b = new EC2Client(asAccount(cb, B));
    c = new EC2Client(asAccount(cb, C));
    volumeId = (await a.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8 }))).VolumeId!;
    cb.clock.advance!(3_000);
    snapshotId = (await a.send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId!;
    cb.clock.advance!(60_000);
  });
  after(async () => {
    a.destroy();
    b.destroy();
    c.destroy();
    await cb.stop();
  });

  const code = async (call: Promise<unknown>) => (await failure(call)).name;

  it("an unshared snapshot does not exist for other accounts", async () => {
    assert.equal(await code(b.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))), "InvalidSnapshot.NotFound");
    assert.equal(await code(b.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
    assert.equal(await code(b.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
    assert.equal(await code(b.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission", OperationType: "add", UserIds: [B] }))), "InvalidSnapshot.NotFound");
    assert.equal(await code(b.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
    assert.deepEqual((await b.send(new DescribeSnapshotsCommand({ OwnerIds: [A] }))).Snapshots, []);
  });

  it("shared with one account: it can describe, restore and copy it, not change or delete it; a third account still cannot see it", async () => {
    await a.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission", OperationType: "add", UserIds: [B] }));
    const seen = await b.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    assert.equal(seen.Snapshots?.[0]?.OwnerId, A);
    const restored = await b.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }));
    assert.equal(restored.SnapshotId, snapshotId);
    const copy = await b.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: snapshotId }));
    cb.clock.advance!(60_000);
    assert.equal((await b.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots?.[0]?.OwnerId, B);
    for (const call of [
      () => b.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission", OperationType: "add", UserIds: [C] })),
      () => b.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission" })),
      () => b.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    ]) {
      const error = await failure(call());
      assert.equal(error.name, "UnauthorizedOperation");
      assert.equal(error.$metadata.httpStatusCode, 403);
    }
    assert.equal(await code(c.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
    // The volume B made is B's alone.
    assert.equal(await code(a.send(new DescribeVolumesCommand({ VolumeIds: [restored.VolumeId!] }))), "InvalidVolume.NotFound");
  });

  it("shared with all: any account restores it; taking it back works at once", async () => {
    await a.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, CreateVolumePermission: { Add: [{ Group: "all" }] } }));
    assert.ok((await c.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }))).VolumeId);
    const restorable = await c.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ["all"] }));
    assert.ok(restorable.Snapshots?.some((s) => s.SnapshotId === snapshotId));
    await a.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, CreateVolumePermission: { Remove: [{ Group: "all" }, { UserId: B }] } }));
    assert.equal(await code(c.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
    assert.equal(await code(b.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snapshotId }))), "InvalidSnapshot.NotFound");
  });

  it("volumes and instances are their account's: another account finds none of them", async () => {
    assert.equal(await code(b.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))), "InvalidVolume.NotFound");
    assert.equal(await code(b.send(new DeleteVolumeCommand({ VolumeId: volumeId }))), "InvalidVolume.NotFound");
    assert.equal(await code(b.send(new CreateSnapshotCommand({ VolumeId: volumeId }))), "InvalidVolume.NotFound");
    const imageId = (await a.send(new DescribeImagesCommand({ Owners: ["amazon"], MaxResults: 5 }))).Images!.find((i) => i.Architecture === "x86_64")!.ImageId!;
    const instanceId = (await a.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    assert.equal(await code(b.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))), "InvalidInstanceID.NotFound");
    assert.equal(await code(b.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }))), "InvalidInstanceID.NotFound");
    assert.equal(await code(b.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: "k", Value: "v" }] }))), "InvalidInstanceID.NotFound");
    assert.equal((await b.send(new DescribeInstancesCommand({}))).Reservations?.length ?? 0, 0);
    // B's terminate reached nothing of A's.
    assert.notEqual((await a.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name, "terminated");
  });

  it("images cannot be shared yet: ModifyImageAttribute answers 501 NotImplemented, not a silent success", async () => {
    const imageId = (await a.send(new DescribeImagesCommand({ Owners: ["amazon"], MaxResults: 5 }))).Images![0]!.ImageId!;
    const error = await failure(a.send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: [{ UserId: B }] } })));
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
  });

  it("DescribeImages ExecutableUsers: self lists only images shared with the caller explicitly (none here)", { todo: "compute/ ignores ExecutableUsers and answers every public image" }, async () => {
    const { Images } = await b.send(new DescribeImagesCommand({ ExecutableUsers: ["self"] }));
    assert.deepEqual(Images, []);
  });

  it("ModifySnapshotAttribute refuses a user id that is not an account id", { todo: "storage/ebs stores any string as a createVolumePermission user id" }, async () => {
    const error = await failure(a.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission", OperationType: "add", UserIds: ["not-an-account"] })));
    assert.match(error.name, /^Invalid/);
  });
});

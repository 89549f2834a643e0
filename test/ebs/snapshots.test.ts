import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, CreateVolumeCommand, CreateSnapshotCommand, DescribeSnapshotsCommand, CopySnapshotCommand, DeleteSnapshotCommand,
  ModifySnapshotAttributeCommand, DescribeSnapshotAttributeCommand, waitUntilSnapshotCompleted,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3 } from "../support/fixture.js";
import { advanceWhile, waiterFast, rejectsWith } from "./support.js";
import { createEbsVolumeProvider } from "../../storage/ebs/volume-provider.js";


describe("EBS snapshots through the EC2 API", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let volumeId: string;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    volumeId = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 12, VolumeType: "gp3" }))).VolumeId!;
    cb.clock.advance!(3_000);
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  it("CreateSnapshot: pending with progress from the clock, then the snapshotCompleted waiter", async () => {
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId, Description: "nightly", TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "k", Value: "v" }] }] }));
    assert.match(snap.SnapshotId!, /^snap-[0-9a-f]{17}$/);
    assert.deepEqual([snap.State, snap.Progress, snap.VolumeId, snap.VolumeSize, snap.OwnerId, snap.Description], ["pending", "0%", volumeId, 12, "000000000000", "nightly"]);
    assert.deepEqual(snap.Tags, [{ Key: "k", Value: "v" }]);
    cb.clock.advance!(1_500);
    const half = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId!] }))).Snapshots![0]!;
    assert.deepEqual([half.State, half.Progress], ["pending", "50%"]);
    const waited = await advanceWhile(cb, waitUntilSnapshotCompleted({ client: ec2, ...waiterFast }, { SnapshotIds: [snap.SnapshotId!] }), 500);
    assert.equal(waited.state, "SUCCESS");
    const done = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId!] }))).Snapshots![0]!;
    assert.deepEqual([done.State, done.Progress], ["completed", "100%"]);
    // A second snapshot of the same volume within 15 s is throttled.
    cb.clock.advance!(20_000);
    await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    await rejectsWith(ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId })), "SnapshotCreationPerVolumeRateExceeded");
    cb.clock.advance!(20_000);
  });

  it("CreateVolume from a snapshot: pending refused, smaller refused, default size is the snapshot's", async () => {
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    await rejectsWith(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: snap.SnapshotId })), "IncorrectState", "Snapshot is in invalid state - pending");
    cb.clock.advance!(20_000);
    await rejectsWith(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: snap.SnapshotId, Size: 4 })), "InvalidParameterValue", /expect size >= 12GiB/);
    const restored = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: snap.SnapshotId }));
    assert.deepEqual([restored.Size, restored.SnapshotId, restored.VolumeType], [12, snap.SnapshotId, "gp2"]);
    const bigger = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: snap.SnapshotId, Size: 30, VolumeType: "gp3" }));
    assert.equal(bigger.Size, 30);
  });

  it("DescribeSnapshots: OwnerIds self, filters, MaxResults rules, unknown ids", async () => {
    const mine = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    assert.ok(mine.Snapshots!.length >= 3);
    assert.ok(mine.Snapshots!.every((s) => s.OwnerId === "000000000000"));
    const tagged = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "tag:k", Values: ["v"] }, { Name: "status", Values: ["completed"] }] }));
    assert.equal(tagged.Snapshots!.length, 1);
    const byVolume = await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: "volume-id", Values: [volumeId] }, { Name: "description", Values: ["night*"] }] }));
    assert.equal(byVolume.Snapshots!.length, 1);
    const other = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["111122223333"] }));
    assert.deepEqual(other.Snapshots, []);
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ MaxResults: 3 })), "InvalidParameterValue");
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snap-0123456789abcdef0"] })), "InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist.");
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snapshot"] })), "InvalidSnapshotID.Malformed");
    // Each resource's id pattern is its own, however often the others were checked before.
    await rejectsWith(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: volumeId })), "InvalidSnapshotID.Malformed");
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snap-0123456789abcdef"] })), "InvalidSnapshotID.Malformed");
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snap-01234567"] })), "InvalidSnapshot.NotFound");
    const page = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], MaxResults: 5 }));
    assert.ok(page.Snapshots!.length <= 5);
  });

  it("sharing: RestorableByUserIds and another account creating a volume from a shared snapshot", async () => {
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    cb.clock.advance!(20_000);
    const other = new EC2Client({ ...sdkConfig(cb), credentials: { accessKeyId: "111122223333", secretAccessKey: "x" } });
    await rejectsWith(other.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snap.SnapshotId })), "InvalidSnapshot.NotFound");
    await ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: "createVolumePermission", OperationType: "add", UserIds: ["111122223333"] }));
    const attribute = await ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: "createVolumePermission" }));
    assert.deepEqual(attribute.CreateVolumePermissions, [{ UserId: "111122223333" }]);
    const restorable = await other.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ["self"] }));
    assert.deepEqual(restorable.Snapshots!.map((s) => s.SnapshotId), [snap.SnapshotId]);
    const volume = await other.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snap.SnapshotId }));
    assert.equal(volume.SnapshotId, snap.SnapshotId);
    await rejectsWith(other.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId })), "UnauthorizedOperation");
    // Taking the permission back takes effect at once, also after the shared list was read.
    await ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: "createVolumePermission", OperationType: "remove", UserIds: ["111122223333"] }));
    await rejectsWith(other.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: snap.SnapshotId })), "InvalidSnapshot.NotFound");
    other.destroy();
  });

  it("CopySnapshot into another region, then DeleteSnapshot", async () => {
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const west = new EC2Client(sdkConfig(cb, "us-west-2"));
    await rejectsWith(west.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: snap.SnapshotId })), "IncorrectState", /pending/);
    cb.clock.advance!(20_000);
    const copy = await west.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: snap.SnapshotId, Encrypted: true }));
    const copied = (await west.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots![0]!;
    assert.deepEqual([copied.State, copied.VolumeId, copied.Encrypted, copied.VolumeSize], ["pending", "vol-ffffffff", true, 12]);
    assert.equal(copied.Description, `[Copied ${snap.SnapshotId} from us-east-1]`);
    await rejectsWith(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] })), "InvalidSnapshot.NotFound");
    await west.send(new DeleteSnapshotCommand({ SnapshotId: copy.SnapshotId }));
    await rejectsWith(west.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] })), "InvalidSnapshot.NotFound");
    await rejectsWith(west.send(new DeleteSnapshotCommand({ SnapshotId: copy.SnapshotId })), "InvalidSnapshot.NotFound");
    west.destroy();
  });

  it("DeleteSnapshot is refused while a registered AMI uses the snapshot (InvalidSnapshot.InUse)", async () => {
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    cb.clock.advance!(20_000);
    const { db, blobs, clock } = cb.platform;
    const provider = createEbsVolumeProvider({ db, blobs, clock, settings: {} }, {
      instances: { find: () => undefined },
      images: { imageUsingSnapshot: (_a, _r, id) => (id === snap.SnapshotId ? "ami-0123456789abcdef0" : undefined) },
    });
    const ctx = { account: "000000000000", caller: { account: "000000000000", arn: "arn:aws:iam::000000000000:root", userId: "000000000000" }, region: "us-east-1", requestId: "r", operation: "DeleteSnapshot", baseUrl: cb.endpoint, signal: new AbortController().signal };
    assert.throws(() => provider.handlers["DeleteSnapshot"]!({ SnapshotId: snap.SnapshotId }, ctx), (e: Error & { code: string }) => {
      assert.equal(e.code, "InvalidSnapshot.InUse");
      assert.equal(e.message, `The snapshot ${snap.SnapshotId} is currently in use by ami-0123456789abcdef0`);
      return true;
    });
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId }));
  });

  it("boto3: create a volume, snapshot it, wait for it and describe it", async () => {
    const out = (await boto3(cb, `
import boto3, json, os, urllib.request
ec2 = boto3.client("ec2")
def advance(ms):
    urllib.request.urlopen(urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/_cloudbox/clock/advance", data=json.dumps({"ms": ms}).encode(), headers={"content-type": "application/json"}))
v = ec2.create_volume(AvailabilityZone="us-east-1c", Size=3, VolumeType="gp3")
advance(3000)
s = ec2.create_snapshot(VolumeId=v["VolumeId"], Description="from boto3")
pending = ec2.describe_snapshots(SnapshotIds=[s["SnapshotId"]])["Snapshots"][0]["State"]
advance(5000)
ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[s["SnapshotId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 2})
d = ec2.describe_snapshots(SnapshotIds=[s["SnapshotId"]])["Snapshots"][0]
print(json.dumps({"volume": v["State"], "iops": v["Iops"], "pending": pending, "state": d["State"], "same": d["VolumeId"] == v["VolumeId"], "desc": d["Description"]}))
`)) as Record<string, unknown>;
    assert.deepEqual(out, { volume: "creating", iops: 3000, pending: "pending", state: "completed", same: true, desc: "from boto3" });
  });
});

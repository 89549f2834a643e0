import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, CreateVolumeCommand, DescribeVolumesCommand, DeleteVolumeCommand, AttachVolumeCommand, DetachVolumeCommand, ModifyVolumeCommand,
  waitUntilVolumeInUse, waitUntilVolumeAvailable,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, awsCli, boto3 } from "../support/fixture.js";
import { advanceWhile, installFakeInstances, waiterFast, rejectsWith } from "./support.js";
import type { FakeInstances } from "./support.js";


describe("EBS attachments", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let fleet: FakeInstances;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    fleet = installFakeInstances(cb);
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  async function availableVolume(az = "us-east-1a", extra: Partial<ConstructorParameters<typeof CreateVolumeCommand>[0]> = {}): Promise<string> {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 8, VolumeType: "gp3", ...extra }));
    cb.clock.advance!(3_000);
    return VolumeId!;
  }

  it("attaching → attached from the clock; the volumeInUse waiter and DescribeVolumes show the attachment", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const volumeId = await availableVolume();
    const attachment = await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: "/dev/sdf" }));
    assert.deepEqual([attachment.State, attachment.Device, attachment.InstanceId, attachment.DeleteOnTermination], ["attaching", "/dev/sdf", instance.instanceId, false]);
    const waited = await advanceWhile(cb, waitUntilVolumeInUse({ client: ec2, ...waiterFast }, { VolumeIds: [volumeId] }), 300);
    assert.equal(waited.state, "SUCCESS");
    cb.clock.advance!(2_000);
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!;
    assert.equal(volume.State, "in-use");
    assert.equal(volume.Attachments![0]!.State, "attached");
    const byInstance = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance.instanceId] }] }));
    assert.deepEqual(byInstance.Volumes!.map((v) => v.VolumeId), [volumeId]);
    assert.deepEqual(fleet.hooks.attachedTo("000000000000", "us-east-1", instance.instanceId).map((a) => [a.volumeId, a.deviceName, a.status]), [[volumeId, "/dev/sdf", "attached"]]);
    // The batch read for DescribeInstances answers the same, by id or for the whole region.
    const one = fleet.hooks.attachedToInstances("000000000000", "us-east-1", [instance.instanceId, "i-00000000000000000"]);
    assert.deepEqual([...one.keys()], [instance.instanceId]);
    assert.deepEqual(one.get(instance.instanceId), fleet.hooks.attachedTo("000000000000", "us-east-1", instance.instanceId));
    assert.deepEqual(fleet.hooks.attachedToInstances("000000000000", "us-east-1").get(instance.instanceId), fleet.hooks.attachedTo("000000000000", "us-east-1", instance.instanceId));
    assert.equal(fleet.hooks.attachedToInstances("000000000000", "us-west-2").size, 0);
  });

  it("a second attach to another instance → VolumeInUse", async () => {
    const a = fleet.add({ availabilityZone: "us-east-1a" });
    const b = fleet.add({ availabilityZone: "us-east-1a" });
    const volumeId = await availableVolume();
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: a.instanceId, Device: "/dev/sdf" }));
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: b.instanceId, Device: "/dev/sdf" })), "VolumeInUse", `${volumeId} is already attached to an instance`);
  });

  it("attach across availability zones → InvalidVolume.ZoneMismatch", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1b" });
    const volumeId = await availableVolume("us-east-1a");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: "/dev/sdg" })), "InvalidVolume.ZoneMismatch",
      `The volume '${volumeId}' is not in the same availability zone as instance '${instance.instanceId}'`);
  });

  it("delete while in use → VolumeInUse", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const volumeId = await availableVolume();
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: "/dev/sdh" }));
    await rejectsWith(ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId })), "VolumeInUse", `Volume ${volumeId} is currently attached to ${instance.instanceId}`);
  });

  it("device names: one in use on the instance, or not a valid EBS name, are refused", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const first = await availableVolume();
    const second = await availableVolume();
    await ec2.send(new AttachVolumeCommand({ VolumeId: first, InstanceId: instance.instanceId, Device: "/dev/sdf" }));
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: second, InstanceId: instance.instanceId, Device: "/dev/sdf" })), "InvalidParameterValue",
      "Invalid value '/dev/sdf' for unixDevice. Attachment point /dev/sdf is already in use");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: second, InstanceId: instance.instanceId, Device: "foo" })), "InvalidParameterValue",
      "Value (foo) for parameter device is invalid. foo is not a valid EBS device name.");
    const ok = await ec2.send(new AttachVolumeCommand({ VolumeId: second, InstanceId: instance.instanceId, Device: "/dev/xvdg" }));
    assert.equal(ok.State, "attaching");
  });

  it("the instance must be running or stopped; unknown instances and volumes are named", async () => {
    const pending = fleet.add({ availabilityZone: "us-east-1a", state: "pending" });
    const volumeId = await availableVolume();
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: pending.instanceId, Device: "/dev/sdf" })), "IncorrectState", `Instance '${pending.instanceId}' is not 'running'.`);
    const stopped = fleet.add({ availabilityZone: "us-east-1a", state: "stopped" });
    assert.equal((await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: stopped.instanceId, Device: "/dev/sdf" }))).State, "attaching");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: "i-0123456789abcdef0", Device: "/dev/sdf" })), "InvalidInstanceID.NotFound");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: "vol-0123456789abcdef0", InstanceId: stopped.instanceId, Device: "/dev/sdf" })), "InvalidVolume.NotFound");
  });

  it("a volume still creating cannot be attached", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8 }));
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: instance.instanceId, Device: "/dev/sdf" })), "IncorrectState", `${VolumeId} is not 'available'.`);
  });

  it("DetachVolume: detaching → available; detaching an available volume is IncorrectState", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const volumeId = await availableVolume();
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: "/dev/sdf" }));
    cb.clock.advance!(2_000);
    const detached = await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId }));
    assert.equal(detached.State, "detaching");
    assert.equal((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!.State, "in-use");
    const waited = await advanceWhile(cb, waitUntilVolumeAvailable({ client: ec2, ...waiterFast }, { VolumeIds: [volumeId] }), 300);
    assert.equal(waited.state, "SUCCESS");
    assert.deepEqual((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!.Attachments, []);
    await rejectsWith(ec2.send(new DetachVolumeCommand({ VolumeId: volumeId })), "IncorrectState", `Volume '${volumeId}' is in the 'available' state.`);
    // The device is free again on that instance.
    assert.equal((await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: "/dev/sdf" }))).State, "attaching");
    await rejectsWith(ec2.send(new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: "i-0123456789abcdef0" })), "InvalidAttachment.NotFound");
  });

  it("the root volume detaches only from a stopped instance (Force or not)", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a", rootDeviceName: "/dev/xvda" });
    const [root] = fleet.hooks.createLaunchVolumes("000000000000", "us-east-1", "us-east-1a", instance.instanceId, [{ deviceName: "/dev/xvda", volumeSize: 8, volumeType: "gp3", deleteOnTermination: true }]);
    await rejectsWith(ec2.send(new DetachVolumeCommand({ VolumeId: root!.volumeId, Force: true })), "OperationNotPermitted", /Unable to detach root volume/);
    fleet.setState(instance.instanceId, "stopped");
    assert.equal((await ec2.send(new DetachVolumeCommand({ VolumeId: root!.volumeId }))).State, "detaching");
  });

  it("Multi-Attach io2 attaches to several Nitro instances, never to Xen ones; st1 cannot become a root", async () => {
    const volumeId = await availableVolume("us-east-1a", { VolumeType: "io2", Iops: 1000, MultiAttachEnabled: true });
    const a = fleet.add({ availabilityZone: "us-east-1a" });
    const b = fleet.add({ availabilityZone: "us-east-1a" });
    const xen = fleet.add({ availabilityZone: "us-east-1a", hypervisor: "xen" });
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: a.instanceId, Device: "/dev/sdf" }));
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: b.instanceId, Device: "/dev/sdf" }));
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: a.instanceId, Device: "/dev/sdg" })), "VolumeInUse");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: xen.instanceId, Device: "/dev/sdf" })), "UnsupportedOperation");
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!;
    assert.equal(volume.Attachments!.length, 2);
    await rejectsWith(ec2.send(new DetachVolumeCommand({ VolumeId: volumeId })), "InvalidParameterCombination");
    assert.equal((await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: b.instanceId }))).InstanceId, b.instanceId);
    await rejectsWith(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, MultiAttachEnabled: false })), "InvalidParameterCombination");
  });

  it("the per-instance attachment limit (27 EBS volumes on Nitro)", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1c" });
    const names = "fghijklmnopqrstuvwxyz".split("").map((c) => `/dev/sd${c}`).concat("bcdefgh".split("").map((c) => `/dev/xvdb${c}`));
    const launch = names.slice(0, 27).map((deviceName) => ({ deviceName, volumeSize: 1, volumeType: "gp3", deleteOnTermination: false }));
    fleet.hooks.createLaunchVolumes("000000000000", "us-east-1", "us-east-1c", instance.instanceId, launch);
    const volumeId = await availableVolume("us-east-1c");
    await rejectsWith(ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId, Device: names[27]! })), "AttachmentLimitExceeded");
  });

  it("launch volumes are in-use at once; termination deletes DeleteOnTermination volumes and detaches the others", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const attached = fleet.hooks.createLaunchVolumes("000000000000", "us-east-1", "us-east-1a", instance.instanceId, [
      { deviceName: "/dev/xvda", volumeSize: 8, volumeType: "gp3", deleteOnTermination: true, tags: [{ Key: "app", Value: "web" }] },
      { deviceName: "/dev/sdf", volumeSize: 20, volumeType: "gp2", deleteOnTermination: false },
    ]);
    assert.deepEqual(attached.map((a) => [a.deviceName, a.status, a.deleteOnTermination]), [["/dev/xvda", "attached", true], ["/dev/sdf", "attached", false]]);
    const ids = attached.map((a) => a.volumeId);
    const volumes = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: ids }))).Volumes!;
    assert.deepEqual(volumes.map((v) => v.State), ["in-use", "in-use"]);
    assert.deepEqual(volumes.find((v) => v.VolumeId === ids[0])!.Tags, [{ Key: "app", Value: "web" }]);
    // Another extra volume attached later keeps DeleteOnTermination false unless changed.
    const extra = await availableVolume();
    await ec2.send(new AttachVolumeCommand({ VolumeId: extra, InstanceId: instance.instanceId, Device: "/dev/sdg" }));
    assert.equal(fleet.hooks.setDeleteOnTermination("000000000000", "us-east-1", instance.instanceId, "/dev/sdg", true), true);
    fleet.setState(instance.instanceId, "terminated");
    fleet.hooks.instanceTerminated("000000000000", "us-east-1", instance.instanceId);
    cb.clock.advance!(5_000);
    await assert.rejects(ec2.send(new DescribeVolumesCommand({ VolumeIds: [ids[0]!] })), { name: "InvalidVolume.NotFound" });
    await assert.rejects(ec2.send(new DescribeVolumesCommand({ VolumeIds: [extra] })), { name: "InvalidVolume.NotFound" });
    const kept = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [ids[1]!] }))).Volumes![0]!;
    assert.equal(kept.State, "available");
    assert.deepEqual(fleet.hooks.attachedTo("000000000000", "us-east-1", instance.instanceId), []);
  });

  it("boto3 then the aws CLI: create, attach, VolumeInUse, detach, delete (the script moves the virtual clock through the control plane)", async () => {
    const instance = fleet.add({ availabilityZone: "us-east-1a" });
    const other = fleet.add({ availabilityZone: "us-east-1a" });
    const out = (await boto3(cb, `
import boto3, json, os, urllib.request
ec2 = boto3.client("ec2")
def advance(ms):
    urllib.request.urlopen(urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/_cloudbox/clock/advance", data=json.dumps({"ms": ms}).encode(), headers={"content-type": "application/json"}))
v = ec2.create_volume(AvailabilityZone="us-east-1a", Size=4, VolumeType="gp3")["VolumeId"]
advance(3000)
a = ec2.attach_volume(VolumeId=v, InstanceId="${instance.instanceId}", Device="/dev/sdf")
try:
    ec2.attach_volume(VolumeId=v, InstanceId="${other.instanceId}", Device="/dev/sdf")
    second = None
except ec2.exceptions.ClientError as e:
    second = e.response["Error"]["Code"]
advance(2000)
inuse = ec2.describe_volumes(VolumeIds=[v])["Volumes"][0]["State"]
d = ec2.detach_volume(VolumeId=v)
advance(2000)
print(json.dumps({"volume": v, "attach": a["State"], "second": second, "inuse": inuse, "detach": d["State"], "after": ec2.describe_volumes(VolumeIds=[v])["Volumes"][0]["State"]}))
`)) as Record<string, string>;
    assert.deepEqual({ ...out, volume: undefined }, { volume: undefined, attach: "attaching", second: "VolumeInUse", inuse: "in-use", detach: "detaching", after: "available" });
    const del = await awsCli(cb, ["ec2", "delete-volume", "--volume-id", out["volume"]!]);
    assert.equal(del.code, 0, del.stderr);
    await rejectsWith(ec2.send(new DeleteVolumeCommand({ VolumeId: out["volume"] })), "InvalidVolume.NotFound");
  });
});

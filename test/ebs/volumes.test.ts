import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, CreateVolumeCommand, DescribeVolumesCommand, DeleteVolumeCommand, ModifyVolumeCommand, DescribeVolumesModificationsCommand,
  DescribeVolumeStatusCommand, waitUntilVolumeAvailable, GetEbsEncryptionByDefaultCommand, EnableEbsEncryptionByDefaultCommand, DisableEbsEncryptionByDefaultCommand,
  GetEbsDefaultKmsKeyIdCommand, ModifyEbsDefaultKmsKeyIdCommand, ResetEbsDefaultKmsKeyIdCommand, DescribeVolumeAttributeCommand, ModifyVolumeAttributeCommand, EnableVolumeIOCommand, waitUntilVolumeDeleted, paginateDescribeVolumes,
} from "@aws-sdk/client-ec2";
import type { CreateVolumeCommandInput } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { advanceWhile, waiterFast, rejectsWith } from "./support.js";


describe("EBS volumes through the EC2 API", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: { ebsQuotas: { storageGiB: { sc1: 300 } } } } });
    ec2 = new EC2Client(sdkConfig(cb));
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  it("CreateVolume starts creating, fills gp3 defaults and the volumeAvailable waiter sees it available", async () => {
    const created = await ec2.send(new CreateVolumeCommand({
      AvailabilityZone: "us-east-1a", Size: 20, VolumeType: "gp3", Encrypted: true,
      TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Name", Value: "data" }] }],
    }));
    assert.match(created.VolumeId!, /^vol-[0-9a-f]{17}$/);
    assert.equal(created.State, "creating");
    assert.equal(created.Iops, 3000);
    assert.equal(created.Throughput, 125);
    assert.equal(created.Encrypted, true);
    assert.match(created.KmsKeyId!, /^arn:aws:kms:us-east-1:000000000000:key\//);
    assert.deepEqual(created.Tags, [{ Key: "Name", Value: "data" }]);
    const result = await advanceWhile(cb, waitUntilVolumeAvailable({ client: ec2, ...waiterFast }, { VolumeIds: [created.VolumeId!] }));
    assert.equal(result.state, "SUCCESS");
    const described = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [created.VolumeId!] }));
    assert.equal(described.Volumes![0]!.State, "available");
    assert.equal(described.Volumes![0]!.SnapshotId, "");
  });

  it("gp2 gets IOPS from its size and defaults when no type is given", async () => {
    const created = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", Size: 100 }));
    assert.equal(created.VolumeType, "gp2");
    assert.equal(created.Iops, 300);
    assert.equal(created.Throughput, undefined);
  });

  const invalid: [string, CreateVolumeCommandInput, string, RegExp][] = [
    ["IOPS on gp2", { AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp2", Iops: 500 }, "InvalidParameterCombination", /iops is not supported for gp2/],
    ["io1 without IOPS", { AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "io1" }, "InvalidParameterCombination", /iops must be specified for io1/],
    ["io1 IOPS ratio", { AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "io1", Iops: 1000 }, "InvalidParameterValue", /^Iops to volume size ratio of 100\.000000 is too high; maximum is 50$/],
    ["io2 below minimum size", { AvailabilityZone: "us-east-1a", Size: 2, VolumeType: "io2", Iops: 100 }, "InvalidParameterValue", /^Volume of 2GiB is too small for volume type io2; minimum is 4GiB$/],
    ["st1 below minimum size", { AvailabilityZone: "us-east-1a", Size: 100, VolumeType: "st1" }, "InvalidParameterValue", /minimum is 125GiB/],
    ["standard too large", { AvailabilityZone: "us-east-1a", Size: 2000, VolumeType: "standard" }, "InvalidParameterValue", /^Volume of 2000GiB is too large for volume type standard; maximum is 1024GiB$/],
    ["gp2 too large", { AvailabilityZone: "us-east-1a", Size: 20000, VolumeType: "gp2" }, "InvalidParameterValue", /maximum is 16384GiB/],
    ["gp3 IOPS too high", { AvailabilityZone: "us-east-1a", Size: 1000, VolumeType: "gp3", Iops: 90000 }, "InvalidParameterValue", /iops of 90000 is too high; maximum is 80000/],
    ["gp3 throughput per IOPS", { AvailabilityZone: "us-east-1a", Size: 100, VolumeType: "gp3", Throughput: 1000 }, "InvalidParameterValue", /Throughput \(MiBps\) to iops ratio of 0\.333333 is too high; maximum is 0\.250000/],
    ["throughput on io2", { AvailabilityZone: "us-east-1a", Size: 100, VolumeType: "io2", Iops: 1000, Throughput: 200 }, "InvalidParameterCombination", /throughput is not supported for io2/],
    ["unknown type", { AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp9" as "gp3" }, "InvalidParameterValue", /parameter volumeType is invalid/],
    ["Multi-Attach on gp3", { AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp3", MultiAttachEnabled: true }, "InvalidParameterCombination", /Multi-Attach/],
    ["unknown zone", { AvailabilityZone: "us-east-1z", Size: 10 }, "InvalidZone.NotFound", /us-east-1z/],
    ["neither size nor snapshot", { AvailabilityZone: "us-east-1a" }, "MissingParameter", /size or snapshotId/],
    ["unknown snapshot", { AvailabilityZone: "us-east-1a", SnapshotId: "snap-0123456789abcdef0" }, "InvalidSnapshot.NotFound", /snap-0123456789abcdef0/],
  ];
  for (const [name, input, code, message] of invalid) {
    it(`CreateVolume refuses ${name}`, async () => {
      await rejectsWith(ec2.send(new CreateVolumeCommand(input)), code, message);
    });
  }

  it("ClientToken: the same request returns the same volume; different parameters are refused", async () => {
    const first = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5, ClientToken: "token-1" }));
    const again = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5, ClientToken: "token-1" }));
    assert.equal(again.VolumeId, first.VolumeId);
    await rejectsWith(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 6, ClientToken: "token-1" })), "IdempotentParameterMismatch");
  });

  it("DryRun answers DryRunOperation (412) and creates nothing", async () => {
    const before = (await ec2.send(new DescribeVolumesCommand({}))).Volumes!.length;
    await assert.rejects(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 5, DryRun: true })), (e: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(e.name, "DryRunOperation");
      assert.equal(e.$metadata.httpStatusCode, 412);
      return true;
    });
    assert.equal((await ec2.send(new DescribeVolumesCommand({}))).Volumes!.length, before);
  });

  it("DescribeVolumes: filters, MaxResults 5–500 rules, pagination, unknown and malformed ids", async () => {
    for (let i = 0; i < 6; i++) {
      await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1c", Size: 1 + i, VolumeType: "standard", TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "batch", Value: i % 2 ? "odd" : "even" }] }] }));
    }
    const odd = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "tag:batch", Values: ["odd"] }, { Name: "availability-zone", Values: ["us-east-1c"] }] }));
    assert.deepEqual(odd.Volumes!.map((v) => v.Size).sort(), [2, 4, 6]);
    const wildcard = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-type", Values: ["stand*"] }, { Name: "size", Values: ["1", "3"] }] }));
    assert.deepEqual(wildcard.Volumes!.map((v) => v.Size).sort(), [1, 3]);
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })), "InvalidParameterValue", /no-such-filter/);
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ MaxResults: 4 })), "InvalidParameterValue", /maxResults/);
    const one = odd.Volumes![0]!.VolumeId!;
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ MaxResults: 5, VolumeIds: [one] })), "InvalidParameterCombination");
    const pages: number[] = [];
    for await (const page of paginateDescribeVolumes({ client: ec2, pageSize: 5 }, { Filters: [{ Name: "availability-zone", Values: ["us-east-1c"] }] })) pages.push(page.Volumes!.length);
    assert.equal(pages.reduce((a, b) => a + b, 0), 6);
    assert.ok(pages.length >= 2, `paginated: ${pages}`);
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ VolumeIds: ["vol-0123456789abcdef0"] })), "InvalidVolume.NotFound", "The volume 'vol-0123456789abcdef0' does not exist.");
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ VolumeIds: ["volume-1"] })), "InvalidVolumeID.Malformed");
  });

  it("ModifyVolume: modifying → optimizing → completed from the clock, grow only, one modification per 6 hours", async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp2" }));
    cb.clock.advance!(5_000);
    await rejectsWith(ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 5 })), "InvalidParameterValue", "New size cannot be smaller than existing size");
    await rejectsWith(ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [VolumeId!] })), "InvalidVolumeModification.NotFound");
    const modified = await ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 50, VolumeType: "gp3", Iops: 4000 }));
    const m = modified.VolumeModification!;
    assert.equal(m.ModificationState, "modifying");
    assert.deepEqual([m.OriginalSize, m.OriginalVolumeType, m.OriginalIops], [10, "gp2", 100]);
    assert.deepEqual([m.TargetSize, m.TargetVolumeType, m.TargetIops, m.TargetThroughput], [50, "gp3", 4000, 125]);
    let volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes![0]!;
    assert.equal(volume.Size, 10, "the size changes once the modification is optimizing");
    await rejectsWith(ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 60 })), "IncorrectModificationState");
    cb.clock.advance!(6_000);
    let mods = await ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [VolumeId!] }));
    assert.equal(mods.VolumesModifications![0]!.ModificationState, "optimizing");
    volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes![0]!;
    assert.deepEqual([volume.Size, volume.VolumeType, volume.Iops], [50, "gp3", 4000]);
    cb.clock.advance!(60_000);
    mods = await ec2.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name: "modification-state", Values: ["completed"] }, { Name: "volume-id", Values: [VolumeId!] }] }));
    assert.equal(mods.VolumesModifications!.length, 1);
    assert.equal(mods.VolumesModifications![0]!.Progress, 100);
    assert.ok(mods.VolumesModifications![0]!.EndTime instanceof Date);
    await rejectsWith(ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 60 })), "VolumeModificationRateExceeded", /6 hours/);
    cb.clock.advance!(6 * 3600_000);
    const again = await ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 60 }));
    assert.deepEqual([again.VolumeModification!.OriginalSize, again.VolumeModification!.TargetSize, again.VolumeModification!.TargetIops], [50, 60, 4000]);
  });

  it("DeleteVolume: the volumeDeleted waiter succeeds, then the id is unknown", async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    await rejectsWith(ec2.send(new DeleteVolumeCommand({ VolumeId })), "IncorrectState", /creating/);
    cb.clock.advance!(3_000);
    await ec2.send(new DeleteVolumeCommand({ VolumeId }));
    const state = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes![0]!.State;
    assert.equal(state, "deleting");
    const result = await advanceWhile(cb, waitUntilVolumeDeleted({ client: ec2, ...waiterFast }, { VolumeIds: [VolumeId!] }));
    assert.equal(result.state, "SUCCESS");
    await rejectsWith(ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] })), "InvalidVolume.NotFound");
    await rejectsWith(ec2.send(new DeleteVolumeCommand({ VolumeId })), "InvalidVolume.NotFound");
  });

  it("DescribeVolumeStatus reports io-enabled and io-performance per volume", async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "io2", Iops: 1000 }));
    let status = await ec2.send(new DescribeVolumeStatusCommand({ VolumeIds: [VolumeId!] }));
    assert.equal(status.VolumeStatuses![0]!.VolumeStatus!.Status, "insufficient-data");
    cb.clock.advance!(3_000);
    status = await ec2.send(new DescribeVolumeStatusCommand({ VolumeIds: [VolumeId!] }));
    const item = status.VolumeStatuses![0]!;
    assert.equal(item.VolumeStatus!.Status, "ok");
    assert.deepEqual(item.VolumeStatus!.Details!.map((d) => [d.Name, d.Status]), [["io-enabled", "passed"], ["io-performance", "normal"]]);
    const ok = await ec2.send(new DescribeVolumeStatusCommand({ Filters: [{ Name: "volume-status.status", Values: ["ok"] }] }));
    assert.ok(ok.VolumeStatuses!.some((v) => v.VolumeId === VolumeId));
  });

  it("encryption by default: new volumes are encrypted with the account's default key until disabled", async () => {
    const west = new EC2Client(sdkConfig(cb, "eu-west-1"));
    assert.equal((await west.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault, false);
    assert.equal((await west.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId, "alias/aws/ebs");
    await west.send(new EnableEbsEncryptionByDefaultCommand({}));
    const encrypted = await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-west-1a", Size: 1 }));
    assert.equal(encrypted.Encrypted, true);
    assert.match(encrypted.KmsKeyId!, /^arn:aws:kms:eu-west-1:000000000000:key\//);
    const key = "arn:aws:kms:eu-west-1:000000000000:key/11111111-2222-3333-4444-555555555555";
    await west.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: key }));
    assert.equal((await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-west-1a", Size: 1 }))).KmsKeyId, key);
    assert.equal((await west.send(new ResetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId, "alias/aws/ebs");
    await west.send(new DisableEbsEncryptionByDefaultCommand({}));
    assert.equal((await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-west-1a", Size: 1 }))).Encrypted, false);
    // The setting is per region.
    assert.equal((await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault, false);
    west.destroy();
  });

  it("volume attributes: autoEnableIO and productCodes", async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    assert.equal((await ec2.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: "autoEnableIO" }))).AutoEnableIO!.Value, false);
    await ec2.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true } }));
    assert.equal((await ec2.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: "autoEnableIO" }))).AutoEnableIO!.Value, true);
    assert.deepEqual((await ec2.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: "productCodes" }))).ProductCodes, []);
    await ec2.send(new EnableVolumeIOCommand({ VolumeId }));
  });

  it("quotas: storage per type per region answers VolumeLimitExceeded", async () => {
    await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 200, VolumeType: "sc1" }));
    await rejectsWith(ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 200, VolumeType: "sc1" })), "VolumeLimitExceeded");
    // Other regions have their own quota.
    const west = new EC2Client(sdkConfig(cb, "us-west-2"));
    const created = await west.send(new CreateVolumeCommand({ AvailabilityZone: "us-west-2a", Size: 200, VolumeType: "sc1" }));
    assert.equal(created.AvailabilityZone, "us-west-2a");
    const inEast = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-id", Values: [created.VolumeId!] }] }));
    assert.deepEqual(inEast.Volumes, []);
    west.destroy();
  });

  it("quotas: each create, delete and resize counts from the next call on, with no refused call in between", async () => {
    const north = new EC2Client(sdkConfig(cb, "eu-north-1"));
    const create = (Size: number) => north.send(new CreateVolumeCommand({ AvailabilityZone: "eu-north-1a", Size, VolumeType: "sc1" }));
    const remove = async (VolumeId: string | undefined) => {
      cb.clock.advance!(3_000);
      await north.send(new DeleteVolumeCommand({ VolumeId }));
    };
    const a = await create(150);
    const b = await create(150);
    await remove(a.VolumeId);
    // 150 of 300 GiB in use: another 150 fits exactly.
    const c = await create(150);
    await remove(c.VolumeId);
    await remove(b.VolumeId);
    const d = await create(125);
    cb.clock.advance!(3_000);
    await north.send(new ModifyVolumeCommand({ VolumeId: d.VolumeId, Size: 200 }));
    // 200 in use after the resize: 125 more would make 325.
    await rejectsWith(create(125), "VolumeLimitExceeded");
    north.destroy();
  });

  it("quotas: deleting a volume gives its storage back, growing one takes more", async () => {
    const west = new EC2Client(sdkConfig(cb, "eu-central-1"));
    const { VolumeId } = await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1a", Size: 200, VolumeType: "sc1" }));
    await rejectsWith(west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1a", Size: 125, VolumeType: "sc1" })), "VolumeLimitExceeded");
    cb.clock.advance!(3_000);
    await west.send(new DeleteVolumeCommand({ VolumeId }));
    const small = await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1a", Size: 125, VolumeType: "sc1" }));
    cb.clock.advance!(3_000);
    await west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1a", Size: 125, VolumeType: "sc1" }));
    // 250 GiB in use: growing one volume to 200 would make 325.
    await rejectsWith(west.send(new ModifyVolumeCommand({ VolumeId: small.VolumeId, Size: 200 })), "VolumeLimitExceeded");
    await west.send(new ModifyVolumeCommand({ VolumeId: small.VolumeId, Size: 175 }));
    await rejectsWith(west.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1a", Size: 125, VolumeType: "sc1" })), "VolumeLimitExceeded");
    west.destroy();
  });
});

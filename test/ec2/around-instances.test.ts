import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import {
  EC2Client, DescribeVpcsCommand, DescribeSubnetsCommand, DescribeSecurityGroupsCommand, CreateSecurityGroupCommand, DeleteSecurityGroupCommand,
  DescribeImagesCommand, CreateKeyPairCommand, ImportKeyPairCommand, DescribeKeyPairsCommand, DeleteKeyPairCommand, RunInstancesCommand,
  CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, DescribeInstanceTypesCommand, DescribeInstanceTypeOfferingsCommand, DescribeInstancesCommand,
  waitUntilKeyPairExists, waitUntilSecurityGroupExists,
} from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { spawnSync } from "node:child_process";
import { startTestCloudbox, sdkConfig, awsCli, failure } from "../support/fixture.js";

/** Runs a local tool without a stdin (ssh-keygen exits before reading one, which would EPIPE). */
async function run(command: string, args: string[], _env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


describe("EC2 around instances: network, images, key pairs, tags, instance types (SDK v3, CLI)", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let dir: string;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ec2 = new EC2Client(sdkConfig(cb));
    dir = mkdtempSync(join(tmpdir(), "cloudbox-ec2-keys-"));
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("default VPC 172.31.0.0/16, one /20 default subnet per AZ, default security group; isolated per region", async () => {
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs!;
    assert.equal(vpcs.length, 1);
    assert.equal(vpcs[0]!.CidrBlock, "172.31.0.0/16");
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcs[0]!.VpcId!] }] }))).Subnets!;
    assert.deepEqual(subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]), [
      ["us-east-1a", "172.31.0.0/20", true, true, 4091],
      ["us-east-1b", "172.31.16.0/20", true, true, 4091],
      ["us-east-1c", "172.31.32.0/20", true, true, 4091],
    ]);
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }))).SecurityGroups!;
    assert.equal(groups[0]!.VpcId, vpcs[0]!.VpcId);
    assert.equal(groups[0]!.IpPermissionsEgress![0]!.IpRanges![0]!.CidrIp, "0.0.0.0/0");
    const other = new EC2Client(sdkConfig(cb, "eu-west-1"));
    const otherVpc = (await other.send(new DescribeVpcsCommand({}))).Vpcs!;
    assert.notEqual(otherVpc[0]!.VpcId, vpcs[0]!.VpcId);
    other.destroy();
    assert.equal((await failure(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })))).name, "InvalidSubnetID.NotFound");
  });

  it("security groups: create, exists waiter, use at launch, DependencyViolation, delete; default is protected", async () => {
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web tier" }));
    assert.equal((await waitUntilSecurityGroupExists({ client: ec2, maxWaitTime: 5, minDelay: 1 }, { GroupIds: [sg.GroupId!] })).state, "SUCCESS");
    assert.equal((await failure(ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "again" })))).name, "InvalidGroup.Duplicate");
    const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
    const r = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SecurityGroupIds: [sg.GroupId!] }));
    assert.deepEqual(r.Instances![0]!.SecurityGroups, [{ GroupId: sg.GroupId, GroupName: "web" }]);
    const byGroup = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance.group-name", Values: ["web"] }] }));
    assert.equal(byGroup.Reservations!.length, 1);
    assert.equal((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg.GroupId })))).name, "DependencyViolation");
    const def = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["default"] }] }))).SecurityGroups![0]!;
    assert.equal((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: def.GroupId })))).name, "CannotDelete");
  });

  it("AMI catalogue: owners, filters, ids, root devices", async () => {
    const all = (await ec2.send(new DescribeImagesCommand({}))).Images!;
    assert.ok(all.length >= 5);
    const windows = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "platform", Values: ["windows"] }] }))).Images!;
    assert.equal(windows.length, 1);
    assert.equal(windows[0]!.RootDeviceName, "/dev/sda1");
    const canonical = (await ec2.send(new DescribeImagesCommand({ Owners: ["099720109477"] }))).Images!;
    assert.ok(canonical.every((i) => i.Name!.startsWith("ubuntu/")));
    const arm = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "architecture", Values: ["arm64"] }] }))).Images!;
    assert.equal(arm[0]!.BlockDeviceMappings![0]!.Ebs!.VolumeType, "gp3");
    const pv = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "virtualization-type", Values: ["paravirtual"] }] }))).Images!;
    assert.equal(pv.length, 1);
    assert.equal((await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images!.length, 0);
    const e = await failure(ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0123456789abcdef0"] })));
    assert.equal(e.name, "InvalidAMIID.NotFound");
    assert.equal(e.message, "The image id '[ami-0123456789abcdef0]' does not exist");
  });

  it("CreateKeyPair RSA: a real PKCS#1 key whose fingerprint is the SHA-1 of its PKCS#8 DER (as openssl computes it)", async () => {
    const key = await ec2.send(new CreateKeyPairCommand({ KeyName: "rsa-key" }));
    assert.match(key.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(key.KeyPairId!, /^key-[0-9a-f]{17}$/);
    const file = join(dir, "rsa.pem");
    writeFileSync(file, key.KeyMaterial!);
    const der = await run("sh", ["-c", `openssl pkcs8 -topk8 -nocrypt -in ${file} -outform DER | openssl sha1 -c`], process.env);
    assert.equal(der.code, 0, der.stderr);
    assert.equal(der.stdout.trim().split(/\s+/).pop(), key.KeyFingerprint);
    assert.equal((await waitUntilKeyPairExists({ client: ec2, maxWaitTime: 5, minDelay: 1 }, { KeyNames: ["rsa-key"] })).state, "SUCCESS");
    const dup = await failure(ec2.send(new CreateKeyPairCommand({ KeyName: "rsa-key" })));
    assert.equal(dup.name, "InvalidKeyPair.Duplicate");
    assert.equal(dup.message, "The keypair 'rsa-key' already exists.");
  });

  it("CreateKeyPair ED25519: an OpenSSH private key ssh-keygen reads, SHA-256 fingerprint", async () => {
    const key = await ec2.send(new CreateKeyPairCommand({ KeyName: "ed-key", KeyType: "ed25519", TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "env", Value: "dev" }] }] }));
    assert.match(key.KeyMaterial!, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const file = join(dir, "ed");
    writeFileSync(file, `${key.KeyMaterial!}\n`);
    chmodSync(file, 0o600);
    const pub = await run("ssh-keygen", ["-y", "-f", file], process.env);
    assert.equal(pub.code, 0, pub.stderr);
    const described = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["ed-key"], IncludePublicKey: true }))).KeyPairs![0]!;
    assert.equal(described.KeyType, "ed25519");
    assert.equal(described.PublicKey!.split(" ").slice(0, 2).join(" "), pub.stdout.trim().split(" ").slice(0, 2).join(" "));
    assert.deepEqual(described.Tags, [{ Key: "env", Value: "dev" }]);
    const fp = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", file], process.env);
    assert.equal(`SHA256:${key.KeyFingerprint!.replace(/=+$/, "")}`, fp.stdout.split(" ")[1]);
  });

  it("ImportKeyPair: OpenSSH RSA gets the MD5 of its DER public key; bad material is InvalidKeyPair.Format", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const pemFile = join(dir, "imp.pub.pem");
    writeFileSync(pemFile, pem);
    const ssh = await run("ssh-keygen", ["-i", "-m", "PKCS8", "-f", pemFile], process.env);
    assert.equal(ssh.code, 0, ssh.stderr);
    const imported = await ec2.send(new ImportKeyPairCommand({ KeyName: "imported", PublicKeyMaterial: Buffer.from(ssh.stdout.trim()) }));
    const md5 = await run("sh", ["-c", `openssl pkey -pubin -in ${pemFile} -outform DER | openssl md5 -c`], process.env);
    assert.equal(imported.KeyFingerprint, md5.stdout.trim().split(/\s+/).pop());
    const bad = await failure(ec2.send(new ImportKeyPairCommand({ KeyName: "bad", PublicKeyMaterial: Buffer.from("not a key") })));
    assert.equal(bad.name, "InvalidKeyPair.Format");
    const names = (await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs!.map((k) => k.KeyName).sort();
    assert.deepEqual(names, ["ed-key", "imported", "rsa-key"]);
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "imported" }));
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "imported" }));
    assert.equal((await failure(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["imported"] })))).name, "InvalidKeyPair.NotFound");
  });

  it("tags over EC2 resources: CreateTags, DeleteTags (value-conditional), DescribeTags filters; aws: prefix reserved", async () => {
    const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
    const sg = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }))).SecurityGroups![0]!.GroupId!;
    await ec2.send(new CreateTagsCommand({ Resources: [vpc, sg], Tags: [{ Key: "env", Value: "prod" }, { Key: "owner", Value: "me" }] }));
    const envTags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["env"] }, { Name: "resource-type", Values: ["vpc", "security-group"] }] }))).Tags!;
    assert.deepEqual(envTags.map((t) => t.ResourceType).sort(), ["security-group", "vpc"]);
    await ec2.send(new DeleteTagsCommand({ Resources: [vpc], Tags: [{ Key: "env", Value: "not-prod" }, { Key: "owner" }] }));
    const vpcTags = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs![0]!.Tags;
    assert.deepEqual(vpcTags, [{ Key: "env", Value: "prod" }], "a value that does not match leaves the tag; no value removes it");
    const reserved = await failure(ec2.send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key: "aws:x", Value: "y" }] })));
    assert.equal(reserved.name, "InvalidParameterValue");
    assert.equal((await failure(ec2.send(new CreateTagsCommand({ Resources: ["i-0123456789abcdef0"], Tags: [{ Key: "a", Value: "b" }] })))).name, "InvalidInstanceID.NotFound");
    const paged = await ec2.send(new DescribeTagsCommand({ MaxResults: 5 }));
    assert.ok(paged.Tags!.length <= 5);
  });

  it("DescribeInstanceTypes and DescribeInstanceTypeOfferings from the catalogue", async () => {
    const m5 = (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m5.large", "t2.micro"] }))).InstanceTypes!;
    assert.deepEqual(m5.map((t) => [t.InstanceType, t.Hypervisor, t.VCpuInfo!.DefaultVCpus, t.MemoryInfo!.SizeInMiB]).sort(), [["m5.large", "nitro", 2, 8192], ["t2.micro", "xen", 1, 1024]]);
    const metal = (await ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: "bare-metal", Values: ["true"] }, { Name: "instance-type", Values: ["m5.*"] }] }))).InstanceTypes!;
    assert.equal(metal[0]!.InstanceType, "m5.metal");
    assert.equal(metal[0]!.Hypervisor, undefined);
    const unknown = await failure(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m5.nope" as "m5.large"] })));
    assert.equal(unknown.name, "InvalidInstanceType");
    const page = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
    assert.equal(page.InstanceTypes!.length, 5);
    assert.ok(page.NextToken);
    const next = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5, NextToken: page.NextToken }));
    assert.notEqual(next.InstanceTypes![0]!.InstanceType, page.InstanceTypes![0]!.InstanceType);
    const offers = (await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["m5.large"] }] }))).InstanceTypeOfferings!;
    assert.deepEqual(offers.map((o) => o.Location), ["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  it("aws CLI: run-instances and describe-instances --filters", async () => {
    const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["ubuntu/*"] }] }))).Images![0]!.ImageId!;
    const launched = await awsCli(cb, ["ec2", "run-instances", "--image-id", image, "--instance-type", "t3.small", "--count", "2", "--key-name", "rsa-key",
      "--tag-specifications", "ResourceType=instance,Tags=[{Key=app,Value=cli}]"]);
    assert.equal(launched.code, 0, launched.stderr);
    const out = launched.json as { Instances: { InstanceId: string; KeyName: string; RootDeviceName: string }[] };
    assert.equal(out.Instances.length, 2);
    assert.equal(out.Instances[0]!.KeyName, "rsa-key");
    assert.equal(out.Instances[0]!.RootDeviceName, "/dev/sda1");
    const found = await awsCli(cb, ["ec2", "describe-instances", "--filters", "Name=tag:app,Values=cli", "Name=instance-type,Values=t3.small",
      "--query", "Reservations[].Instances[].InstanceId"]);
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual((found.json as string[]).sort(), out.Instances.map((i) => i.InstanceId).sort());
    const missing = await awsCli(cb, ["ec2", "describe-instances", "--instance-ids", "i-0123456789abcdef0"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /InvalidInstanceID\.NotFound/);
  });
});

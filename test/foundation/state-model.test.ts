import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  EC2Client, CreateVolumeCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeVolumesCommand, RunInstancesCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { Tag } from "@aws-sdk/client-ec2";
import type { HostReport } from "../../compute/hypervisor/hypervisor.js";
import type { Cloudbox } from "../../services/cloudbox.js";
import { Database } from "../../storage/state/database.js";
import { InstanceStore } from "../../compute/ec2/instances/instance-store.js";
import type { NewInstance } from "../../compute/ec2/instances/instance-store.js";
import { EbsStore } from "../../storage/ebs/store.js";
import { VirtualClock } from "../../storage/state/clock.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";
import { failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";

// Made by fixtures/make-previous-data-dir.mjs with the build before SQLite became the one truth.
const PREVIOUS_STATE = fileURLToPath(new URL("../../../test/foundation/fixtures/previous-state.db", import.meta.url));

const usedHosts = async (cb: Cloudbox, region = "us-east-1"): Promise<HostReport[]> =>
  ((await (await fetch(`${cb.endpoint}/_cloudbox/ec2/hosts?region=${region}&used=true`)).json()) as { hosts: HostReport[] }).hosts;

async function imageOf(ec2: EC2Client): Promise<string> {
  return (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
}

const instanceIds = async (ec2: EC2Client) => ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
const volumeIds = async (ec2: EC2Client) => ((await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).map((v) => v.VolumeId!);

describe("state model: SQLite is the one truth", () => {
  it("a request that fails half-way (after its rows, volumes and attachments were written) leaves no trace in any listing, the host view or the quota", async () => {
    const cb = await startTestCloudbox({ settings: { ec2: { vcpuQuota: 2 } } });
    const ec2 = new EC2Client(sdkConfig(cb));
    try {
      const image = await imageOf(ec2);
      // The 51st tag fails the launch only once the instance row and its root volume exist.
      const tooMany: Tag[] = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
      const refused = await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: "instance", Tags: tooMany }] })));
      assert.equal(refused.name, "TagLimitExceeded");
      assert.deepEqual(await instanceIds(ec2), []);
      assert.deepEqual(await volumeIds(ec2), []);
      assert.deepEqual(await usedHosts(cb), []);
      // The rolled-back launch holds none of the two-vCPU quota: one m5.large fits, a second does not.
      const launched = (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }))).Instances![0]!;
      assert.equal((await failure(ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 })))).name, "VcpuLimitExceeded");
      assert.deepEqual(await instanceIds(ec2), [launched.InstanceId]);
      assert.deepEqual((await usedHosts(cb)).flatMap((h) => h.instances.map((i) => i.instanceId)), [launched.InstanceId]);
    } finally {
      ec2.destroy();
      await cb.stop();
    }
  });

  it("a reset frees every host, address, quota and id in one call", async () => {
    const cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: { vcpuQuota: 4, fleet: { zones: { "us-east-1a": { m5: 1 } } } } } });
    const ec2 = new EC2Client(sdkConfig(cb));
    try {
      const image = await imageOf(ec2);
      const launch = () => ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 2, MaxCount: 2, PrivateIpAddress: undefined, Placement: { AvailabilityZone: "us-east-1a" }, ClientToken: "one-token" }));
      const first = (await launch()).Instances!.map((i) => i.InstanceId);
      assert.equal((await usedHosts(cb)).length, 1);
      await cb.reset();
      assert.deepEqual(await instanceIds(ec2), []);
      assert.deepEqual(await volumeIds(ec2), []);
      assert.deepEqual(await usedHosts(cb), []);
      // The same token launches anew (no row remembers it), within the whole quota again.
      const second = (await launch()).Instances!.map((i) => i.InstanceId);
      assert.equal(second.length, 2);
      assert.notDeepEqual(second, first);
      assert.equal((await usedHosts(cb))[0]!.usedVCpus, 4);
    } finally {
      ec2.destroy();
      await cb.stop();
    }
  });

  it("a data directory written by the build before this state model restarts with its instances, volumes, hosts and quota use", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-previous-"));
    copyFileSync(PREVIOUS_STATE, join(dataDir, "state.db"));
    // m5.large (2 vCPUs) runs in the fixture, m5.xlarge (4) is stopped: 2 of 6 are in use.
    const cb = await startTestCloudbox({ dataDir, settings: { ec2: { vcpuQuota: 6 } } });
    const ec2 = new EC2Client(sdkConfig(cb));
    try {
      const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!;
      const byName = new Map(reservations.flatMap((r) => r.Instances!).map((i) => [i.Tags!.find((t) => t.Key === "Name")!.Value!, i]));
      const running = byName.get("running")!;
      assert.equal(running.State!.Name, "running");
      assert.equal(byName.get("stopped")!.State!.Name, "stopped");
      assert.deepEqual(running.BlockDeviceMappings!.map((m) => m.DeviceName), ["/dev/xvda", "/dev/sdf"]);
      const volumes = (await ec2.send(new DescribeVolumesCommand({}))).Volumes!;
      assert.equal(volumes.length, 3, "two root volumes and the one attached later");
      assert.ok(volumes.every((v) => v.State === "in-use"));
      assert.equal((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs!.length, 1);
      assert.deepEqual((await usedHosts(cb)).flatMap((h) => h.instances.map((i) => i.instanceId)), [running.InstanceId]);
      // The quota use comes back from the rows: 2 + 2 fits, the stopped 4 does not start on top.
      const image = await imageOf(ec2);
      await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }));
      assert.equal((await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [byName.get("stopped")!.InstanceId!] })))).name, "VcpuLimitExceeded");
      // A retry with a token the old build stored answers the old reservation.
      const retried = await ec2.send(new RunInstancesCommand({ ImageId: running.ImageId, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, ClientToken: "token-running", TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "running" }] }] }));
      assert.deepEqual(retried.Instances!.map((i) => i.InstanceId), [running.InstanceId]);
      // The storage in use comes back too: a volume is created on top of what is there.
      const created = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: running.Placement!.AvailabilityZone!, Size: 1 }));
      assert.ok(created.VolumeId);
    } finally {
      ec2.destroy();
      await cb.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const instanceRow = (id: string, over: Partial<NewInstance> = {}): NewInstance => ({
  instance_id: id, account: "000000000000", region: "us-east-1", reservation_id: "r-1", launch_index: 0, image_id: "ami-1", instance_type: "m5.large",
  vcpus: 2, memory_mib: 8192, host_threads: 2, gpus: 0, quota_bucket: "standard", socket: 0, host_family: "m5", hypervisor: "nitro", az: "us-east-1a",
  subnet_id: "subnet-1", vpc_id: "vpc-1", private_ip: `10.0.0.${id.length}`, public_ip: null, eni_id: "eni-1", mac: "0e:00:00:00:00:01", host_id: "h-1", previous_host_id: null,
  key_name: null, launch_time: 0, state: "pending", state_at: 0, settles_at: 0, host_release_at: null, guest_shutdown_at: null, guest_shutdown_ends_at: null,
  terminated_at: null, transition_reason: "", state_reason_code: null, state_reason_message: null, client_token: null, token_scope: null, request_hash: null,
  user_data: null, groups: "[]", disable_api_termination: 0, disable_api_stop: 0, shutdown_behavior: "stop", architecture: "x86_64", virtualization_type: "hvm",
  root_device_name: "/dev/xvda", root_device_type: "ebs", platform: null, kernel_id: null, ramdisk_id: null, ebs_optimized: 0, source_dest_check: 1,
  ena_support: 1, monitoring: "disabled", tenancy: "default", placement_group: null, block_devices: "[]", boots: "[]", ...over,
});

describe("state model: one invariant, one constraint", () => {
  it("an instance id is unique: a second row with it is refused with an InternalError and nothing of its transaction stays", () => {
    const db = new Database(":memory:");
    const store = new InstanceStore(db);
    store.insert(instanceRow("i-1"));
    const error = (() => {
      try {
        db.transaction(() => {
          store.insert(instanceRow("i-2"));
          store.insert(instanceRow("i-1", { host_id: "h-2" }));
        });
      } catch (e) {
        return e as { code?: string; status?: number };
      }
      return undefined;
    })();
    assert.deepEqual([error?.code, error?.status], ["InternalError", 500]);
    assert.deepEqual(store.all("000000000000", "us-east-1").map((r) => r.instance_id), ["i-1"]);
    assert.deepEqual(store.hostUsage("us-east-1", "us-east-1a", "m5", 0).map((u) => [u.host_id, u.guests]), [["h-1", 1]], "the refused rows hold no host");
    db.close();
  });

  it("a volume id is unique", () => {
    const db = new Database(":memory:");
    const store = new EbsStore({ db, clock: new VirtualClock(), settings: {}, blobs: undefined as unknown as BlobStore });
    const volume = { volume_id: "vol-1", account: "a", region: "r", az: "r1", size: 8, volume_type: "gp3", iops: 3000, throughput: 125, encrypted: 0, kms_key_id: null, snapshot_id: null, multi_attach: 0, created_at: 0, ready_at: 0, deleted_at: null, client_token: null, request_hash: null, lineage: "l" };
    store.insertVolume(volume);
    assert.throws(() => db.transaction(() => store.insertVolume({ ...volume, account: "b" })), (e: { code?: string }) => e.code === "InternalError");
    assert.equal(store.usage("a", "r", "gp3").size, 8, "the refused volume counts for nothing");
    assert.equal(store.usage("b", "r", "gp3").size, 0);
    db.close();
  });

  it("what hosts and quotas hold, as placement reads it, is always the sum over the rows, through launches, stops, starts, type changes, terminations and purges", () => {
    const db = new Database(":memory:");
    const store = new InstanceStore(db);
    const direct = (now: number) => {
      const rows = db.sql.prepare("SELECT host_id, socket, host_threads, memory_mib, vcpus FROM ec2_instances WHERE host_id IS NOT NULL AND (host_release_at IS NULL OR host_release_at > ?)").all(now) as { host_id: string; socket: number; host_threads: number; memory_mib: number; vcpus: number }[];
      const sums = new Map<string, [number, number, number]>();
      for (const r of rows) {
        const key = `${r.host_id}/${r.socket}`;
        const was = sums.get(key) ?? [0, 0, 0];
        sums.set(key, [was[0] + r.host_threads, was[1] + r.memory_mib, was[2] + 1]);
      }
      return { hosts: [...sums].filter(([, s]) => s[2] > 0).sort(), vcpus: rows.reduce((n, r) => n + r.vcpus, 0) };
    };
    const viaStore = (now: number) => {
      const sums = new Map<string, [number, number, number]>();
      for (const u of store.hostUsage("us-east-1", "us-east-1a", "m5", now)) {
        const key = `${u.host_id}/${u.socket}`;
        const was = sums.get(key) ?? [0, 0, 0];
        sums.set(key, [was[0] + u.threads, was[1] + u.mem, was[2] + u.guests]);
      }
      return { hosts: [...sums].filter(([, s]) => s[2] > 0).sort(), vcpus: store.vcpusInUse("000000000000", "us-east-1", "standard", now) };
    };
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const ids: string[] = [];
    let now = 0;
    for (let step = 0; step < 400; step++) {
      now += random(5);
      const id = ids[random(ids.length || 1)];
      const action = ids.length ? random(6) : 0;
      const change = { terminated_at: null, state_at: now, transition_reason: "", state_reason_code: null, state_reason_message: null, boots: "[]" };
      const next = `i-${step}`;
      // Every tenth transaction fails after its write: the sums roll back with the rows.
      const fails = step % 10 === 9;
      try {
        db.transaction(() => {
          if (action === 0) store.insert(instanceRow(next, { host_id: `h-${random(3)}`, socket: random(2), host_release_at: random(4) === 0 ? now + random(20) : null, private_ip: `10.0.${step >> 8}.${step & 255}` }));
          else if (action === 1) store.setState({ instance_id: id!, ...change, state: "stopping", settles_at: now + 5, host_release_at: now + random(10) });
          else if (action === 2) store.start({ instance_id: id!, state_at: now, settles_at: now + 1, host_id: `h-${random(3)}`, socket: random(2), previous_host_id: null, public_ip: null, boots: "[]" });
          else if (action === 3) store.update(id!, "vcpus", 1 + random(8));
          else if (action === 4) store.update(id!, "host_release_at", random(2) ? null : now + random(10));
          else store.delete(id!);
          if (fails) throw new Error("rolled back");
        });
      } catch (error) {
        assert.ok(fails, String(error));
        continue;
      }
      if (action === 0) ids.push(next);
      if (action === 5) ids.splice(ids.indexOf(id!), 1);
    }
    for (const at of [now, now + 5, now + 50]) assert.deepEqual(viaStore(at), direct(at), `at ${at}`);
    db.reset();
    assert.deepEqual(viaStore(now), { hosts: [], vcpus: 0 }, "a reset empties the sums with the rows");
    db.close();
  });
});

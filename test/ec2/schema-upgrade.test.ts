import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Database } from "../../storage/state/database.js";
import { InstanceStore, MIGRATIONS } from "../../compute/ec2/instances/instance-store.js";

describe("EC2 instance table: a data directory from the first schema upgrades in place", () => {
  it("keeps the rows and fills the new columns", () => {
    const db = new Database(":memory:");
    db.registerSchema("ec2-instances", MIGRATIONS.slice(0, 1));
    db.sql.prepare(`INSERT INTO ec2_instances (instance_id, account, region, reservation_id, launch_index, image_id, instance_type, vcpus, memory_mib, host_family, hypervisor,
      az, subnet_id, vpc_id, private_ip, eni_id, mac, host_id, launch_time, state, state_at, settles_at, host_release_at, transition_reason, groups,
      disable_api_termination, disable_api_stop, shutdown_behavior, architecture, virtualization_type, root_device_name, root_device_type, ebs_optimized,
      source_dest_check, ena_support, monitoring, tenancy, block_devices, boots)
      VALUES ('i-0123456789abcdef0', '000000000000', 'us-east-1', 'r-0123456789abcdef0', 0, 'ami-0123456789abcdef0', 'm5.large', 2, 8192, 'm5', 'nitro',
      'us-east-1a', 'subnet-1', 'vpc-1', '172.31.0.10', 'eni-1', '0e:00:00:00:00:01', 'h-1', 1, 'shutting-down', 1, 5, 5, '', '[]',
      0, 0, 'stop', 'x86_64', 'hvm', '/dev/xvda', 'ebs', 0, 1, 1, 'disabled', 'default', '[]', '[]')`).run();
    const store = new InstanceStore(db);
    const row = store.byId("i-0123456789abcdef0")!;
    assert.equal(row.host_threads, 2);
    assert.equal(row.quota_bucket, "standard");
    assert.equal(row.terminated_at, 5);
    assert.equal(row.version, 0);
    assert.deepEqual(store.expired("000000000000", "us-east-1", 10), ["i-0123456789abcdef0"]);
    db.close();
  });

  it("the rebuild keeps every column of every row and their seq, and the upgrade after it makes instance ids unique again", () => {
    const db = new Database(":memory:");
    const rebuild = MIGRATIONS.findIndex((m) => m.includes("ec2_instances_rebuilt"));
    db.registerSchema("ec2-instances", MIGRATIONS.slice(0, rebuild));
    const insert = db.sql.prepare(`INSERT INTO ec2_instances (seq, instance_id, account, region, reservation_id, launch_index, image_id, instance_type, vcpus, memory_mib, host_family, hypervisor,
      az, subnet_id, vpc_id, private_ip, public_ip, eni_id, mac, host_id, launch_time, state, state_at, settles_at, host_release_at, transition_reason, groups,
      disable_api_termination, disable_api_stop, shutdown_behavior, architecture, virtualization_type, root_device_name, root_device_type, ebs_optimized,
      source_dest_check, ena_support, monitoring, tenancy, block_devices, boots, host_threads, gpus, quota_bucket, socket, version, client_token, terminated_at)
      VALUES (?, ?, '000000000000', 'us-east-1', 'r-0123456789abcdef0', 0, 'ami-0123456789abcdef0', 't3.micro', 2, 1024, 't3', 'nitro',
      'us-east-1a', 'subnet-1', 'vpc-1', ?, '54.1.2.3', 'eni-1', '0e:00:00:00:00:01', 'h-1', 1, 'running', 1, 5, NULL, '', '[]',
      1, 0, 'stop', 'x86_64', 'hvm', '/dev/xvda', 'ebs', 0, 1, 1, 'disabled', 'default', '[{"deviceName":"/dev/xvda"}]', '[]', 0.5, 0, 'standard', 0, 3, ?, ?)`);
    insert.run(7, "i-0000000000000000a", "172.31.0.10", "token-a", null);
    insert.run(9, "i-0000000000000000b", "172.31.0.11", null, 50);
    const before = db.sql.prepare("SELECT * FROM ec2_instances ORDER BY seq").all();
    const store = new InstanceStore(db);
    assert.deepEqual(db.sql.prepare("SELECT * FROM ec2_instances ORDER BY seq").all(), before);
    const indexes = db.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ec2_instances' ORDER BY name").pluck().all();
    assert.deepEqual(indexes, ["ec2_instances_by_address", "ec2_instances_by_expiry", "ec2_instances_by_id", "ec2_instances_by_owner", "ec2_instances_by_public_ip", "ec2_instances_by_release", "ec2_instances_by_token"]);
    // Rows are found by id, and the rowids go on from the highest.
    assert.equal(store.byId("i-0000000000000000b")!.terminated_at, 50);
    assert.equal(store.byId("i-0000000000000000a")!.disable_api_termination, 1);
    assert.deepEqual(store.rowsOfLaunchToken("000000000000", "us-east-1", "token-a").map((r) => r.seq), [7]);
    store.setBoots("i-0000000000000000a", '[{"kind":"boot"}]');
    assert.equal(store.byId("i-0000000000000000a")!.boots, '[{"kind":"boot"}]');
    assert.equal(store.byId("i-0000000000000000b")!.boots, "[]", "a write by id changes its own row only");
    // The table refuses a second row with a taken id.
    const { seq: _seq, version: _version, ...again } = store.byId("i-0000000000000000a")!;
    assert.throws(() => db.transaction(() => store.insert(again)), (e: Error & { code?: string; status?: number }) => e.code === "InternalError" && e.status === 500);
    store.insert({ ...again, instance_id: "i-0000000000000000c", private_ip: "172.31.0.12", client_token: null });
    assert.equal(store.byId("i-0000000000000000c")!.seq, 10, "new rows go on after the highest seq");
    store.delete("i-0000000000000000b");
    assert.equal(store.byId("i-0000000000000000b"), undefined);
    assert.deepEqual(db.sql.prepare("SELECT seq FROM ec2_instances").pluck().all(), [7, 10]);
    db.close();
  });

  it("a seq reused after its row was deleted never reaches the new row through the old id", () => {
    const db = new Database(":memory:");
    const first = new InstanceStore(db);
    // Two stores on one database: the second one's holdings, read now, go stale below.
    const second = new InstanceStore(db);
    const row = (id: string, ip: string) => ({
      instance_id: id, account: "000000000000", region: "us-east-1", reservation_id: "r-1", launch_index: 0, image_id: "ami-1", instance_type: "t3.micro",
      vcpus: 2, memory_mib: 1024, host_threads: 0.2, gpus: 0, quota_bucket: "standard", socket: 0, host_family: "t3", hypervisor: "nitro", az: "us-east-1a",
      subnet_id: "subnet-1", vpc_id: "vpc-1", private_ip: ip, public_ip: null, eni_id: "eni-1", mac: "0e:00:00:00:00:01", host_id: "h-1", previous_host_id: null,
      key_name: null, launch_time: 1, state: "pending" as const, state_at: 1, settles_at: 2, host_release_at: null, guest_shutdown_at: null, guest_shutdown_ends_at: null,
      terminated_at: null, transition_reason: "", state_reason_code: null, state_reason_message: null, client_token: null, token_scope: null, request_hash: null,
      user_data: null, groups: "[]", disable_api_termination: 0, disable_api_stop: 0, shutdown_behavior: "stop", architecture: "x86_64", virtualization_type: "hvm",
      root_device_name: "/dev/xvda", root_device_type: "ebs", platform: null, kernel_id: null, ramdisk_id: null, ebs_optimized: 0, source_dest_check: 1,
      ena_support: 1, monitoring: "disabled", tenancy: "default", placement_group: null, block_devices: "[]", boots: "[]",
    });
    first.insert(row("i-000000000000000a1", "172.31.0.10"));
    first.insert(row("i-000000000000000b2", "172.31.0.11"));
    assert.equal(second.byId("i-000000000000000b2")!.seq, 2);
    first.delete("i-000000000000000b2");
    first.insert(row("i-000000000000000c3", "172.31.0.12"));
    assert.equal(first.byId("i-000000000000000c3")!.seq, 2, "SQLite gives the highest seq again once its row is gone");
    assert.equal(second.byId("i-000000000000000b2"), undefined);
    second.update("i-000000000000000b2", "user_data", "stale");
    second.setBoots("i-000000000000000b2", "stale");
    second.delete("i-000000000000000b2");
    const c = first.byId("i-000000000000000c3")!;
    assert.deepEqual([c.user_data, c.boots], [null, "[]"], "the other instance's row is untouched");
    db.close();
  });
});

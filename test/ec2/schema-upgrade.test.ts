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

  it("the rebuild without the UNIQUE index on instance_id keeps every column of every row, their seq and the other indexes", () => {
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
    assert.deepEqual(indexes, ["ec2_instances_by_expiry", "ec2_instances_by_owner"], "no autoindex for a UNIQUE constraint is left");
    // Rows are found by id through their seq, and the rowids go on from the highest.
    assert.equal(store.byId("i-0000000000000000b")!.terminated_at, 50);
    assert.equal(store.byId("i-0000000000000000a")!.disable_api_termination, 1);
    assert.deepEqual(store.rowsOfLaunchToken("000000000000", "us-east-1", "token-a").map((r) => r.seq), [7]);
    store.setBoots("i-0000000000000000a", '[{"kind":"boot"}]');
    assert.equal(store.byId("i-0000000000000000a")!.boots, '[{"kind":"boot"}]');
    assert.equal(store.byId("i-0000000000000000b")!.boots, "[]", "a write by seq changes its own row only");
    // Ids stay unique without the index: the holdings refuse a second row with a taken id.
    const { seq: _seq, version: _version, ...again } = store.byId("i-0000000000000000a")!;
    assert.throws(() => store.insert(again), /i-0000000000000000a is taken/);
    store.delete("i-0000000000000000b");
    assert.equal(store.byId("i-0000000000000000b"), undefined);
    assert.deepEqual(db.sql.prepare("SELECT seq FROM ec2_instances").pluck().all(), [7]);
    db.close();
  });
});

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
});

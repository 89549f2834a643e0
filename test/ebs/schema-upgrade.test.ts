import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Database } from "../../storage/state/database.js";
import { VirtualClock } from "../../storage/state/clock.js";
import { MIGRATIONS } from "../../storage/ebs/schema.js";
import { EbsStore } from "../../storage/ebs/store.js";
import type { VolumeRow } from "../../storage/ebs/schema.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";

type Usage = { volume_type: string; size: number; iops: number };

function summed(db: Database): Usage[] {
  return db.sql.prepare("SELECT volume_type, SUM(size) AS size, COALESCE(SUM(iops), 0) AS iops FROM ebs_volumes WHERE account = 'a' AND region = 'r' AND deleted_at IS NULL GROUP BY volume_type ORDER BY volume_type").all() as Usage[];
}

const volume = (id: string, size: number, type: string, iops: number | null): VolumeRow => ({
  volume_id: id, account: "a", region: "r", az: "r1", size, volume_type: type, iops, throughput: null, encrypted: 0, kms_key_id: null, snapshot_id: null,
  multi_attach: 0, created_at: 0, ready_at: 0, deleted_at: null, client_token: null, request_hash: null, lineage: id,
});

describe("EBS storage usage per type (the quotas' running sums)", () => {
  it("a data directory with the usage table upgrades in place, and every write keeps the sums equal to the volumes", () => {
    const db = new Database(":memory:");
    const before = MIGRATIONS.findIndex((m) => m.includes("DROP TABLE ebs_usage"));
    db.registerSchema("ebs", MIGRATIONS.slice(0, before));
    const insert = db.sql.prepare(`INSERT INTO ebs_volumes (volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, multi_attach, created_at, ready_at, deleted_at, lineage)
      VALUES (?, 'a', 'r', 'r1', ?, ?, ?, NULL, 0, 0, 0, 0, ?, 'l')`);
    insert.run("vol-1", 8, "gp3", 3000, null);
    insert.run("vol-2", 10, "gp3", 3000, null);
    insert.run("vol-3", 100, "gp3", 3000, 5);
    insert.run("vol-4", 125, "sc1", null, null);
    const store = new EbsStore({ db, clock: new VirtualClock(), settings: {}, blobs: undefined as unknown as BlobStore });
    assert.equal((db.sql.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'ebs_usage%'").get() as { n: number }).n, 0, "the table and its triggers are gone");
    const usage = () => ["gp3", "io2", "sc1"].map((t) => ({ volume_type: t, ...store.usage("a", "r", t) })).filter((u) => u.size > 0 || u.iops > 0);
    assert.deepEqual(usage(), [{ volume_type: "gp3", size: 18, iops: 6000 }, { volume_type: "sc1", size: 125, iops: 0 }]);

    store.insertVolume(volume("vol-5", 4, "gp3", 3000));
    store.deleteVolume(store.volume("a", "r", "vol-1")!);
    store.updateVolumeSpec(store.volume("a", "r", "vol-2")!, { size: 20, volume_type: "io2", iops: 500, throughput: null, multi_attach: 0 });
    assert.deepEqual(usage(), summed(db));
    assert.throws(() => db.transaction(() => {
      store.insertVolume(volume("vol-6", 1000, "gp3", 3000));
      assert.equal(store.usage("a", "r", "gp3").size, 1008, "a transaction sees its own writes");
      throw new Error("rolled back");
    }));
    assert.deepEqual(usage(), summed(db));
    assert.deepEqual(usage(), [{ volume_type: "gp3", size: 4, iops: 3000 }, { volume_type: "io2", size: 20, iops: 500 }, { volume_type: "sc1", size: 125, iops: 0 }]);
    // A platform reset empties the tables, then tells the store.
    db.reset();
    store.forgetCached();
    assert.deepEqual(usage(), []);
    db.close();
  });
});

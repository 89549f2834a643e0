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

const volumeIndexes = (db: Database) => db.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ebs_volumes' ORDER BY name").pluck().all();

describe("EBS volume table: a data directory from every earlier schema upgrades in place, volume ids unique by constraint", () => {
  it("the upgrade keeps every column of every row and their rowids, and volumes are found, changed and deleted by id", () => {
    const db = new Database(":memory:");
    const rebuild = MIGRATIONS.findIndex((m) => m.includes("ebs_volumes_rebuilt"));
    db.registerSchema("ebs", MIGRATIONS.slice(0, rebuild));
    const insert = db.sql.prepare(`INSERT INTO ebs_volumes (rowid, volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, kms_key_id, snapshot_id,
      multi_attach, created_at, ready_at, deleted_at, client_token, request_hash, lineage, auto_enable_io)
      VALUES (?, ?, 'a', 'r', 'r1', ?, 'gp3', 3000, 125, 1, 'key', 'snap-1', 0, 1, 2, ?, ?, 'hash', 'lineage', ?)`);
    const clock = new VirtualClock();
    insert.run(4, "vol-0000000000000000a", 8, null, "token-a", 1);
    insert.run(9, "vol-0000000000000000b", 10, clock.now(), null, 0);
    const before = db.sql.prepare("SELECT rowid AS seq, * FROM ebs_volumes ORDER BY rowid").all();
    const store = new EbsStore({ db, clock, settings: {}, blobs: undefined as unknown as BlobStore });
    assert.deepEqual(db.sql.prepare("SELECT * FROM ebs_volumes ORDER BY seq").all(), before);
    assert.deepEqual(volumeIndexes(db), ["ebs_volumes_by_id", "ebs_volumes_scope"]);
    assert.equal(store.volume("a", "r", "vol-0000000000000000a")!.size, 8);
    assert.equal(store.volume("a", "r", "vol-0000000000000000b")!.deleted_at, clock.now(), "a deleting volume is still found");
    assert.equal(store.volume("other", "r", "vol-0000000000000000a"), undefined, "another account's id is not found");
    assert.equal(store.volumeByToken("a", "r", "token-a")!.volume_id, "vol-0000000000000000a");
    store.updateVolumeSpec(store.volume("a", "r", "vol-0000000000000000a")!, { size: 20, volume_type: "gp3", iops: 3000, throughput: 125, multi_attach: 0 });
    store.setAutoEnableIo(store.volume("a", "r", "vol-0000000000000000a")!, false);
    const a = store.volume("a", "r", "vol-0000000000000000a")!;
    assert.deepEqual([a.size, a.auto_enable_io, a.deleted_at], [20, 0, null]);
    assert.equal(store.volume("a", "r", "vol-0000000000000000b")!.size, 10, "a write by seq changes its own row only");
    store.insertVolume(volume("vol-0000000000000000c", 4, "gp3", 3000));
    assert.equal(db.sql.prepare("SELECT seq FROM ebs_volumes WHERE volume_id = 'vol-0000000000000000c'").pluck().get(), 10, "new rows go on after the highest rowid");
    assert.throws(() => db.transaction(() => store.insertVolume(volume("vol-0000000000000000a", 4, "gp3", 3000))), (e: Error & { code?: string; status?: number }) => e.code === "InternalError" && e.status === 500, "a taken id is refused by the table");
    store.deleteVolume(store.volume("a", "r", "vol-0000000000000000c")!);
    assert.notEqual(store.volume("a", "r", "vol-0000000000000000c")!.deleted_at, null);
    assert.equal(store.volume("a", "r", "vol-0000000000000000a")!.deleted_at, null);
    assert.deepEqual(store.volumes("a", "r").map((v) => v.volume_id), ["vol-0000000000000000a", "vol-0000000000000000b", "vol-0000000000000000c"]);
    db.close();
  });

  it("a volume whose insert rolled back is not found, the volumes written before it still are, and a reset forgets them all", () => {
    const db = new Database(":memory:");
    const store = new EbsStore({ db, clock: new VirtualClock(), settings: {}, blobs: undefined as unknown as BlobStore });
    store.insertVolume(volume("vol-1", 8, "gp3", 3000));
    assert.throws(() => db.transaction(() => {
      store.insertVolume(volume("vol-2", 8, "gp3", 3000));
      assert.equal(store.volume("a", "r", "vol-2")!.size, 8, "a transaction sees its own insert");
      throw new Error("rolled back");
    }));
    assert.equal(store.volume("a", "r", "vol-2"), undefined);
    assert.equal(store.volume("a", "r", "vol-1")!.size, 8);
    // The rolled-back row's rowid is given again: the new volume must be found, not the old id.
    store.insertVolume(volume("vol-3", 9, "gp3", 3000));
    assert.equal(store.volume("a", "r", "vol-3")!.size, 9);
    assert.equal(store.volume("a", "r", "vol-2"), undefined);
    store.insertVolume(volume("vol-2", 7, "gp3", 3000));
    assert.equal(store.volume("a", "r", "vol-2")!.size, 7, "the rolled-back id is free");
    db.reset();
    assert.equal(store.volume("a", "r", "vol-1"), undefined);
    store.insertVolume(volume("vol-1", 4, "gp3", 3000));
    assert.equal(store.volume("a", "r", "vol-1")!.size, 4, "an id freed by a reset can be written again");
    db.close();
  });
});

describe("EBS storage usage per type (the quotas' running sums)", () => {
  it("a data directory with the usage table upgrades in place, and every write keeps the sums equal to the volumes", () => {
    const db = new Database(":memory:");
    const before = MIGRATIONS.findIndex((m) => m.includes("DROP TABLE ebs_usage")) + 1;
    db.registerSchema("ebs", MIGRATIONS.slice(0, before));
    const insert = db.sql.prepare(`INSERT INTO ebs_volumes (volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, multi_attach, created_at, ready_at, deleted_at, lineage)
      VALUES (?, 'a', 'r', 'r1', ?, ?, ?, NULL, 0, 0, 0, 0, ?, 'l')`);
    insert.run("vol-1", 8, "gp3", 3000, null);
    insert.run("vol-2", 10, "gp3", 3000, null);
    insert.run("vol-3", 100, "gp3", 3000, 5);
    insert.run("vol-4", 125, "sc1", null, null);
    const store = new EbsStore({ db, clock: new VirtualClock(), settings: {}, blobs: undefined as unknown as BlobStore });
    assert.equal((db.sql.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'ebs_usage%'").get() as { n: number }).n, 4, "the table and its three triggers are back, filled from the volumes");
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
    // A platform reset empties the tables, the sums with them.
    db.reset();
    assert.deepEqual(usage(), []);
    db.close();
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Database } from "../../storage/state/database.js";
import { MIGRATIONS, registerEbsSchema } from "../../storage/ebs/schema.js";

type Usage = { volume_type: string; size: number; iops: number };

function usage(db: Database): Usage[] {
  return db.sql.prepare("SELECT volume_type, size, iops FROM ebs_usage WHERE account = 'a' AND region = 'r' AND (size > 0 OR iops > 0) ORDER BY volume_type").all() as Usage[];
}

function summed(db: Database): Usage[] {
  return db.sql.prepare("SELECT volume_type, SUM(size) AS size, COALESCE(SUM(iops), 0) AS iops FROM ebs_volumes WHERE account = 'a' AND region = 'r' AND deleted_at IS NULL GROUP BY volume_type ORDER BY volume_type").all() as Usage[];
}

describe("EBS storage usage per type (the quota's running sum)", () => {
  it("a data directory from before the sum upgrades in place, and every write keeps the sum equal to the volumes", () => {
    const db = new Database(":memory:");
    db.registerSchema("ebs", MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE ebs_usage"))));
    const insert = db.sql.prepare(`INSERT INTO ebs_volumes (volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, multi_attach, created_at, ready_at, deleted_at, lineage)
      VALUES (?, 'a', 'r', 'r1', ?, ?, ?, NULL, 0, 0, 0, 0, ?, 'l')`);
    insert.run("vol-1", 8, "gp3", 3000, null);
    insert.run("vol-2", 10, "gp3", 3000, null);
    insert.run("vol-3", 100, "gp3", 3000, 5);
    insert.run("vol-4", 125, "sc1", null, null);
    registerEbsSchema(db);
    assert.deepEqual(usage(db), [{ volume_type: "gp3", size: 18, iops: 6000 }, { volume_type: "sc1", size: 125, iops: 0 }]);

    insert.run("vol-5", 4, "gp3", 3000, null);
    db.sql.prepare("UPDATE ebs_volumes SET deleted_at = 9 WHERE volume_id = 'vol-1'").run();
    db.sql.prepare("UPDATE ebs_volumes SET size = 20, volume_type = 'io2', iops = 500 WHERE volume_id = 'vol-2'").run();
    db.sql.prepare("DELETE FROM ebs_volumes WHERE volume_id = 'vol-4'").run();
    assert.throws(() => db.transaction(() => {
      insert.run("vol-6", 1000, "gp3", 3000, null);
      throw new Error("rolled back");
    }));
    assert.deepEqual(usage(db), summed(db));
    assert.deepEqual(usage(db), [{ volume_type: "gp3", size: 4, iops: 3000 }, { volume_type: "io2", size: 20, iops: 500 }]);
    db.close();
  });
});

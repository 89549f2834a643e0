import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Database } from "../../storage/state/database.js";
import { VirtualClock } from "../../storage/state/clock.js";
import { MIGRATIONS } from "../../storage/ebs/schema.js";
import { EbsStore } from "../../storage/ebs/store.js";
import type { AttachmentRow } from "../../storage/ebs/schema.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";
import { LiveAttachments } from "../../storage/ebs/live-attachments.js";
import type { LiveAttachment } from "../../storage/ebs/live-attachments.js";
import { EC2Client, DescribeImagesCommand, DescribeVolumesCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

type NewAttachment = Omit<AttachmentRow, "detach_at" | "detached_at">;

const attachment = (volumeId: string, instanceId: string, extra: Partial<NewAttachment> = {}): NewAttachment => ({
  volume_id: volumeId, instance_id: instanceId, account: "a", region: "r", device: "/dev/sdf", attach_time: 1_000, attached_at: 1_000,
  delete_on_termination: 0, is_root: 0, ...extra,
});

/** What the table says, read the way the store read it before the mirror: the reference the mirror must agree with. */
function fromTable(db: Database, now: number) {
  const live = "(detached_at IS NULL OR detached_at > ?)";
  return {
    ofVolume: (volumeId: string) => db.sql.prepare(`SELECT * FROM ebs_attachments WHERE volume_id = ? AND ${live} ORDER BY attach_time, rowid`).all(volumeId, now),
    ofInstance: (instanceId: string) =>
      db.sql.prepare(`SELECT * FROM ebs_attachments WHERE account = 'a' AND region = 'r' AND instance_id = ? AND ${live} ORDER BY attach_time, is_root DESC, rowid`).all(instanceId, now),
  };
}

/** The rows without the mirror's rowid, to compare with the table's. */
const plain = (rows: AttachmentRow[]) =>
  rows.map((row) => {
    const { seq: _seq, ...columns } = row as AttachmentRow & { seq?: number };
    return columns;
  });

function newStore(db: Database, clock: VirtualClock): EbsStore {
  return new EbsStore({ db, clock, settings: {}, blobs: undefined as unknown as BlobStore });
}

describe("EBS attachments mirrored in memory", () => {
  it("a data directory with the attachment indexes upgrades in place, and its attachments are found by volume and by instance", () => {
    const db = new Database(":memory:");
    const before = MIGRATIONS.findIndex((m) => m.includes("DROP INDEX ebs_attachments_volume"));
    db.registerSchema("ebs", MIGRATIONS.slice(0, before));
    const insert = db.sql.prepare(`INSERT INTO ebs_attachments (volume_id, instance_id, account, region, device, attach_time, attached_at, detach_at, detached_at, delete_on_termination, is_root)
      VALUES (?, ?, 'a', 'r', ?, ?, ?, ?, ?, 1, ?)`);
    insert.run("vol-root", "i-1", "/dev/xvda", 1_000, 1_000, null, null, 1);
    insert.run("vol-data", "i-1", "/dev/sdf", 2_000, 2_500, null, null, 0);
    insert.run("vol-gone", "i-1", "/dev/sdg", 500, 500, 600, 700, 0);
    const clock = new VirtualClock(3_000);
    const store = newStore(db, clock);
    assert.equal((db.sql.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'ebs_attachments_%'").get() as { n: number }).n, 0, "the indexes are gone");
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-root", "vol-data"]);
    assert.deepEqual(store.attachmentsOfVolume("vol-gone"), [], "a completed detachment is not an attachment");
    assert.deepEqual(plain(store.attachmentsOfVolume("vol-data")), fromTable(db, clock.now()).ofVolume("vol-data"));
    db.close();
  });

  it("follows attaches, detaches and DeleteOnTermination changes exactly as the table does", () => {
    const db = new Database(":memory:");
    const clock = new VirtualClock(1_000);
    const store = newStore(db, clock);
    const check = () => {
      const table = fromTable(db, clock.now());
      for (const id of ["vol-1", "vol-2", "vol-multi"]) assert.deepEqual(plain(store.attachmentsOfVolume(id)), table.ofVolume(id), id);
      for (const id of ["i-1", "i-2", "i-3"]) assert.deepEqual(plain(store.attachmentsOfInstance("a", "r", id)), table.ofInstance(id), id);
      const byInstance = store.attachmentsByInstance("a", "r");
      for (const id of ["i-1", "i-2", "i-3"]) assert.deepEqual(plain(byInstance.get(id) ?? []), table.ofInstance(id), `scope ${id}`);
      const listed = store.attachmentsByInstance("a", "r", ["i-2", "i-1", "i-2"]);
      for (const id of ["i-1", "i-2"]) assert.deepEqual(plain(listed.get(id) ?? []), table.ofInstance(id), `listed ${id}`);
    };
    // A data volume written before the root at the same time: the root still comes first for its instance.
    store.insertAttachment(attachment("vol-2", "i-1", { device: "/dev/sdf" }));
    store.insertAttachment(attachment("vol-1", "i-1", { device: "/dev/xvda", is_root: 1, delete_on_termination: 1 }));
    store.insertAttachment(attachment("vol-multi", "i-2"));
    store.insertAttachment(attachment("vol-multi", "i-3", { attach_time: 900 }));
    check();
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.device), ["/dev/xvda", "/dev/sdf"]);
    assert.deepEqual(store.attachmentsOfVolume("vol-multi").map((r) => r.instance_id), ["i-3", "i-2"]);

    assert.equal(store.setDeleteOnTermination("a", "r", "i-1", "/dev/sdf", true), true);
    assert.equal(store.setDeleteOnTermination("a", "r", "i-1", "/dev/sdz", true), false, "no attachment at that device");
    check();
    store.detach("vol-multi", "i-2", 500);
    check();
    assert.equal(store.attachmentState(store.attachmentsOfVolume("vol-multi").find((r) => r.instance_id === "i-2")!), "detaching");
    store.detach("vol-multi", "i-2", 500);
    assert.equal(db.sql.prepare("SELECT detached_at FROM ebs_attachments WHERE instance_id = 'i-2'").pluck().get(), 1_500, "a second detach does not restart the first");
    assert.equal(store.setDeleteOnTermination("a", "r", "i-2", "/dev/sdf", true), false, "a detaching attachment keeps its flag");
    clock.advance(500);
    check();
    assert.deepEqual(store.attachmentsOfVolume("vol-multi").map((r) => r.instance_id), ["i-3"]);
    store.detach("vol-1", "i-1", 0);
    check();
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-2"], "a detach that takes no time is over at once");
    // Reattached elsewhere after the detachment: only the new attachment shows.
    store.insertAttachment(attachment("vol-multi", "i-2", { attach_time: clock.now(), attached_at: clock.now() + 10 }));
    check();
    db.close();
  });

  it("a transaction that wrote attachments and rolls back is undone in a mirror read before it", () => {
    const db = new Database(":memory:");
    const clock = new VirtualClock(1_000);
    const store = newStore(db, clock);
    store.insertAttachment(attachment("vol-1", "i-1", { device: "/dev/sdf" }));
    store.insertAttachment(attachment("vol-2", "i-1", { device: "/dev/sdg" }));
    const failing = (write: () => void) => assert.throws(() => db.transaction(() => {
      write();
      throw new Error("rolled back");
    }));
    const check = () => {
      const table = fromTable(db, clock.now());
      for (const id of ["vol-1", "vol-2", "vol-3"]) assert.deepEqual(plain(store.attachmentsOfVolume(id)), table.ofVolume(id), id);
      assert.deepEqual(plain(store.attachmentsOfInstance("a", "r", "i-1")), table.ofInstance("i-1"));
    };
    check();
    failing(() => store.insertAttachment(attachment("vol-3", "i-1", { device: "/dev/sdh" })));
    check();
    failing(() => store.detach("vol-1", "i-1", 0));
    check();
    failing(() => store.setDeleteOnTermination("a", "r", "i-1", "/dev/sdg", true));
    check();
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => [r.volume_id, r.detach_at, r.delete_on_termination]), [["vol-1", null, 0], ["vol-2", null, 0]]);
    // A savepoint that rolls back inside a transaction that commits: only the outer write stays.
    db.transaction(() => {
      store.insertAttachment(attachment("vol-3", "i-1", { device: "/dev/sdh" }));
      failing(() => store.detach("vol-2", "i-1", 0));
      assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-1", "vol-2", "vol-3"]);
    });
    check();
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-1", "vol-2", "vol-3"]);
    db.close();
  });

  it("is read from the rows once: a failing request that only read keeps it, and finished detachments leave it", () => {
    const db = new Database(":memory:");
    let reads = 0;
    const rows: LiveAttachment[] = [];
    const mirror = new LiveAttachments(db, () => {
      reads++;
      return rows;
    });
    const row = (seq: number, volumeId: string, instanceId: string, detachedAt: number | null): LiveAttachment => ({
      ...attachment(volumeId, instanceId), seq, detach_at: detachedAt === null ? null : detachedAt - 100, detached_at: detachedAt,
    });
    rows.push(row(1, "vol-1", "i-1", null), row(2, "vol-2", "i-1", 2_000), row(3, "vol-3", "i-2", 3_000));
    assert.throws(() => db.transaction(() => {
      assert.equal(mirror.ofInstance("a", "r", "i-1", 1_000).length, 2);
      throw new Error("a failure after reading");
    }));
    assert.equal(mirror.ofInstance("a", "r", "i-1", 1_000).length, 2);
    assert.equal(reads, 1, "a rollback with nothing written leaves the mirror as read");
    assert.ok(Object.isFrozen(mirror.ofVolume("vol-1", 1_000)[0]), "rows are shared, so frozen");
    // Once their detachments are over, rows leave both the volume's list and the instance's.
    assert.deepEqual(mirror.ofScope("a", "r", 2_500).map((r) => r.volume_id), ["vol-1", "vol-3"]);
    const held = () => {
      const loaded = (mirror as unknown as { loaded: { byVolume: Map<string, unknown>; byScope: Map<string, Map<string, unknown>>; detaching: Set<unknown> } }).loaded;
      return [[...loaded.byVolume.keys()], [...loaded.byScope.values()].flatMap((m) => [...m.keys()]), loaded.detaching.size];
    };
    assert.deepEqual(held(), [["vol-1", "vol-3"], ["i-1", "i-2"], 1]);
    assert.deepEqual(mirror.ofVolume("vol-1", 3_000).map((r) => r.instance_id), ["i-1"]);
    assert.deepEqual(held(), [["vol-1"], ["i-1"], 0]);
    assert.equal(reads, 1);
    db.close();
  });

  it("a platform reset empties it with the tables", async () => {
    const cb = await startTestCloudbox({ clock: "virtual" });
    const ec2 = new EC2Client(sdkConfig(cb));
    try {
      const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
      const launch = async () => (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
      await launch();
      assert.equal((await ec2.send(new DescribeVolumesCommand({}))).Volumes!.length, 1);
      await cb.reset();
      assert.deepEqual((await ec2.send(new DescribeVolumesCommand({}))).Volumes, []);
      const instanceId = await launch();
      const volumes = (await ec2.send(new DescribeVolumesCommand({}))).Volumes!;
      assert.deepEqual(volumes.map((v) => [v.State, v.Attachments!.map((a) => a.InstanceId)]), [["in-use", [instanceId]]]);
    } finally {
      ec2.destroy();
      await cb.stop();
    }
  });

  it("a rolled-back transaction leaves no attachment behind, and its reads and writes are undone in the mirror too", () => {
    const db = new Database(":memory:");
    const clock = new VirtualClock(1_000);
    const store = newStore(db, clock);
    store.insertAttachment(attachment("vol-1", "i-1"));
    assert.throws(() => db.transaction(() => {
      store.insertAttachment(attachment("vol-2", "i-1", { device: "/dev/sdg" }));
      store.detach("vol-1", "i-1", 0);
      assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-2"], "a transaction sees its own writes");
      throw new Error("rolled back");
    }));
    assert.deepEqual(store.attachmentsOfInstance("a", "r", "i-1").map((r) => r.volume_id), ["vol-1"]);
    assert.deepEqual(store.attachmentsOfVolume("vol-2"), []);
    assert.equal(store.attachmentState(store.attachmentsOfVolume("vol-1")[0]!), "attached");
    // A platform reset empties the tables, then tells the store.
    db.reset();
    store.forgetCached();
    assert.deepEqual(store.attachmentsOfVolume("vol-1"), []);
    db.close();
  });
});

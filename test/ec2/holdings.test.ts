import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Database } from "../../storage/state/database.js";
import { Holdings } from "../../compute/ec2/instances/holdings.js";
import type { Holding } from "../../compute/ec2/instances/holdings.js";

let lastSeq = 0;
const holding = (id: string, extra: Partial<Holding> = {}): Holding => ({
  seq: ++lastSeq, instance_id: id, account: "111", region: "us-east-1", az: "us-east-1a", host_family: "m5", host_id: "h-1", socket: 0,
  host_threads: 2, memory_mib: 8192, gpus: 0, vcpus: 2, quota_bucket: "standard", host_release_at: null,
  subnet_id: "subnet-1", private_ip: "172.31.0.10", terminated_at: null, client_token: null, ...extra,
});

/** A holding as the store reports an insert: the row, and the seq the table gave it. */
const asInserted = (h: Holding): [Holding, number] => [h, h.seq];

/** Holdings over fixed rows, and how many times it read them. */
function readCounted(db: Database, rows: Holding[]): { holdings: Holdings; reads: () => number } {
  let reads = 0;
  const holdings = new Holdings(db, () => {
    reads++;
    return rows;
  });
  return { holdings, reads: () => reads };
}

describe("Holdings: what instance rows hold, mirrored in memory", () => {
  it("sums threads, memory and vCPUs per host, socket, account and bucket while hosts are held", () => {
    const db = new Database(":memory:");
    const rows = [
      holding("i-1"),
      holding("i-2", { socket: 1, host_threads: 4, memory_mib: 16384, vcpus: 4, private_ip: "172.31.0.11" }),
      holding("i-3", { host_release_at: 500, private_ip: "172.31.0.12" }),
      holding("i-4", { account: "222", private_ip: "172.31.0.13" }),
      holding("i-5", { host_id: null, private_ip: "172.31.0.14" }),
      holding("i-6", { host_family: "c5", private_ip: "172.31.0.15" }),
    ];
    const holdings = new Holdings(db, () => rows);
    const sorted = (now: number) => holdings.hostUsage("us-east-1", "us-east-1a", "m5", now).sort((a, b) => a.socket - b.socket);
    assert.deepEqual(sorted(100), [
      { host_id: "h-1", socket: 0, threads: 6, mem: 8192 * 3, gpus: 0, guests: 3 },
      { host_id: "h-1", socket: 1, threads: 4, mem: 16384, gpus: 0, guests: 1 },
    ]);
    // i-3's host is released at 500.
    assert.equal(sorted(500)[0]!.guests, 2);
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 100), 2 + 4 + 2 + 2);
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 500), 2 + 4 + 2);
    assert.equal(holdings.nextHostRelease("us-east-1", "us-east-1a", "m5", 100), 500);
    assert.equal(holdings.nextHostRelease("us-east-1", "us-east-1a", "m5", 500), null);
    assert.equal(holdings.nextAccountRelease("222", "us-east-1", "standard", 100), null);
    db.close();
  });

  it("follows inserts, changes and deletes; an address held by a terminated row and its successor stays held by the successor", () => {
    const db = new Database(":memory:");
    const holdings = new Holdings(db, () => [holding("i-old", { terminated_at: 100, host_release_at: 100, client_token: "t" })]);
    assert.equal(holdings.addressHeld("subnet-1", "172.31.0.10", 50), true);
    assert.equal(holdings.addressHeld("subnet-1", "172.31.0.10", 100), false);
    holdings.inserted(...asInserted(holding("i-new", { client_token: "t" })));
    assert.deepEqual(holdings.launchedWith("111", "us-east-1", "t"), ["i-old", "i-new"]);
    holdings.deleted("i-old");
    assert.equal(holdings.addressHeld("subnet-1", "172.31.0.10", 200), true);
    assert.deepEqual(holdings.addressesHeld("subnet-1", 200), ["172.31.0.10"]);
    assert.deepEqual(holdings.launchedWith("111", "us-east-1", "t"), ["i-new"]);
    holdings.changed("i-new", { terminated_at: 300, host_release_at: 300 });
    assert.deepEqual(holdings.addressesHeld("subnet-1", 300), []);
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 300), 0);
    holdings.changed("i-new", { host_id: "h-2", socket: 1, host_release_at: null, terminated_at: null });
    assert.deepEqual(holdings.hostUsage("us-east-1", "us-east-1a", "m5", 400).map((u) => [u.host_id, u.socket]), [["h-2", 1]]);
    db.close();
  });

  it("keeps what it holds through a rollback of a transaction it took nothing in from", () => {
    const db = new Database(":memory:");
    const { holdings, reads } = readCounted(db, [holding("i-1")]);
    holdings.inserted(...asInserted(holding("i-2", { private_ip: "172.31.0.11" })));
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 2, "a write reported before the first read is read with the rows");
    db.transaction(() => holdings.inserted(...asInserted(holding("i-2", { private_ip: "172.31.0.11" }))));
    assert.throws(() => db.transaction(() => {
      throw new Error("another service's refused request");
    }));
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 4);
    assert.equal(reads(), 1);
    db.close();
  });

  it("reads the rows again after a rollback, which may have undone writes already reported", () => {
    const db = new Database(":memory:");
    const { holdings, reads } = readCounted(db, [holding("i-1")]);
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 2);
    assert.throws(() => db.transaction(() => {
      holdings.inserted(...asInserted(holding("i-2", { private_ip: "172.31.0.11" })));
      assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 4, "a transaction sees its own writes");
      throw new Error("refused");
    }));
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 2);
    assert.equal(reads(), 2);
    // A write reported while nothing is loaded is left to the next read of the rows.
    holdings.clear();
    holdings.inserted(...asInserted(holding("i-3", { private_ip: "172.31.0.12" })));
    assert.equal(holdings.addressHeld("subnet-1", "172.31.0.12", 0), false);
    assert.equal(reads(), 3);
    db.close();
  });

  it("a failing transaction that only read keeps them; one that wrote before they were read drops them", () => {
    const db = new Database(":memory:");
    const { holdings, reads } = readCounted(db, [holding("i-1")]);
    assert.throws(() => db.transaction(() => {
      assert.equal(holdings.seqOf("i-1"), holdings.seqOf("i-1"));
      throw new Error("refused after reading an instance");
    }));
    assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 2);
    assert.equal(reads(), 1, "reading is not a reason to read again");
    holdings.clear();
    assert.throws(() => db.transaction(() => {
      holdings.deleted("i-1");
      assert.equal(holdings.vcpusInUse("111", "us-east-1", "standard", 0), 2, "the fixed rows still hold i-1: the table would not");
      throw new Error("refused after a write");
    }));
    holdings.vcpusInUse("111", "us-east-1", "standard", 0);
    assert.equal(reads(), 3, "what was read after the write may hold the write: read again");
    db.close();
  });
});

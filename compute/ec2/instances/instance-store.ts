import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../../storage/state/database.js";
import type { InstanceStateName } from "./lifecycle.js";
import { ClaimedValues } from "../../../storage/state/claimed-values.js";
import { interned } from "../../../storage/state/interned.js";
import { HOLDING_COLUMNS, Holdings, isHoldingColumn } from "./holdings.js";
import type { Holding, HostUsage } from "./holdings.js";

/** Migrations are only ever appended: a data directory made by an earlier cloudbox upgrades in place. */
export const MIGRATIONS = [
  `CREATE TABLE ec2_instances (
     seq INTEGER PRIMARY KEY,
     instance_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, region TEXT NOT NULL,
     reservation_id TEXT NOT NULL, launch_index INTEGER NOT NULL, image_id TEXT NOT NULL, instance_type TEXT NOT NULL,
     vcpus INTEGER NOT NULL, memory_mib INTEGER NOT NULL, host_family TEXT NOT NULL, hypervisor TEXT NOT NULL,
     az TEXT NOT NULL, subnet_id TEXT NOT NULL, vpc_id TEXT NOT NULL, private_ip TEXT NOT NULL, public_ip TEXT, eni_id TEXT NOT NULL, mac TEXT NOT NULL,
     host_id TEXT, previous_host_id TEXT, key_name TEXT, launch_time INTEGER NOT NULL,
     state TEXT NOT NULL, state_at INTEGER NOT NULL, settles_at INTEGER, host_release_at INTEGER,
     transition_reason TEXT NOT NULL, state_reason_code TEXT, state_reason_message TEXT,
     client_token TEXT, token_scope TEXT, request_hash TEXT,
     user_data TEXT, groups TEXT NOT NULL, disable_api_termination INTEGER NOT NULL, disable_api_stop INTEGER NOT NULL,
     shutdown_behavior TEXT NOT NULL, architecture TEXT NOT NULL, virtualization_type TEXT NOT NULL,
     root_device_name TEXT NOT NULL, root_device_type TEXT NOT NULL, platform TEXT, kernel_id TEXT, ramdisk_id TEXT,
     ebs_optimized INTEGER NOT NULL, source_dest_check INTEGER NOT NULL, ena_support INTEGER NOT NULL, monitoring TEXT NOT NULL, tenancy TEXT NOT NULL,
     placement_group TEXT, block_devices TEXT NOT NULL, boots TEXT NOT NULL);
   CREATE INDEX ec2_instances_by_owner ON ec2_instances (account, region, seq);
   CREATE INDEX ec2_instances_by_host ON ec2_instances (region, az, host_family, host_id, host_release_at, vcpus, memory_mib);
   CREATE INDEX ec2_instances_by_quota ON ec2_instances (account, region, host_id, host_release_at, vcpus);
   CREATE INDEX ec2_instances_by_token ON ec2_instances (account, region, client_token);
   CREATE INDEX ec2_instances_by_address ON ec2_instances (subnet_id, private_ip);
   CREATE INDEX ec2_instances_by_public_ip ON ec2_instances (region, public_ip);
   CREATE INDEX ec2_instances_by_expiry ON ec2_instances (account, region, state, settles_at);`,
  // Per-socket placement and burstable thread shares, GPUs, quota buckets, row versions, guest shutdowns.
  `ALTER TABLE ec2_instances ADD COLUMN host_threads REAL NOT NULL DEFAULT 0;
   UPDATE ec2_instances SET host_threads = vcpus;
   ALTER TABLE ec2_instances ADD COLUMN gpus INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE ec2_instances ADD COLUMN quota_bucket TEXT NOT NULL DEFAULT 'standard';
   ALTER TABLE ec2_instances ADD COLUMN socket INTEGER NOT NULL DEFAULT -1;
   ALTER TABLE ec2_instances ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE ec2_instances ADD COLUMN guest_shutdown_at INTEGER;
   ALTER TABLE ec2_instances ADD COLUMN guest_shutdown_ends_at INTEGER;
   ALTER TABLE ec2_instances ADD COLUMN terminated_at INTEGER;
   UPDATE ec2_instances SET terminated_at = settles_at WHERE state = 'shutting-down';
   DROP INDEX ec2_instances_by_host;
   CREATE INDEX ec2_instances_by_host ON ec2_instances (region, az, host_family, host_id, host_release_at, socket, host_threads, memory_mib, gpus);
   DROP INDEX ec2_instances_by_quota;
   CREATE INDEX ec2_instances_by_quota ON ec2_instances (account, region, quota_bucket, host_id, host_release_at, vcpus);
   DROP INDEX ec2_instances_by_expiry;
   CREATE INDEX ec2_instances_by_expiry ON ec2_instances (account, region, terminated_at);`,
  // Only instances that are terminating or terminated have an expiry: a launch (terminated_at
  // NULL) no longer pays an insert into this index.
  `DROP INDEX ec2_instances_by_expiry;
   CREATE INDEX ec2_instances_by_expiry ON ec2_instances (account, region, terminated_at) WHERE terminated_at IS NOT NULL;`,
  // Public addresses in use are kept in memory (InstanceStore.claimPublicIp): a launch no longer
  // pays an insert into this index nor a probe of it.
  `DROP INDEX ec2_instances_by_public_ip;`,
  // What instances hold (hosts, vCPUs, private addresses, client tokens) is kept in memory
  // (Holdings): a launch no longer pays an insert into these four indexes.
  `DROP INDEX ec2_instances_by_host;
   DROP INDEX ec2_instances_by_quota;
   DROP INDEX ec2_instances_by_address;
   DROP INDEX ec2_instances_by_token;`,
  // Instance ids are unique without an index on them, and each statement on one instance finds its
  // row by seq (Holdings knows both for every row): a launch no longer pays an insert into the
  // UNIQUE index on a random key. SQLite drops a constraint only by rebuilding the table; the new
  // one lists the columns in the order the migrations above left them, so rows copy with SELECT *.
  `CREATE TABLE ec2_instances_rebuilt (
     seq INTEGER PRIMARY KEY,
     instance_id TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
     reservation_id TEXT NOT NULL, launch_index INTEGER NOT NULL, image_id TEXT NOT NULL, instance_type TEXT NOT NULL,
     vcpus INTEGER NOT NULL, memory_mib INTEGER NOT NULL, host_family TEXT NOT NULL, hypervisor TEXT NOT NULL,
     az TEXT NOT NULL, subnet_id TEXT NOT NULL, vpc_id TEXT NOT NULL, private_ip TEXT NOT NULL, public_ip TEXT, eni_id TEXT NOT NULL, mac TEXT NOT NULL,
     host_id TEXT, previous_host_id TEXT, key_name TEXT, launch_time INTEGER NOT NULL,
     state TEXT NOT NULL, state_at INTEGER NOT NULL, settles_at INTEGER, host_release_at INTEGER,
     transition_reason TEXT NOT NULL, state_reason_code TEXT, state_reason_message TEXT,
     client_token TEXT, token_scope TEXT, request_hash TEXT,
     user_data TEXT, groups TEXT NOT NULL, disable_api_termination INTEGER NOT NULL, disable_api_stop INTEGER NOT NULL,
     shutdown_behavior TEXT NOT NULL, architecture TEXT NOT NULL, virtualization_type TEXT NOT NULL,
     root_device_name TEXT NOT NULL, root_device_type TEXT NOT NULL, platform TEXT, kernel_id TEXT, ramdisk_id TEXT,
     ebs_optimized INTEGER NOT NULL, source_dest_check INTEGER NOT NULL, ena_support INTEGER NOT NULL, monitoring TEXT NOT NULL, tenancy TEXT NOT NULL,
     placement_group TEXT, block_devices TEXT NOT NULL, boots TEXT NOT NULL,
     host_threads REAL NOT NULL DEFAULT 0, gpus INTEGER NOT NULL DEFAULT 0, quota_bucket TEXT NOT NULL DEFAULT 'standard', socket INTEGER NOT NULL DEFAULT -1,
     version INTEGER NOT NULL DEFAULT 0, guest_shutdown_at INTEGER, guest_shutdown_ends_at INTEGER, terminated_at INTEGER);
   INSERT INTO ec2_instances_rebuilt SELECT * FROM ec2_instances;
   DROP TABLE ec2_instances;
   ALTER TABLE ec2_instances_rebuilt RENAME TO ec2_instances;
   CREATE INDEX ec2_instances_by_owner ON ec2_instances (account, region, seq);
   CREATE INDEX ec2_instances_by_expiry ON ec2_instances (account, region, terminated_at) WHERE terminated_at IS NOT NULL;`,
];

/** A block device as recorded on the instance (what DescribeInstances reports when EBS is not wired in). */
export interface RecordedDevice {
  deviceName: string;
  volumeId?: string;
  attachTime: number;
  deleteOnTermination: boolean;
  volumeSize?: number;
  volumeType?: string;
  snapshotId?: string;
}

/** One boot or shutdown the hypervisor performed, for the console log and the host history. */
export interface BootEvent {
  at: number;
  kind: "boot" | "reboot" | "stop" | "terminate";
  hostId?: string;
  hypervisor?: string;
}

export interface InstanceRow {
  seq: number;
  instance_id: string;
  account: string;
  region: string;
  reservation_id: string;
  launch_index: number;
  image_id: string;
  instance_type: string;
  vcpus: number;
  memory_mib: number;
  /** Hardware threads held on the host (a share of one per vCPU on burstable hosts). */
  host_threads: number;
  gpus: number;
  /** The On-Demand vCPU quota the instance counts against. */
  quota_bucket: string;
  /** The socket a guest is pinned to; -1 when it spans every socket. */
  socket: number;
  host_family: string;
  hypervisor: string;
  az: string;
  subnet_id: string;
  vpc_id: string;
  private_ip: string;
  public_ip: string | null;
  eni_id: string;
  mac: string;
  host_id: string | null;
  previous_host_id: string | null;
  key_name: string | null;
  launch_time: number;
  state: InstanceStateName;
  state_at: number;
  settles_at: number | null;
  host_release_at: number | null;
  transition_reason: string;
  state_reason_code: string | null;
  state_reason_message: string | null;
  client_token: string | null;
  token_scope: string | null;
  request_hash: string | null;
  user_data: string | null;
  groups: string;
  disable_api_termination: number;
  disable_api_stop: number;
  shutdown_behavior: string;
  architecture: string;
  virtualization_type: string;
  root_device_name: string;
  root_device_type: string;
  platform: string | null;
  kernel_id: string | null;
  ramdisk_id: string | null;
  ebs_optimized: number;
  source_dest_check: number;
  ena_support: number;
  monitoring: string;
  tenancy: string;
  placement_group: string | null;
  block_devices: string;
  boots: string;
  /** When the guest powers itself off, and when that is over (InstanceInitiatedShutdownBehavior applies). */
  guest_shutdown_at: number | null;
  guest_shutdown_ends_at: number | null;
  /** When the instance is (or will be) terminated: addresses are free and the hour of visibility starts. */
  terminated_at: number | null;
  /** Bumped by every update, so cached copies of the row know they are stale. */
  version: number;
}

export type NewInstance = Omit<InstanceRow, "seq" | "version">;

/**
 * better-sqlite3 sets a row's columns one by one, which leaves an object with this many
 * properties in V8's dictionary mode: every field read is then a hash lookup (a listing of a
 * thousand rows reads each of them a dozen times). Rows are copied once into an object of one
 * fixed shape when read; the rows this store keeps are those copies. Columns with few distinct
 * values share one string per value.
 */
function fastRow(r: InstanceRow): InstanceRow {
  return {
    seq: r.seq, instance_id: r.instance_id, account: interned(r.account), region: interned(r.region), reservation_id: r.reservation_id, launch_index: r.launch_index,
    image_id: interned(r.image_id), instance_type: interned(r.instance_type), vcpus: r.vcpus, memory_mib: r.memory_mib, host_threads: r.host_threads, gpus: r.gpus,
    quota_bucket: interned(r.quota_bucket), socket: r.socket, host_family: interned(r.host_family), hypervisor: interned(r.hypervisor), az: interned(r.az), subnet_id: interned(r.subnet_id),
    vpc_id: interned(r.vpc_id), private_ip: r.private_ip, public_ip: r.public_ip, eni_id: r.eni_id, mac: r.mac, host_id: interned(r.host_id),
    previous_host_id: interned(r.previous_host_id), key_name: interned(r.key_name), launch_time: r.launch_time, state: interned(r.state), state_at: r.state_at, settles_at: r.settles_at,
    host_release_at: r.host_release_at, transition_reason: r.transition_reason, state_reason_code: interned(r.state_reason_code), state_reason_message: interned(r.state_reason_message), client_token: r.client_token, token_scope: interned(r.token_scope),
    request_hash: r.request_hash, user_data: r.user_data, groups: interned(r.groups), disable_api_termination: r.disable_api_termination, disable_api_stop: r.disable_api_stop, shutdown_behavior: interned(r.shutdown_behavior),
    architecture: interned(r.architecture), virtualization_type: interned(r.virtualization_type), root_device_name: interned(r.root_device_name), root_device_type: interned(r.root_device_type), platform: interned(r.platform), kernel_id: interned(r.kernel_id),
    ramdisk_id: interned(r.ramdisk_id), ebs_optimized: r.ebs_optimized, source_dest_check: r.source_dest_check, ena_support: r.ena_support, monitoring: interned(r.monitoring), tenancy: interned(r.tenancy),
    placement_group: interned(r.placement_group), block_devices: r.block_devices, boots: r.boots, guest_shutdown_at: r.guest_shutdown_at, guest_shutdown_ends_at: r.guest_shutdown_ends_at, terminated_at: r.terminated_at,
    version: r.version,
  };
}


const COLUMNS: (keyof NewInstance)[] = [
  "instance_id", "account", "region", "reservation_id", "launch_index", "image_id", "instance_type", "vcpus", "memory_mib", "host_threads", "gpus", "quota_bucket", "socket", "host_family", "hypervisor",
  "az", "subnet_id", "vpc_id", "private_ip", "public_ip", "eni_id", "mac", "host_id", "previous_host_id", "key_name", "launch_time",
  "state", "state_at", "settles_at", "host_release_at", "transition_reason", "state_reason_code", "state_reason_message",
  "client_token", "token_scope", "request_hash", "user_data", "groups", "disable_api_termination", "disable_api_stop",
  "shutdown_behavior", "architecture", "virtualization_type", "root_device_name", "root_device_type", "platform", "kernel_id", "ramdisk_id",
  "ebs_optimized", "source_dest_check", "ena_support", "monitoring", "tenancy", "placement_group", "block_devices", "boots",
  "guest_shutdown_at", "guest_shutdown_ends_at", "terminated_at",
];

/**
 * The insert's values in COLUMNS order, read by name: a loop over COLUMNS would read the row by
 * computed keys, one megamorphic lookup per column on every launch.
 */
function insertValues(r: NewInstance): unknown[] {
  return [
    r.instance_id, r.account, r.region, r.reservation_id, r.launch_index, r.image_id, r.instance_type, r.vcpus, r.memory_mib, r.host_threads,
    r.gpus, r.quota_bucket, r.socket, r.host_family, r.hypervisor, r.az, r.subnet_id, r.vpc_id, r.private_ip, r.public_ip, r.eni_id, r.mac,
    r.host_id, r.previous_host_id, r.key_name, r.launch_time, r.state, r.state_at, r.settles_at, r.host_release_at, r.transition_reason,
    r.state_reason_code, r.state_reason_message, r.client_token, r.token_scope, r.request_hash, r.user_data, r.groups, r.disable_api_termination,
    r.disable_api_stop, r.shutdown_behavior, r.architecture, r.virtualization_type, r.root_device_name, r.root_device_type, r.platform,
    r.kernel_id, r.ramdisk_id, r.ebs_optimized, r.source_dest_check, r.ena_support, r.monitoring, r.tenancy, r.placement_group, r.block_devices,
    r.boots, r.guest_shutdown_at, r.guest_shutdown_ends_at, r.terminated_at,
  ];
}

// The two lists must agree column for column: checked once, on a row whose values are their names.
if (insertValues(Object.fromEntries(COLUMNS.map((c) => [c, c])) as unknown as NewInstance).some((v, i) => v !== COLUMNS[i])) {
  throw new Error("instance-store: insertValues and COLUMNS disagree");
}

/** Columns ModifyInstanceAttribute may change. */
export type MutableColumn = "quota_bucket" | "boots" | "guest_shutdown_ends_at" | "host_release_at" | "terminated_at" | "instance_type" | "vcpus" | "memory_mib" | "host_threads" | "gpus" | "host_family" | "hypervisor" | "user_data" | "groups" | "disable_api_termination" | "disable_api_stop" | "shutdown_behavior" | "ebs_optimized" | "source_dest_check" | "ena_support" | "kernel_id" | "ramdisk_id" | "block_devices" | "monitoring";

/**
 * The instance table and every statement on it, prepared once. A host's occupancy is never
 * stored: it is the sum over instances whose host_id names it and whose host_release_at (set when
 * a stop or termination settles) has not passed, read from the rows' holdings kept in memory.
 */
export class InstanceStore {
  private readonly s: Record<string, BetterSqlite3.Statement>;
  private readonly updates = new Map<string, BetterSqlite3.Statement>();
  private readonly rows = new Map<string, InstanceRow>();
  /**
   * Every write through this store bumps the generation, so a listing made at the same generation
   * is still what the table holds (a bump by a rolled-back write only costs a re-read).
   */
  private generation = 0;
  private readonly lists = new Map<string, { generation: number; rows: InstanceRow[] }>();
  /** Public addresses held by the rows of each region, and those claimed since. */
  private readonly publicIps: ClaimedValues;
  /** The hosts, vCPUs, private addresses and client tokens each row holds, mirrored in memory. */
  private readonly holdings: Holdings;

  constructor(private readonly db: Database) {
    db.registerSchema("ec2-instances", MIGRATIONS);
    const sql = db.sql;
    const holds = "host_id IS NOT NULL AND (host_release_at IS NULL OR host_release_at > ?)";
    this.s = {
      // positional, not @named: better-sqlite3 looks each named parameter up on the object (~4 µs for 60)
      insert: sql.prepare(`INSERT INTO ec2_instances (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`),
      // Statements on one instance find its row by seq, looked up in the holdings. They match the id
      // too: a seq is reused once its row is gone, and a second store on the database (or process
      // on the data directory) may hold a stale one.
      bySeq: sql.prepare("SELECT * FROM ec2_instances WHERE seq = ? AND instance_id = ?"),
      all: sql.prepare("SELECT * FROM ec2_instances WHERE account = ? AND region = ? ORDER BY seq"),
      holdings: sql.prepare(`SELECT ${HOLDING_COLUMNS.join(", ")} FROM ec2_instances ORDER BY seq`),
      onHosts: sql.prepare(`SELECT instance_id, account, instance_type, vcpus, memory_mib, host_threads, socket, host_id, az, host_family, state, settles_at, guest_shutdown_at, guest_shutdown_ends_at, shutdown_behavior FROM ec2_instances WHERE region = ? AND ${holds}`),
      publicIps: sql.prepare("SELECT public_ip FROM ec2_instances WHERE region = ? AND public_ip IS NOT NULL").pluck(),
      expired: sql.prepare("SELECT instance_id FROM ec2_instances WHERE account = ? AND region = ? AND terminated_at <= ?").pluck(),
      delete: sql.prepare("DELETE FROM ec2_instances WHERE seq = ? AND instance_id = ?"),
      setState: sql.prepare(
        "UPDATE ec2_instances SET version = version + 1, guest_shutdown_at = NULL, guest_shutdown_ends_at = NULL, terminated_at = @terminated_at, state = @state, state_at = @state_at, settles_at = @settles_at, host_release_at = @host_release_at, transition_reason = @transition_reason, state_reason_code = @state_reason_code, state_reason_message = @state_reason_message, boots = @boots WHERE seq = @seq AND instance_id = @instance_id",
      ),
      start: sql.prepare(
        "UPDATE ec2_instances SET version = version + 1, guest_shutdown_at = NULL, guest_shutdown_ends_at = NULL, terminated_at = NULL, state = 'pending', state_at = @state_at, settles_at = @settles_at, host_release_at = NULL, host_id = @host_id, socket = @socket, previous_host_id = @previous_host_id, public_ip = @public_ip, transition_reason = '', state_reason_code = NULL, state_reason_message = NULL, boots = @boots WHERE seq = @seq AND instance_id = @instance_id",
      ),
      setBoots: sql.prepare("UPDATE ec2_instances SET version = version + 1, boots = ? WHERE seq = ? AND instance_id = ?"),
      versions: sql.prepare("SELECT instance_id, version FROM ec2_instances WHERE account = ? AND region = ? ORDER BY seq").raw(),
      versionOf: sql.prepare("SELECT version FROM ec2_instances WHERE seq = ? AND instance_id = ?").pluck(),
    };
    const publicIps = this.s["publicIps"]!;
    this.publicIps = new ClaimedValues((region) => publicIps.all(region) as string[]);
    const holdings = this.s["holdings"]!;
    this.holdings = new Holdings(db, () => holdings.all() as Holding[]);
  }

  insert(row: NewInstance): void {
    // The table has no UNIQUE index on instance_id: the holdings, which know every row, keep ids unique.
    if (this.holdings.seqOf(row.instance_id) !== undefined) throw new Error(`instance id ${row.instance_id} is taken`);
    this.generation++;
    const { lastInsertRowid } = this.s["insert"]!.run(insertValues(row));
    this.holdings.inserted(row, Number(lastInsertRowid));
  }

  byId(instanceId: string): InstanceRow | undefined {
    const seq = this.holdings.seqOf(instanceId);
    const read = seq === undefined ? undefined : (this.s["bySeq"]!.get(seq, instanceId) as InstanceRow | undefined);
    const row = read && fastRow(read);
    // Only committed rows are cached: a row read inside a transaction may yet be rolled back.
    if (row && !this.db.sql.inTransaction) this.rows.set(instanceId, row);
    return row;
  }

  all(account: string, region: string): InstanceRow[] {
    return this.s["all"]!.all(account, region) as InstanceRow[];
  }

  /**
   * The rows of an account+region for Describe: a narrow (id, version) scan, with whole rows read
   * only for instances that changed since last time. Rows come back shared: callers never mutate them.
   */
  allCached(account: string, region: string): InstanceRow[] {
    const key = `${account}|${region}`;
    const listed = this.lists.get(key);
    if (listed && listed.generation === this.generation) return listed.rows;
    const generation = this.generation;
    const out: InstanceRow[] = [];
    for (const [id, version] of this.s["versions"]!.all(account, region) as [string, number][]) {
      const cached = this.rows.get(id);
      if (cached && cached.version === version) out.push(cached);
      else {
        const row = this.byId(id);
        if (row) out.push(row);
      }
    }
    if (!this.db.sql.inTransaction) this.lists.set(key, { generation, rows: out });
    return out;
  }

  byIdCached(instanceId: string): InstanceRow | undefined {
    const seq = this.holdings.seqOf(instanceId);
    const version = seq === undefined ? undefined : (this.s["versionOf"]!.get(seq, instanceId) as number | undefined);
    if (version === undefined) return undefined;
    const cached = this.rows.get(instanceId);
    return cached && cached.version === version ? cached : this.byId(instanceId);
  }

  forgetCached(): void {
    this.rows.clear();
    this.lists.clear();
    this.publicIps.clear();
    this.holdings.clear();
    this.generation++;
  }

  /**
   * The rows launched with this client token, in launch order. The SDKs send a fresh token with
   * every RunInstances: nearly every call finds none, which answers without a query.
   */
  rowsOfLaunchToken(account: string, region: string, token: string): InstanceRow[] {
    const rows: InstanceRow[] = [];
    for (const id of this.holdings.launchedWith(account, region, token)) {
      const row = this.byId(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  hostUsage(region: string, az: string, family: string, now: number): HostUsage[] {
    return this.holdings.hostUsage(region, az, family, now);
  }

  onHosts(region: string, now: number): Pick<InstanceRow, "instance_id" | "account" | "instance_type" | "vcpus" | "memory_mib" | "host_threads" | "socket" | "host_id" | "az" | "host_family" | "state" | "settles_at" | "guest_shutdown_at" | "guest_shutdown_ends_at" | "shutdown_behavior">[] {
    return this.s["onHosts"]!.all(region, now) as never;
  }

  vcpusInUse(account: string, region: string, bucket: string, now: number): number {
    return this.holdings.vcpusInUse(account, region, bucket, now);
  }

  /** When the next host held by these rows is released (a stop or termination settling), if any. */
  nextHostRelease(region: string, az: string, family: string, now: number): number | null {
    return this.holdings.nextHostRelease(region, az, family, now);
  }

  nextAccountRelease(account: string, region: string, bucket: string, now: number): number | null {
    return this.holdings.nextAccountRelease(account, region, bucket, now);
  }

  /** Whether an instance that is not terminated holds this private address of the subnet. */
  privateIpHeld(subnetId: string, ip: string, now: number): boolean {
    return this.holdings.addressHeld(subnetId, ip, now);
  }

  privateIpsUsed(subnetId: string, now: number): string[] {
    return this.holdings.addressesHeld(subnetId, now);
  }

  /** Takes a public address for a row about to be written; false when a row of the region holds it. */
  claimPublicIp(region: string, ip: string): boolean {
    return this.publicIps.claim(region, ip);
  }

  /** Terminated instances whose visibility window is over. */
  expired(account: string, region: string, settledBefore: number): string[] {
    return this.s["expired"]!.all(account, region, settledBefore) as string[];
  }

  delete(instanceId: string): void {
    const seq = this.holdings.seqOf(instanceId);
    this.generation++;
    this.rows.delete(instanceId);
    if (seq !== undefined) this.s["delete"]!.run(seq, instanceId);
    this.holdings.deleted(instanceId);
  }

  setState(change: Pick<InstanceRow, "instance_id" | "terminated_at" | "state" | "state_at" | "settles_at" | "host_release_at" | "transition_reason" | "state_reason_code" | "state_reason_message" | "boots">): void {
    const seq = this.holdings.seqOf(change.instance_id);
    this.generation++;
    if (seq !== undefined) this.s["setState"]!.run({ ...change, seq });
    this.holdings.changed(change.instance_id, { terminated_at: change.terminated_at, host_release_at: change.host_release_at });
  }

  start(change: Pick<InstanceRow, "instance_id" | "state_at" | "settles_at" | "host_id" | "socket" | "previous_host_id" | "public_ip" | "boots">): void {
    const seq = this.holdings.seqOf(change.instance_id);
    this.generation++;
    if (seq !== undefined) this.s["start"]!.run({ ...change, seq });
    this.holdings.changed(change.instance_id, { host_id: change.host_id, socket: change.socket, host_release_at: null, terminated_at: null });
  }

  setBoots(instanceId: string, boots: string): void {
    const seq = this.holdings.seqOf(instanceId);
    this.generation++;
    if (seq !== undefined) this.s["setBoots"]!.run(boots, seq, instanceId);
  }

  update(instanceId: string, column: MutableColumn, value: string | number | null): void {
    this.generation++;
    let statement = this.updates.get(column);
    if (!statement) this.updates.set(column, (statement = this.db.sql.prepare(`UPDATE ec2_instances SET version = version + 1, ${column} = ? WHERE seq = ? AND instance_id = ?`)));
    const seq = this.holdings.seqOf(instanceId);
    if (seq !== undefined) statement.run(value, seq, instanceId);
    if (isHoldingColumn(column)) this.holdings.changed(instanceId, { [column]: value });
  }
}

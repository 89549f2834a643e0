import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../../storage/state/database.js";
import type { InstanceStateName } from "./lifecycle.js";

/** One host socket's sums, as placement reads them. */
export interface HostUsage {
  host_id: string;
  socket: number;
  threads: number;
  mem: number;
  gpus: number;
  guests: number;
}

/** The columns whose change moves what a row holds on its host and against its account's vCPU quota. */
const LOAD_COLUMNS = "account, region, az, host_family, host_id, socket, host_threads, memory_mib, gpus, vcpus, quota_bucket, host_release_at";
const addLoad = (row: "NEW") => `
     INSERT INTO ec2_host_load (region, az, host_family, host_id, socket, threads, memory_mib, gpus, guests)
       VALUES (${row}.region, ${row}.az, ${row}.host_family, ${row}.host_id, ${row}.socket, ${row}.host_threads, ${row}.memory_mib, ${row}.gpus, 1)
       ON CONFLICT DO UPDATE SET threads = threads + excluded.threads, memory_mib = memory_mib + excluded.memory_mib, gpus = gpus + excluded.gpus, guests = guests + 1;
     INSERT INTO ec2_vcpu_load (account, region, quota_bucket, vcpus) VALUES (${row}.account, ${row}.region, ${row}.quota_bucket, ${row}.vcpus)
       ON CONFLICT DO UPDATE SET vcpus = vcpus + excluded.vcpus;`;
// An update, not an upsert: a reset empties the sums before (or after) the rows, never below zero.
const removeLoad = (row: "OLD") => `
     UPDATE ec2_host_load SET threads = threads - ${row}.host_threads, memory_mib = memory_mib - ${row}.memory_mib, gpus = gpus - ${row}.gpus, guests = guests - 1
       WHERE region = ${row}.region AND az = ${row}.az AND host_family = ${row}.host_family AND host_id = ${row}.host_id AND socket = ${row}.socket;
     UPDATE ec2_vcpu_load SET vcpus = vcpus - ${row}.vcpus WHERE account = ${row}.account AND region = ${row}.region AND quota_bucket = ${row}.quota_bucket;`;
/** A row holds its host (and counts against the quota) for good while it has a host and no release time. */
const holdsForGood = (row: "NEW" | "OLD") => `${row}.host_id IS NOT NULL AND ${row}.host_release_at IS NULL`;

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
  // SQLite is the one truth (docs/state.md): ids are unique by constraint again, lookups go through
  // indexes, and what hosts and quotas hold is summed by triggers in the writing transaction (rows
  // held for good) plus a read of the few rows whose release time lies ahead (ec2_instances_by_release).
  `CREATE UNIQUE INDEX ec2_instances_by_id ON ec2_instances (instance_id);
   CREATE INDEX ec2_instances_by_token ON ec2_instances (account, region, client_token) WHERE client_token IS NOT NULL;
   CREATE INDEX ec2_instances_by_address ON ec2_instances (subnet_id, private_ip);
   CREATE INDEX ec2_instances_by_public_ip ON ec2_instances (region, public_ip) WHERE public_ip IS NOT NULL;
   CREATE INDEX ec2_instances_by_release ON ec2_instances (region, host_release_at) WHERE host_release_at IS NOT NULL AND host_id IS NOT NULL;
   CREATE TABLE ec2_host_load (
     region TEXT NOT NULL, az TEXT NOT NULL, host_family TEXT NOT NULL, host_id TEXT NOT NULL, socket INTEGER NOT NULL,
     threads REAL NOT NULL, memory_mib INTEGER NOT NULL, gpus INTEGER NOT NULL, guests INTEGER NOT NULL,
     PRIMARY KEY (region, az, host_family, host_id, socket)) WITHOUT ROWID;
   CREATE TABLE ec2_vcpu_load (
     account TEXT NOT NULL, region TEXT NOT NULL, quota_bucket TEXT NOT NULL, vcpus INTEGER NOT NULL,
     PRIMARY KEY (account, region, quota_bucket)) WITHOUT ROWID;
   INSERT INTO ec2_host_load SELECT region, az, host_family, host_id, socket, SUM(host_threads), SUM(memory_mib), SUM(gpus), COUNT(*)
     FROM ec2_instances WHERE host_id IS NOT NULL AND host_release_at IS NULL GROUP BY region, az, host_family, host_id, socket;
   INSERT INTO ec2_vcpu_load SELECT account, region, quota_bucket, SUM(vcpus)
     FROM ec2_instances WHERE host_id IS NOT NULL AND host_release_at IS NULL GROUP BY account, region, quota_bucket;
   CREATE TRIGGER ec2_load_insert AFTER INSERT ON ec2_instances WHEN ${holdsForGood("NEW")} BEGIN ${addLoad("NEW")}
   END;
   CREATE TRIGGER ec2_load_update_old AFTER UPDATE OF ${LOAD_COLUMNS} ON ec2_instances WHEN ${holdsForGood("OLD")} BEGIN ${removeLoad("OLD")}
   END;
   CREATE TRIGGER ec2_load_update_new AFTER UPDATE OF ${LOAD_COLUMNS} ON ec2_instances WHEN ${holdsForGood("NEW")} BEGIN ${addLoad("NEW")}
   END;
   CREATE TRIGGER ec2_load_delete AFTER DELETE ON ec2_instances WHEN ${holdsForGood("OLD")} BEGIN ${removeLoad("OLD")}
   END;`,
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
  /** Bumped by every update: what an answer shows of the row changes only with it. */
  version: number;
}

export type NewInstance = Omit<InstanceRow, "seq" | "version">;

/** What a listing reads of every row: enough to derive its state and name its answer's version. */
export type ListedRow = Pick<InstanceRow, "seq" | "instance_id" | "reservation_id" | "account" | "region" | "version" | "state" | "settles_at" | "guest_shutdown_at" | "guest_shutdown_ends_at" | "shutdown_behavior" | "terminated_at">;

const COLUMNS: (keyof NewInstance)[] = [
  "instance_id", "account", "region", "reservation_id", "launch_index", "image_id", "instance_type", "vcpus", "memory_mib", "host_threads", "gpus", "quota_bucket", "socket", "host_family", "hypervisor",
  "az", "subnet_id", "vpc_id", "private_ip", "public_ip", "eni_id", "mac", "host_id", "previous_host_id", "key_name", "launch_time",
  "state", "state_at", "settles_at", "host_release_at", "transition_reason", "state_reason_code", "state_reason_message",
  "client_token", "token_scope", "request_hash", "user_data", "groups", "disable_api_termination", "disable_api_stop",
  "shutdown_behavior", "architecture", "virtualization_type", "root_device_name", "root_device_type", "platform", "kernel_id", "ramdisk_id",
  "ebs_optimized", "source_dest_check", "ena_support", "monitoring", "tenancy", "placement_group", "block_devices", "boots",
  "guest_shutdown_at", "guest_shutdown_ends_at", "terminated_at",
];


/** Columns ModifyInstanceAttribute may change. */
export type MutableColumn = "quota_bucket" | "boots" | "guest_shutdown_ends_at" | "host_release_at" | "terminated_at" | "instance_type" | "vcpus" | "memory_mib" | "host_threads" | "gpus" | "host_family" | "hypervisor" | "user_data" | "groups" | "disable_api_termination" | "disable_api_stop" | "shutdown_behavior" | "ebs_optimized" | "source_dest_check" | "ena_support" | "kernel_id" | "ramdisk_id" | "block_devices" | "monitoring";

/**
 * The instance table and every statement on it, prepared once. A host's occupancy is never
 * stored per instance elsewhere: it is the sum over instances whose host_id names it and whose
 * host_release_at (set when a stop or termination settles) has not passed, kept by the table's
 * triggers for the rows held for good and read from the rows for those released at a later time.
 */
export class InstanceStore {
  private readonly s: Record<string, BetterSqlite3.Statement>;
  private readonly updates = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: Database) {
    db.registerSchema("ec2-instances", MIGRATIONS);
    const sql = db.sql;
    const holds = "host_id IS NOT NULL AND (host_release_at IS NULL OR host_release_at > ?)";
    // Rows that hold their host until a time still ahead: few, found through ec2_instances_by_release.
    const releasing = "region = @region AND host_release_at > @now AND host_id IS NOT NULL";
    const holdsAddress = "(terminated_at IS NULL OR terminated_at > ?)";
    this.s = {
      // Positional parameters: better-sqlite3 looks each named one up on the object (~4 µs for 60).
      insert: sql.prepare(`INSERT INTO ec2_instances (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`),
      byId: sql.prepare("SELECT * FROM ec2_instances WHERE instance_id = ?"),
      all: sql.prepare("SELECT * FROM ec2_instances WHERE account = ? AND region = ? ORDER BY seq"),
      listed: sql.prepare(`SELECT seq, instance_id, reservation_id, account, region, version, state, settles_at, guest_shutdown_at, guest_shutdown_ends_at, shutdown_behavior, terminated_at
        FROM ec2_instances WHERE account = ? AND region = ? ORDER BY seq`),
      byToken: sql.prepare("SELECT * FROM ec2_instances WHERE account = ? AND region = ? AND client_token = ? ORDER BY seq"),
      hostUsage: sql.prepare(`SELECT host_id, socket, threads, memory_mib AS mem, gpus, guests FROM ec2_host_load WHERE region = @region AND az = @az AND host_family = @family AND guests > 0
        UNION ALL SELECT host_id, socket, host_threads, memory_mib, gpus, 1 FROM ec2_instances WHERE ${releasing} AND az = @az AND host_family = @family`),
      vcpusInUse: sql.prepare(`SELECT COALESCE((SELECT vcpus FROM ec2_vcpu_load WHERE account = @account AND region = @region AND quota_bucket = @bucket), 0)
        + (SELECT COALESCE(SUM(vcpus), 0) FROM ec2_instances WHERE ${releasing} AND account = @account AND quota_bucket = @bucket)`).pluck(),
      onHosts: sql.prepare(`SELECT instance_id, account, instance_type, vcpus, memory_mib, host_threads, socket, host_id, az, host_family, state, settles_at, guest_shutdown_at, guest_shutdown_ends_at, shutdown_behavior FROM ec2_instances WHERE region = ? AND ${holds}`),
      publicIpTaken: sql.prepare("SELECT 1 FROM ec2_instances WHERE region = ? AND public_ip = ? LIMIT 1").pluck(),
      privateIpHeld: sql.prepare(`SELECT 1 FROM ec2_instances WHERE subnet_id = ? AND private_ip = ? AND ${holdsAddress} LIMIT 1`).pluck(),
      privateIpsUsed: sql.prepare(`SELECT private_ip FROM ec2_instances WHERE subnet_id = ? AND ${holdsAddress}`).pluck(),
      expired: sql.prepare("SELECT instance_id FROM ec2_instances WHERE account = ? AND region = ? AND terminated_at <= ?").pluck(),
      delete: sql.prepare("DELETE FROM ec2_instances WHERE instance_id = ?"),
      setState: sql.prepare(
        "UPDATE ec2_instances SET version = version + 1, guest_shutdown_at = NULL, guest_shutdown_ends_at = NULL, terminated_at = @terminated_at, state = @state, state_at = @state_at, settles_at = @settles_at, host_release_at = @host_release_at, transition_reason = @transition_reason, state_reason_code = @state_reason_code, state_reason_message = @state_reason_message, boots = @boots WHERE instance_id = @instance_id",
      ),
      start: sql.prepare(
        "UPDATE ec2_instances SET version = version + 1, guest_shutdown_at = NULL, guest_shutdown_ends_at = NULL, terminated_at = NULL, state = 'pending', state_at = @state_at, settles_at = @settles_at, host_release_at = NULL, host_id = @host_id, socket = @socket, previous_host_id = @previous_host_id, public_ip = @public_ip, transition_reason = '', state_reason_code = NULL, state_reason_message = NULL, boots = @boots WHERE instance_id = @instance_id",
      ),
      setBoots: sql.prepare("UPDATE ec2_instances SET version = version + 1, boots = ? WHERE instance_id = ?"),
    };
  }

  insert(row: NewInstance): void {
    this.s["insert"]!.run(COLUMNS.map((column) => row[column]));
  }

  byId(instanceId: string): InstanceRow | undefined {
    return this.s["byId"]!.get(instanceId) as InstanceRow | undefined;
  }

  all(account: string, region: string): InstanceRow[] {
    return this.s["all"]!.all(account, region) as InstanceRow[];
  }

  /** Every row of an account and region, narrowly: a whole row is read only for an answer not cached yet. */
  listed(account: string, region: string): ListedRow[] {
    return this.s["listed"]!.all(account, region) as ListedRow[];
  }

  /** The rows launched with this client token, in launch order. */
  rowsOfLaunchToken(account: string, region: string, token: string): InstanceRow[] {
    return this.s["byToken"]!.all(account, region, token) as InstanceRow[];
  }

  /** Threads, memory and GPUs held per host and socket among one AZ's hosts of one family. */
  hostUsage(region: string, az: string, family: string, now: number): HostUsage[] {
    return this.s["hostUsage"]!.all({ region, az, family, now }) as HostUsage[];
  }

  onHosts(region: string, now: number): Pick<InstanceRow, "instance_id" | "account" | "instance_type" | "vcpus" | "memory_mib" | "host_threads" | "socket" | "host_id" | "az" | "host_family" | "state" | "settles_at" | "guest_shutdown_at" | "guest_shutdown_ends_at" | "shutdown_behavior">[] {
    return this.s["onHosts"]!.all(region, now) as never;
  }

  /** Running On-Demand vCPUs of an account, region and quota bucket. */
  vcpusInUse(account: string, region: string, bucket: string, now: number): number {
    return this.s["vcpusInUse"]!.get({ account, region, bucket, now }) as number;
  }

  /** Whether an instance that is not terminated holds this private address of the subnet. */
  privateIpHeld(subnetId: string, ip: string, now: number): boolean {
    return this.s["privateIpHeld"]!.get(subnetId, ip, now) !== undefined;
  }

  privateIpsUsed(subnetId: string, now: number): string[] {
    return this.s["privateIpsUsed"]!.all(subnetId, now) as string[];
  }

  /** Whether a row of the region (of any state) has this public address. */
  publicIpTaken(region: string, ip: string): boolean {
    return this.s["publicIpTaken"]!.get(region, ip) !== undefined;
  }

  /** Terminated instances whose visibility window is over. */
  expired(account: string, region: string, settledBefore: number): string[] {
    return this.s["expired"]!.all(account, region, settledBefore) as string[];
  }

  delete(instanceId: string): void {
    this.s["delete"]!.run(instanceId);
  }

  setState(change: Pick<InstanceRow, "instance_id" | "terminated_at" | "state" | "state_at" | "settles_at" | "host_release_at" | "transition_reason" | "state_reason_code" | "state_reason_message" | "boots">): void {
    this.s["setState"]!.run(change);
  }

  start(change: Pick<InstanceRow, "instance_id" | "state_at" | "settles_at" | "host_id" | "socket" | "previous_host_id" | "public_ip" | "boots">): void {
    this.s["start"]!.run(change);
  }

  setBoots(instanceId: string, boots: string): void {
    this.s["setBoots"]!.run(boots, instanceId);
  }

  update(instanceId: string, column: MutableColumn, value: string | number | null): void {
    let statement = this.updates.get(column);
    if (!statement) this.updates.set(column, (statement = this.db.sql.prepare(`UPDATE ec2_instances SET version = version + 1, ${column} = ? WHERE instance_id = ?`)));
    statement.run(value, instanceId);
  }
}

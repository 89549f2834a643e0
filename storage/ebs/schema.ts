import type { Database } from "../state/database.js";

/**
 * EBS tables. Times are epoch milliseconds; every state that moves with time (creating → available,
 * attaching → attached, snapshot progress, modification states) is derived from them when read.
 * Block data is sparse: only written 512 KiB blocks have a row, each pointing at an immutable blob,
 * and snapshots and volumes of one lineage share blobs instead of copying bytes.
 */
export const MIGRATIONS = [
  `CREATE TABLE ebs_volumes (
     volume_id TEXT PRIMARY KEY,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     az TEXT NOT NULL,
     size INTEGER NOT NULL,
     volume_type TEXT NOT NULL,
     iops INTEGER,
     throughput INTEGER,
     encrypted INTEGER NOT NULL,
     kms_key_id TEXT,
     snapshot_id TEXT,
     multi_attach INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     ready_at INTEGER NOT NULL,
     deleted_at INTEGER,
     client_token TEXT,
     request_hash TEXT,
     lineage TEXT NOT NULL
   )`,
  "CREATE INDEX ebs_volumes_scope ON ebs_volumes (account, region)",
  `CREATE TABLE ebs_attachments (
     volume_id TEXT NOT NULL,
     instance_id TEXT NOT NULL,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     device TEXT NOT NULL,
     attach_time INTEGER NOT NULL,
     attached_at INTEGER NOT NULL,
     detach_at INTEGER,
     detached_at INTEGER,
     delete_on_termination INTEGER NOT NULL,
     is_root INTEGER NOT NULL DEFAULT 0
   )`,
  "CREATE INDEX ebs_attachments_volume ON ebs_attachments (volume_id)",
  "CREATE INDEX ebs_attachments_instance ON ebs_attachments (account, region, instance_id)",
  `CREATE TABLE ebs_volume_blocks (
     volume_id TEXT NOT NULL,
     block_index INTEGER NOT NULL,
     blob_id TEXT NOT NULL,
     checksum TEXT NOT NULL,
     PRIMARY KEY (volume_id, block_index)
   ) WITHOUT ROWID`,
  `CREATE TABLE ebs_modifications (
     volume_id TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     optimizing_at INTEGER NOT NULL,
     completed_at INTEGER NOT NULL,
     original TEXT NOT NULL,
     target TEXT NOT NULL,
     PRIMARY KEY (volume_id, started_at)
   )`,
  `CREATE TABLE ebs_snapshots (
     snapshot_id TEXT PRIMARY KEY,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     volume_id TEXT NOT NULL,
     volume_size INTEGER NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     encrypted INTEGER NOT NULL,
     kms_key_id TEXT,
     started_at INTEGER NOT NULL,
     complete_at INTEGER,
     timeout_at INTEGER,
     failed INTEGER NOT NULL DEFAULT 0,
     source TEXT NOT NULL,
     parent_snapshot_id TEXT,
     lineage TEXT NOT NULL,
     client_token TEXT,
     request_hash TEXT,
     storage_tier TEXT NOT NULL DEFAULT 'standard',
     permissions TEXT NOT NULL DEFAULT '[]'
   )`,
  "CREATE INDEX ebs_snapshots_scope ON ebs_snapshots (region, account)",
  "CREATE INDEX ebs_snapshots_volume ON ebs_snapshots (volume_id, started_at)",
  `CREATE TABLE ebs_snapshot_blocks (
     snapshot_id TEXT NOT NULL,
     block_index INTEGER NOT NULL,
     blob_id TEXT NOT NULL,
     checksum TEXT NOT NULL,
     written INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (snapshot_id, block_index)
   ) WITHOUT ROWID`,
  `CREATE TABLE ebs_account_settings (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     encryption_by_default INTEGER NOT NULL DEFAULT 0,
     default_kms_key_id TEXT,
     PRIMARY KEY (account, region)
   ) WITHOUT ROWID`,
  "ALTER TABLE ebs_volumes ADD COLUMN auto_enable_io INTEGER NOT NULL DEFAULT 0",
  // Storage and IOPS in use per type, for the quotas checked at every volume creation (RunInstances
  // included): kept by triggers in the writing transaction, so reading it costs one key lookup
  // instead of a sum over every volume, and a rollback undoes it with the volume.
  `CREATE TABLE ebs_usage (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     volume_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     iops INTEGER NOT NULL,
     PRIMARY KEY (account, region, volume_type)
   ) WITHOUT ROWID`,
  `INSERT INTO ebs_usage (account, region, volume_type, size, iops)
     SELECT account, region, volume_type, SUM(size), COALESCE(SUM(iops), 0) FROM ebs_volumes WHERE deleted_at IS NULL GROUP BY account, region, volume_type`,
  `CREATE TRIGGER ebs_usage_insert AFTER INSERT ON ebs_volumes WHEN NEW.deleted_at IS NULL BEGIN
     INSERT INTO ebs_usage (account, region, volume_type, size, iops) VALUES (NEW.account, NEW.region, NEW.volume_type, NEW.size, COALESCE(NEW.iops, 0))
       ON CONFLICT (account, region, volume_type) DO UPDATE SET size = size + excluded.size, iops = iops + excluded.iops;
   END`,
  `CREATE TRIGGER ebs_usage_update AFTER UPDATE OF account, region, volume_type, size, iops, deleted_at ON ebs_volumes BEGIN
     UPDATE ebs_usage SET size = size - OLD.size, iops = iops - COALESCE(OLD.iops, 0)
       WHERE OLD.deleted_at IS NULL AND account = OLD.account AND region = OLD.region AND volume_type = OLD.volume_type;
     INSERT INTO ebs_usage (account, region, volume_type, size, iops) SELECT NEW.account, NEW.region, NEW.volume_type, NEW.size, COALESCE(NEW.iops, 0) WHERE NEW.deleted_at IS NULL
       ON CONFLICT (account, region, volume_type) DO UPDATE SET size = size + excluded.size, iops = iops + excluded.iops;
   END`,
  `CREATE TRIGGER ebs_usage_delete AFTER DELETE ON ebs_volumes WHEN OLD.deleted_at IS NULL BEGIN
     UPDATE ebs_usage SET size = size - OLD.size, iops = iops - COALESCE(OLD.iops, 0)
       WHERE account = OLD.account AND region = OLD.region AND volume_type = OLD.volume_type;
   END`,
  // The usage per type is summed from the volumes once per account and region and then kept in
  // memory by the store's writes (VolumeUsageSums): a trigger made every volume insert a statement
  // with a sub-program and a statement journal.
  `DROP TRIGGER ebs_usage_insert;
   DROP TRIGGER ebs_usage_update;
   DROP TRIGGER ebs_usage_delete;
   DROP TABLE ebs_usage;`,
  // The attachments not yet detached are mirrored in memory (LiveAttachments), which answers every
  // lookup by volume or instance: a launch no longer pays an insert into these two indexes.
  `DROP INDEX ebs_attachments_volume;
   DROP INDEX ebs_attachments_instance;`,
  // Volumes are found by id through the store's map of their row numbers (VolumeSeqs): a launch no
  // longer pays an insert into the primary key's index, a second B-tree for every volume. SQLite
  // drops a constraint only by rebuilding the table. Each row keeps its rowid as seq, which, being
  // an alias of the rowid, no VACUUM renumbers; the columns are in the order the migrations above
  // left them, so rows copy with SELECT *.
  `CREATE TABLE ebs_volumes_rebuilt (
     seq INTEGER PRIMARY KEY,
     volume_id TEXT NOT NULL,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     az TEXT NOT NULL,
     size INTEGER NOT NULL,
     volume_type TEXT NOT NULL,
     iops INTEGER,
     throughput INTEGER,
     encrypted INTEGER NOT NULL,
     kms_key_id TEXT,
     snapshot_id TEXT,
     multi_attach INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     ready_at INTEGER NOT NULL,
     deleted_at INTEGER,
     client_token TEXT,
     request_hash TEXT,
     lineage TEXT NOT NULL,
     auto_enable_io INTEGER NOT NULL DEFAULT 0
   );
   INSERT INTO ebs_volumes_rebuilt SELECT rowid, * FROM ebs_volumes;
   DROP TABLE ebs_volumes;
   ALTER TABLE ebs_volumes_rebuilt RENAME TO ebs_volumes;
   CREATE INDEX ebs_volumes_scope ON ebs_volumes (account, region);`,
  // SQLite is the one truth (docs/state.md): volume ids are unique by constraint again, attachments
  // are found through their indexes, and the storage and IOPS in use per type are kept by triggers
  // in the writing transaction, so a rollback, a reset or a restart can never leave them stale.
  `CREATE UNIQUE INDEX ebs_volumes_by_id ON ebs_volumes (volume_id);
   CREATE INDEX ebs_attachments_volume ON ebs_attachments (volume_id);
   CREATE INDEX ebs_attachments_instance ON ebs_attachments (account, region, instance_id);
   CREATE TABLE ebs_usage (
     account TEXT NOT NULL, region TEXT NOT NULL, volume_type TEXT NOT NULL, size INTEGER NOT NULL, iops INTEGER NOT NULL,
     PRIMARY KEY (account, region, volume_type)) WITHOUT ROWID;
   INSERT INTO ebs_usage (account, region, volume_type, size, iops)
     SELECT account, region, volume_type, SUM(size), COALESCE(SUM(iops), 0) FROM ebs_volumes WHERE deleted_at IS NULL GROUP BY account, region, volume_type;
   CREATE TRIGGER ebs_usage_insert AFTER INSERT ON ebs_volumes WHEN NEW.deleted_at IS NULL BEGIN
     INSERT INTO ebs_usage (account, region, volume_type, size, iops) VALUES (NEW.account, NEW.region, NEW.volume_type, NEW.size, COALESCE(NEW.iops, 0))
       ON CONFLICT (account, region, volume_type) DO UPDATE SET size = size + excluded.size, iops = iops + excluded.iops;
   END;
   CREATE TRIGGER ebs_usage_update AFTER UPDATE OF account, region, volume_type, size, iops, deleted_at ON ebs_volumes BEGIN
     UPDATE ebs_usage SET size = size - OLD.size, iops = iops - COALESCE(OLD.iops, 0)
       WHERE OLD.deleted_at IS NULL AND account = OLD.account AND region = OLD.region AND volume_type = OLD.volume_type;
     INSERT INTO ebs_usage (account, region, volume_type, size, iops) SELECT NEW.account, NEW.region, NEW.volume_type, NEW.size, COALESCE(NEW.iops, 0) WHERE NEW.deleted_at IS NULL
       ON CONFLICT (account, region, volume_type) DO UPDATE SET size = size + excluded.size, iops = iops + excluded.iops;
   END;
   CREATE TRIGGER ebs_usage_delete AFTER DELETE ON ebs_volumes WHEN OLD.deleted_at IS NULL BEGIN
     UPDATE ebs_usage SET size = size - OLD.size, iops = iops - COALESCE(OLD.iops, 0)
       WHERE account = OLD.account AND region = OLD.region AND volume_type = OLD.volume_type;
   END;`,
  // The attachments of an account and region by instance, with every column a listing's versions
  // read: DescribeInstances over 1,000 instances reads them without a row lookup (1.6 → 1.1 ms).
  `DROP INDEX ebs_attachments_instance;
   CREATE INDEX ebs_attachments_instance ON ebs_attachments (account, region, instance_id, detached_at, volume_id, device, delete_on_termination, attach_time, attached_at, detach_at);`,
];

export function registerEbsSchema(db: Database): void {
  db.registerSchema("ebs", MIGRATIONS);
}

export interface VolumeRow {
  volume_id: string;
  account: string;
  region: string;
  az: string;
  size: number;
  volume_type: string;
  iops: number | null;
  throughput: number | null;
  encrypted: number;
  kms_key_id: string | null;
  snapshot_id: string | null;
  multi_attach: number;
  created_at: number;
  ready_at: number;
  deleted_at: number | null;
  client_token: string | null;
  request_hash: string | null;
  lineage: string;
  auto_enable_io?: number;
}

/** A volume row as read. */
export type StoredVolume = VolumeRow;

export interface AttachmentRow {
  volume_id: string;
  instance_id: string;
  account: string;
  region: string;
  device: string;
  attach_time: number;
  attached_at: number;
  detach_at: number | null;
  detached_at: number | null;
  delete_on_termination: number;
  is_root: number;
}

export interface ModificationRow {
  volume_id: string;
  started_at: number;
  optimizing_at: number;
  completed_at: number;
  original: string;
  target: string;
}

export interface SnapshotRow {
  snapshot_id: string;
  account: string;
  region: string;
  volume_id: string;
  volume_size: number;
  description: string;
  encrypted: number;
  kms_key_id: string | null;
  started_at: number;
  complete_at: number | null;
  timeout_at: number | null;
  failed: number;
  source: "volume" | "direct" | "copy";
  parent_snapshot_id: string | null;
  lineage: string;
  client_token: string | null;
  request_hash: string | null;
  storage_tier: string;
  permissions: string;
}

export interface BlockRow {
  block_index: number;
  blob_id: string;
  checksum: string;
}

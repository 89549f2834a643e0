import type { Statement } from "better-sqlite3";
import type { DomainEnvironment } from "../state/environment.js";
import type { AttachmentRow, BlockRow, ModificationRow, SnapshotRow, StoredVolume, VolumeRow } from "./schema.js";
import { registerEbsSchema } from "./schema.js";
import type { EbsQuotas, EbsTimings } from "./timing.js";
import type { ResourceTags } from "./resource-tags.js";
import { LocalResourceTags } from "./resource-tags.js";
import type { Tag } from "@aws-sdk/client-ec2";
import { quotasFrom, timingsFrom } from "./timing.js";

export const BLOCK_SIZE = 524_288;
export const BLOCKS_PER_GIB = 2048;

export type VolumeUsage = { size: number; iops: number };

export type EncryptionDefaults = Readonly<{ enabled: boolean; kmsKeyId: string | null }>;

export type VolumeState = "creating" | "available" | "in-use" | "deleting" | "deleted";
export type AttachmentState = "attaching" | "attached" | "detaching" | "detached";
export type SnapshotState = "pending" | "completed" | "error";

/**
 * The EBS tables behind the EC2 volume/snapshot calls and the EBS direct API, with every statement
 * prepared once. One store per database, shared by both providers. States are derived here from
 * stored timestamps and the clock.
 */
export class EbsStore {
  readonly timings: EbsTimings;
  readonly quotas: EbsQuotas;
  /** Replaced by EC2's tag store when EC2 runs, so tags are shared with CreateTags/DescribeTags. */
  tags: ResourceTags;
  private readonly s: Record<string, Statement>;

  constructor(readonly env: DomainEnvironment) {
    registerEbsSchema(env.db);
    this.timings = timingsFrom(env.settings);
    this.quotas = quotasFrom(env.settings);
    this.tags = new LocalResourceTags(env.db);
    const p = (sql: string) => env.db.sql.prepare(sql);
    this.s = {
      insertVolume: p(`INSERT INTO ebs_volumes (volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, kms_key_id, snapshot_id, multi_attach, created_at, ready_at, deleted_at, client_token, request_hash, lineage)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getVolume: p("SELECT * FROM ebs_volumes WHERE volume_id = ? AND account = ? AND region = ?"),
      listVolumes: p("SELECT * FROM ebs_volumes WHERE account = ? AND region = ? AND (deleted_at IS NULL OR deleted_at > ?) ORDER BY volume_id"),
      volumeByToken: p("SELECT * FROM ebs_volumes WHERE account = ? AND region = ? AND client_token = ?"),
      updateVolumeSpec: p("UPDATE ebs_volumes SET size = @size, volume_type = @volume_type, iops = @iops, throughput = @throughput, multi_attach = @multi_attach WHERE volume_id = @volume_id"),
      markVolumeDeleted: p("UPDATE ebs_volumes SET deleted_at = ? WHERE volume_id = ?"),
      usage: p("SELECT size, iops FROM ebs_usage WHERE account = ? AND region = ? AND volume_type = ?"),
      insertAttachment: p(`INSERT INTO ebs_attachments (volume_id, instance_id, account, region, device, attach_time, attached_at, detach_at, detached_at, delete_on_termination, is_root)
        VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`),
      // Attachments not yet detached (attaching, attached, detaching), by attach time, then as written;
      // an instance's (its block device mappings) with the root first among those attached at once.
      liveOfVolume: p("SELECT rowid AS seq, * FROM ebs_attachments WHERE volume_id = ? AND (detached_at IS NULL OR detached_at > ?) ORDER BY attach_time, rowid"),
      liveOfInstance: p(`SELECT rowid AS seq, * FROM ebs_attachments WHERE account = ? AND region = ? AND instance_id = ? AND (detached_at IS NULL OR detached_at > ?)
        ORDER BY attach_time, is_root DESC, rowid`),
      // What attachmentState derives, per live attachment, concatenated per instance by SQLite.
      attachmentVersions: p(`SELECT instance_id, group_concat(volume_id || ',' || device || ',' || delete_on_termination || ',' || attach_time || ','
          || CASE WHEN detach_at IS NOT NULL THEN 'detaching' WHEN attached_at > @now THEN 'attaching' ELSE 'attached' END, ';') AS version
        FROM ebs_attachments WHERE account = @account AND region = @region AND (detached_at IS NULL OR detached_at > @now) GROUP BY instance_id`).raw(),
      liveOfScope: p("SELECT rowid AS seq, * FROM ebs_attachments WHERE account = ? AND region = ? AND (detached_at IS NULL OR detached_at > ?) ORDER BY attach_time, is_root DESC, rowid"),
      detachAttachment: p("UPDATE ebs_attachments SET detach_at = ?, detached_at = ? WHERE rowid = ?"),
      setDeleteOnTermination: p("UPDATE ebs_attachments SET delete_on_termination = ? WHERE rowid = ?"),
      insertModification: p("INSERT INTO ebs_modifications (volume_id, started_at, optimizing_at, completed_at, original, target) VALUES (@volume_id, @started_at, @optimizing_at, @completed_at, @original, @target)"),
      lastModification: p("SELECT * FROM ebs_modifications WHERE volume_id = ? ORDER BY started_at DESC LIMIT 1"),
      modificationsOfScope: p(`SELECT m.* FROM ebs_modifications m JOIN ebs_volumes v ON v.volume_id = m.volume_id
        WHERE v.account = ? AND v.region = ? AND (v.deleted_at IS NULL OR v.deleted_at > ?) ORDER BY m.volume_id, m.started_at`),
      volumeBlocks: p("SELECT block_index, blob_id, checksum FROM ebs_volume_blocks WHERE volume_id = ? ORDER BY block_index"),
      insertVolumeBlock: p("INSERT INTO ebs_volume_blocks (volume_id, block_index, blob_id, checksum) VALUES (?, ?, ?, ?)"),
      deleteVolumeBlocks: p("DELETE FROM ebs_volume_blocks WHERE volume_id = ?"),
      getVolumeBlock: p("SELECT block_index, blob_id, checksum FROM ebs_volume_blocks WHERE volume_id = ? AND block_index = ?"),
      replaceVolumeBlock: p("INSERT INTO ebs_volume_blocks (volume_id, block_index, blob_id, checksum) VALUES (?, ?, ?, ?) ON CONFLICT (volume_id, block_index) DO UPDATE SET blob_id = excluded.blob_id, checksum = excluded.checksum"),
      insertSnapshot: p(`INSERT INTO ebs_snapshots (snapshot_id, account, region, volume_id, volume_size, description, encrypted, kms_key_id, started_at, complete_at, timeout_at, failed, source, parent_snapshot_id, lineage, client_token, request_hash, storage_tier, permissions)
        VALUES (@snapshot_id, @account, @region, @volume_id, @volume_size, @description, @encrypted, @kms_key_id, @started_at, @complete_at, @timeout_at, 0, @source, @parent_snapshot_id, @lineage, @client_token, @request_hash, 'standard', '[]')`),
      getSnapshot: p("SELECT * FROM ebs_snapshots WHERE snapshot_id = ? AND region = ?"),
      snapshotsOfRegion: p("SELECT * FROM ebs_snapshots WHERE region = ? ORDER BY snapshot_id"),
      snapshotByToken: p("SELECT * FROM ebs_snapshots WHERE account = ? AND region = ? AND client_token = ?"),
      lastSnapshotOfVolume: p("SELECT * FROM ebs_snapshots WHERE volume_id = ? AND source = 'volume' ORDER BY started_at DESC LIMIT 1"),
      countSnapshots: p("SELECT COUNT(*) AS n FROM ebs_snapshots WHERE account = ? AND region = ?"),
      completeSnapshot: p("UPDATE ebs_snapshots SET complete_at = ? WHERE snapshot_id = ?"),
      failSnapshot: p("UPDATE ebs_snapshots SET failed = 1 WHERE snapshot_id = ?"),
      setPermissions: p("UPDATE ebs_snapshots SET permissions = ? WHERE snapshot_id = ?"),
      deleteSnapshot: p("DELETE FROM ebs_snapshots WHERE snapshot_id = ?"),
      snapshotBlocks: p("SELECT block_index, blob_id, checksum FROM ebs_snapshot_blocks WHERE snapshot_id = ? ORDER BY block_index"),
      snapshotBlocksFrom: p("SELECT block_index, blob_id, checksum FROM ebs_snapshot_blocks WHERE snapshot_id = ? AND block_index >= ? ORDER BY block_index LIMIT ?"),
      getSnapshotBlock: p("SELECT block_index, blob_id, checksum FROM ebs_snapshot_blocks WHERE snapshot_id = ? AND block_index = ?"),
      insertSnapshotBlock: p("INSERT INTO ebs_snapshot_blocks (snapshot_id, block_index, blob_id, checksum, written) VALUES (?, ?, ?, ?, ?)"),
      replaceSnapshotBlock: p(`INSERT INTO ebs_snapshot_blocks (snapshot_id, block_index, blob_id, checksum, written) VALUES (?, ?, ?, ?, 1)
        ON CONFLICT (snapshot_id, block_index) DO UPDATE SET blob_id = excluded.blob_id, checksum = excluded.checksum, written = 1`),
      writtenBlocks: p("SELECT block_index, blob_id, checksum FROM ebs_snapshot_blocks WHERE snapshot_id = ? AND written = 1 ORDER BY block_index"),
      deleteSnapshotBlocks: p("DELETE FROM ebs_snapshot_blocks WHERE snapshot_id = ?"),
      accountSettings: p("SELECT encryption_by_default, default_kms_key_id FROM ebs_account_settings WHERE account = ? AND region = ?"),
      setEncryptionByDefault: p(`INSERT INTO ebs_account_settings (account, region, encryption_by_default) VALUES (?, ?, ?)
        ON CONFLICT (account, region) DO UPDATE SET encryption_by_default = excluded.encryption_by_default`),
      setDefaultKmsKey: p(`INSERT INTO ebs_account_settings (account, region, default_kms_key_id) VALUES (?, ?, ?)
        ON CONFLICT (account, region) DO UPDATE SET default_kms_key_id = excluded.default_kms_key_id`),
      setAutoEnableIo: p("UPDATE ebs_volumes SET auto_enable_io = ? WHERE volume_id = ?"),
    };
  }

  now(): number {
    return this.env.clock.now();
  }

  // ---- volumes

  insertVolume(row: VolumeRow, tags: Tag[] = []): void {
    this.s.insertVolume!.run(
      row.volume_id, row.account, row.region, row.az, row.size, row.volume_type, row.iops, row.throughput, row.encrypted, row.kms_key_id,
      row.snapshot_id, row.multi_attach, row.created_at, row.ready_at, row.deleted_at, row.client_token, row.request_hash, row.lineage,
    );
    if (tags.length) this.tags.set(row.account, row.region, row.volume_id, "volume", tags);
  }

  /** A volume of this account and region that is not gone yet (deleting ones included). */
  volume(account: string, region: string, volumeId: string): StoredVolume | undefined {
    const row = this.s.getVolume!.get(volumeId, account, region) as StoredVolume | undefined;
    if (!row || this.isGone(row)) return undefined;
    return row;
  }

  volumes(account: string, region: string): StoredVolume[] {
    return this.s.listVolumes!.all(account, region, this.now() - this.timings.volumeDeleteMs) as StoredVolume[];
  }

  volumeByToken(account: string, region: string, token: string): StoredVolume | undefined {
    return this.s.volumeByToken!.get(account, region, token) as StoredVolume | undefined;
  }

  /** Changes the size, type and performance of `before`, a volume that is not deleted. */
  updateVolumeSpec(before: StoredVolume, spec: Pick<VolumeRow, "size" | "volume_type" | "iops" | "throughput" | "multi_attach">): void {
    this.s.updateVolumeSpec!.run({ ...spec, volume_id: before.volume_id });
  }

  /** Storage and IOPS of the volumes of one type that are not deleted. */
  usage(account: string, region: string, type: string): VolumeUsage {
    return (this.s.usage!.get(account, region, type) as VolumeUsage | undefined) ?? { size: 0, iops: 0 };
  }

  private isGone(row: VolumeRow): boolean {
    return row.deleted_at !== null && this.now() >= row.deleted_at + this.timings.volumeDeleteMs;
  }

  volumeState(row: VolumeRow, attachments = this.attachmentsOfVolume(row.volume_id)): VolumeState {
    const now = this.now();
    if (row.deleted_at !== null) return now >= row.deleted_at + this.timings.volumeDeleteMs ? "deleted" : "deleting";
    if (now < row.ready_at) return "creating";
    return attachments.length > 0 ? "in-use" : "available";
  }

  /** Deletes a volume: its metadata shows `deleting` for a while, its blocks are freed now. */
  deleteVolume(row: StoredVolume): void {
    const volumeId = row.volume_id;
    this.s.markVolumeDeleted!.run(this.now(), volumeId);
    this.tags.deleteAll(row.account, row.region, volumeId);
    this.releaseVolumeBlocks(volumeId);
  }

  setAutoEnableIo(volume: StoredVolume, value: boolean): void {
    this.s.setAutoEnableIo!.run(value ? 1 : 0, volume.volume_id);
  }

  // ---- account settings (encryption by default)

  encryptionDefaults(account: string, region: string): EncryptionDefaults {
    const row = this.s.accountSettings!.get(account, region) as { encryption_by_default: number; default_kms_key_id: string | null } | undefined;
    return { enabled: row?.encryption_by_default === 1, kmsKeyId: row?.default_kms_key_id ?? null };
  }

  setEncryptionByDefault(account: string, region: string, enabled: boolean): void {
    this.s.setEncryptionByDefault!.run(account, region, enabled ? 1 : 0);
  }

  setDefaultKmsKey(account: string, region: string, kmsKeyId: string | null): void {
    this.s.setDefaultKmsKey!.run(account, region, kmsKeyId);
  }

  // ---- attachments

  insertAttachment(row: Omit<AttachmentRow, "detach_at" | "detached_at">): void {
    this.s.insertAttachment!.run(
      row.volume_id, row.instance_id, row.account, row.region, row.device, row.attach_time, row.attached_at, row.delete_on_termination, row.is_root,
    );
  }

  /** Attachments not yet detached (attaching, attached, detaching), by attach time. */
  attachmentsOfVolume(volumeId: string): AttachmentRow[] {
    return this.s.liveOfVolume!.all(volumeId, this.now()) as AttachmentRow[];
  }

  /** An instance's attachments not yet detached: by attach time, the root first, then as written. */
  attachmentsOfInstance(account: string, region: string, instanceId: string): AttachmentRow[] {
    return this.liveOfInstance(account, region, instanceId, this.now());
  }

  private liveOfInstance(account: string, region: string, instanceId: string, now: number): (AttachmentRow & { seq: number })[] {
    return this.s.liveOfInstance!.all(account, region, instanceId, now) as (AttachmentRow & { seq: number })[];
  }

  /** Every live attachment of an account and region, by volume: one pass for a whole DescribeVolumes. */
  attachmentsByVolume(account: string, region: string): Map<string, AttachmentRow[]> {
    return groupBy(this.attachmentsOfScope(account, region), (row) => row.volume_id);
  }

  /**
   * Live attachments by instance, for the listed instances or every instance of an account and
   * region: one pass for a whole DescribeInstances. Each list is in attachmentsOfInstance's order.
   */
  attachmentsByInstance(account: string, region: string, instanceIds?: readonly string[]): Map<string, AttachmentRow[]> {
    if (!instanceIds) return groupBy(this.attachmentsOfScope(account, region), (row) => row.instance_id);
    const out = new Map<string, AttachmentRow[]>();
    for (const instanceId of new Set(instanceIds)) {
      const rows = this.attachmentsOfInstance(account, region, instanceId);
      if (rows.length) out.set(instanceId, rows);
    }
    return out;
  }

  /** A text per instance that changes whenever its live attachments or their states do. */
  attachmentVersions(account: string, region: string): Map<string, string> {
    return new Map(this.s.attachmentVersions!.all({ account, region, now: this.now() }) as [string, string][]);
  }

  private attachmentsOfScope(account: string, region: string): AttachmentRow[] {
    return this.s.liveOfScope!.all(account, region, this.now()) as AttachmentRow[];
  }

  /** The latest modification of each volume of an account and region. */
  latestModifications(account: string, region: string): Map<string, ModificationRow> {
    const out = new Map<string, ModificationRow>();
    for (const m of this.modifications(account, region)) out.set(m.volume_id, m);
    return out;
  }

  attachmentState(row: AttachmentRow): AttachmentState {
    const now = this.now();
    if (row.detach_at !== null) return row.detached_at !== null && now >= row.detached_at ? "detached" : "detaching";
    return now < row.attached_at ? "attaching" : "attached";
  }

  /** Starts detaching the volume from the instance, unless that has started already. */
  detach(volumeId: string, instanceId: string, durationMs = this.timings.detachMs): void {
    const now = this.now();
    for (const row of this.s.liveOfVolume!.all(volumeId, now) as (AttachmentRow & { seq: number })[]) {
      if (row.instance_id !== instanceId || row.detached_at !== null) continue;
      this.s.detachAttachment!.run(now, now + durationMs, row.seq);
    }
  }

  setDeleteOnTermination(account: string, region: string, instanceId: string, device: string, value: boolean): boolean {
    let changed = false;
    for (const row of this.liveOfInstance(account, region, instanceId, this.now())) {
      if (row.device !== device || row.detached_at !== null) continue;
      this.s.setDeleteOnTermination!.run(value ? 1 : 0, row.seq);
      changed = true;
    }
    return changed;
  }

  // ---- modifications

  insertModification(row: ModificationRow): void {
    this.s.insertModification!.run(row);
  }

  lastModification(volumeId: string): ModificationRow | undefined {
    return this.s.lastModification!.get(volumeId) as ModificationRow | undefined;
  }

  modifications(account: string, region: string): ModificationRow[] {
    return this.s.modificationsOfScope!.all(account, region, this.now() - this.timings.volumeDeleteMs) as ModificationRow[];
  }

  // ---- blocks

  volumeBlocks(volumeId: string): BlockRow[] {
    return this.s.volumeBlocks!.all(volumeId) as BlockRow[];
  }

  volumeBlock(volumeId: string, index: number): BlockRow | undefined {
    return this.s.getVolumeBlock!.get(volumeId, index) as BlockRow | undefined;
  }

  /** Points a volume block at a new blob (a guest write), freeing the blob it replaces. */
  writeVolumeBlock(volumeId: string, index: number, blobId: string, checksum: string): void {
    this.replaceBlock(this.s.replaceVolumeBlock!, this.volumeBlock(volumeId, index), volumeId, index, blobId, checksum);
  }

  /** Points a block of a volume or snapshot at a new blob, which it retains, releasing the one it held. */
  private replaceBlock(replace: Statement, old: BlockRow | undefined, ownerId: string, index: number, blobId: string, checksum: string): void {
    replace.run(ownerId, index, blobId, checksum);
    this.env.blobs.retain(blobId);
    if (old) this.env.blobs.release(old.blob_id);
  }

  /** Gives a new volume the blocks of a snapshot: rows are copied, bytes are shared. */
  copySnapshotBlocksToVolume(snapshotId: string, volumeId: string): void {
    for (const block of this.snapshotBlocks(snapshotId)) {
      this.s.insertVolumeBlock!.run(volumeId, block.block_index, block.blob_id, block.checksum);
      this.env.blobs.retain(block.blob_id);
    }
  }

  copyVolumeBlocksToSnapshot(volumeId: string, snapshotId: string): void {
    for (const block of this.volumeBlocks(volumeId)) {
      this.s.insertSnapshotBlock!.run(snapshotId, block.block_index, block.blob_id, block.checksum, 0);
      this.env.blobs.retain(block.blob_id);
    }
  }

  copySnapshotBlocks(fromSnapshotId: string, toSnapshotId: string): void {
    for (const block of this.snapshotBlocks(fromSnapshotId)) {
      this.s.insertSnapshotBlock!.run(toSnapshotId, block.block_index, block.blob_id, block.checksum, 0);
      this.env.blobs.retain(block.blob_id);
    }
  }

  private releaseVolumeBlocks(volumeId: string): void {
    for (const block of this.volumeBlocks(volumeId)) this.env.blobs.release(block.blob_id);
    this.s.deleteVolumeBlocks!.run(volumeId);
  }

  // ---- snapshots

  insertSnapshot(row: Omit<SnapshotRow, "failed" | "storage_tier" | "permissions">, tags: Tag[] = []): void {
    this.s.insertSnapshot!.run(row);
    if (tags.length) this.tags.set(row.account, row.region, row.snapshot_id, "snapshot", tags);
  }

  snapshot(region: string, snapshotId: string): SnapshotRow | undefined {
    return this.s.getSnapshot!.get(snapshotId, region) as SnapshotRow | undefined;
  }

  snapshotsOfRegion(region: string): SnapshotRow[] {
    return this.s.snapshotsOfRegion!.all(region) as SnapshotRow[];
  }

  snapshotByToken(account: string, region: string, token: string): SnapshotRow | undefined {
    return this.s.snapshotByToken!.get(account, region, token) as SnapshotRow | undefined;
  }

  lastSnapshotOfVolume(volumeId: string): SnapshotRow | undefined {
    return this.s.lastSnapshotOfVolume!.get(volumeId) as SnapshotRow | undefined;
  }

  snapshotCount(account: string, region: string): number {
    return (this.s.countSnapshots!.get(account, region) as { n: number }).n;
  }

  snapshotState(row: SnapshotRow): SnapshotState {
    const now = this.now();
    if (row.failed) return "error";
    if (row.complete_at === null) return row.timeout_at !== null && now >= row.timeout_at ? "error" : "pending";
    return now < row.complete_at ? "pending" : "completed";
  }

  snapshotProgress(row: SnapshotRow): string {
    const state = this.snapshotState(row);
    if (state === "completed") return "100%";
    if (state === "error" || row.complete_at === null) return "0%";
    const span = Math.max(1, row.complete_at - row.started_at);
    return `${Math.min(99, Math.floor(((this.now() - row.started_at) / span) * 100))}%`;
  }

  markSnapshotComplete(snapshotId: string, atMs: number): void {
    this.s.completeSnapshot!.run(atMs, snapshotId);
  }

  failSnapshot(snapshotId: string): void {
    this.s.failSnapshot!.run(snapshotId);
  }

  setPermissions(snapshotId: string, permissions: string[]): void {
    this.s.setPermissions!.run(JSON.stringify(permissions), snapshotId);
  }

  deleteSnapshot(row: SnapshotRow): void {
    const snapshotId = row.snapshot_id;
    this.tags.deleteAll(row.account, row.region, snapshotId);
    for (const block of this.snapshotBlocks(snapshotId)) this.env.blobs.release(block.blob_id);
    this.s.deleteSnapshotBlocks!.run(snapshotId);
    this.s.deleteSnapshot!.run(snapshotId);
  }

  snapshotBlocks(snapshotId: string): BlockRow[] {
    return this.s.snapshotBlocks!.all(snapshotId) as BlockRow[];
  }

  snapshotBlocksFrom(snapshotId: string, fromIndex: number, limit: number): BlockRow[] {
    return this.s.snapshotBlocksFrom!.all(snapshotId, fromIndex, limit) as BlockRow[];
  }

  snapshotBlock(snapshotId: string, index: number): BlockRow | undefined {
    return this.s.getSnapshotBlock!.get(snapshotId, index) as BlockRow | undefined;
  }

  /** Stores a block written through PutSnapshotBlock, freeing the blob it replaces. */
  writeSnapshotBlock(snapshotId: string, index: number, blobId: string, checksum: string): void {
    this.replaceBlock(this.s.replaceSnapshotBlock!, this.snapshotBlock(snapshotId, index), snapshotId, index, blobId, checksum);
  }

  writtenBlocks(snapshotId: string): BlockRow[] {
    return this.s.writtenBlocks!.all(snapshotId) as BlockRow[];
  }
}

const stores = new WeakMap<object, EbsStore>();

/** The one store of this database, so both EBS providers share statements and settings. */
export function ebsStoreFor(env: DomainEnvironment): EbsStore {
  let store = stores.get(env.db);
  if (!store) {
    store = new EbsStore(env);
    stores.set(env.db, store);
  }
  return store;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}

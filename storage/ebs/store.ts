import type { Statement } from "better-sqlite3";
import type { DomainEnvironment } from "../state/environment.js";
import type { AttachmentRow, BlockRow, ModificationRow, SnapshotRow, StoredVolume, VolumeRow } from "./schema.js";
import { registerEbsSchema } from "./schema.js";
import type { EbsQuotas, EbsTimings } from "./timing.js";
import type { ResourceTags } from "./resource-tags.js";
import { LocalResourceTags } from "./resource-tags.js";
import type { Tag } from "@aws-sdk/client-ec2";
import { quotasFrom, timingsFrom } from "./timing.js";
import { VolumeUsageSums } from "./volume-usage.js";
import { LiveAttachments } from "./live-attachments.js";
import { VolumeSeqs } from "./volume-seqs.js";
import type { LiveAttachment } from "./live-attachments.js";
import type { VolumeUsage } from "./volume-usage.js";

export const BLOCK_SIZE = 524_288;
export const BLOCKS_PER_GIB = 2048;
/** Entries a read cache keeps between writes; past it the cache starts over (a bound, not an LRU). */
const READ_CACHE_LIMIT = 1024;

/** A read, and the write count and rollback count it was made at. */
interface CacheEntry<T> {
  writes: number;
  rollbacks: number;
  value: T;
}

export type { VolumeUsage } from "./volume-usage.js";

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
  /**
   * Every write to the attachments bumps the generation, so a map of a region's attachments made at
   * the same generation (outside any transaction, hence committed) still holds; a bump by a
   * rolled-back write only costs making it again.
   */
  private attachmentGeneration = 0;
  /**
   * A scope's attachments by instance, shared while the generation holds and no attachment of it
   * changes state with time (attaching → attached, detaching → detached): until then every call
   * would build the same map, which DescribeInstances over a thousand instances asks for each time.
   */
  private readonly scopeByInstance = new Map<string, { generation: number; from: number; until: number; byInstance: Map<string, AttachmentRow[]> }>();
  /**
   * Snapshot rows and block lists as last read, valid while no snapshot write (and no rollback)
   * happened since: every launch from an image reads its root snapshot and that snapshot's blocks,
   * and these rows only change through the writes below. Cached values are frozen and shared.
   */
  private snapshotWrites = 0;
  private readonly snapshotCache = new Map<string, CacheEntry<SnapshotRow | undefined>>();
  private readonly snapshotBlockCache = new Map<string, CacheEntry<readonly BlockRow[]>>();
  private readonly usageSums: VolumeUsageSums;
  private readonly liveAttachments: LiveAttachments;
  private readonly volumeSeqs: VolumeSeqs;
  /** Encryption-by-default settings per account and region, kept the same way across the two setters. */
  private settingsWrites = 0;
  private readonly settingsCache = new Map<string, CacheEntry<EncryptionDefaults>>();

  constructor(readonly env: DomainEnvironment) {
    registerEbsSchema(env.db);
    this.timings = timingsFrom(env.settings);
    this.quotas = quotasFrom(env.settings);
    this.tags = new LocalResourceTags(env.db);
    const p = (sql: string) => env.db.sql.prepare(sql);
    this.s = {
      insertVolume: p(`INSERT INTO ebs_volumes (volume_id, account, region, az, size, volume_type, iops, throughput, encrypted, kms_key_id, snapshot_id, multi_attach, created_at, ready_at, deleted_at, client_token, request_hash, lineage)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      // A volume is found by id through its row number (VolumeSeqs), and written by it.
      volumeSeqs: p("SELECT seq, volume_id FROM ebs_volumes"),
      getVolume: p("SELECT * FROM ebs_volumes WHERE seq = ? AND volume_id = ? AND account = ? AND region = ?"),
      listVolumes: p("SELECT * FROM ebs_volumes WHERE account = ? AND region = ? AND (deleted_at IS NULL OR deleted_at > ?) ORDER BY volume_id"),
      volumeByToken: p("SELECT * FROM ebs_volumes WHERE account = ? AND region = ? AND client_token = ?"),
      updateVolumeSpec: p("UPDATE ebs_volumes SET size = @size, volume_type = @volume_type, iops = @iops, throughput = @throughput, multi_attach = @multi_attach WHERE seq = @seq AND volume_id = @volume_id"),
      markVolumeDeleted: p("UPDATE ebs_volumes SET deleted_at = ? WHERE seq = ? AND volume_id = ?"),
      usageOfScope: p("SELECT volume_type, SUM(size) AS size, COALESCE(SUM(iops), 0) AS iops FROM ebs_volumes WHERE account = ? AND region = ? AND deleted_at IS NULL GROUP BY volume_type"),
      insertAttachment: p(`INSERT INTO ebs_attachments (volume_id, instance_id, account, region, device, attach_time, attached_at, detach_at, detached_at, delete_on_termination, is_root)
        VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`),
      // Which attachments a volume or an instance has is read from the mirror (LiveAttachments);
      // these read its rows and write a row found there by its rowid.
      liveAttachments: p("SELECT rowid AS seq, * FROM ebs_attachments WHERE detached_at IS NULL OR detached_at > ? ORDER BY rowid"),
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
      setAutoEnableIo: p("UPDATE ebs_volumes SET auto_enable_io = ? WHERE seq = ? AND volume_id = ?"),
    };
    const usageOfScope = this.s.usageOfScope!;
    const liveAttachments = this.s.liveAttachments!;
    this.liveAttachments = new LiveAttachments(env.db, (now) => liveAttachments.all(now) as LiveAttachment[]);
    const volumeSeqs = this.s.volumeSeqs!;
    this.volumeSeqs = new VolumeSeqs(env.db, () => volumeSeqs.all() as { seq: number; volume_id: string }[]);
    this.usageSums = new VolumeUsageSums(env.db, (account, region) => usageOfScope.all(account, region) as { volume_type: string; size: number; iops: number }[]);
  }

  now(): number {
    return this.env.clock.now();
  }

  // ---- volumes

  insertVolume(row: VolumeRow, tags: Tag[] = []): void {
    // Ids were unique by the primary key before the table lost it (a collision of 17 random hex digits, never seen).
    if (this.volumeSeqs.seqOf(row.volume_id) !== undefined) throw new Error(`volume ${row.volume_id} exists`);
    // Positional: binding named parameters looks each one up by name, a cost every launch pays.
    const { lastInsertRowid } = this.s.insertVolume!.run(
      row.volume_id, row.account, row.region, row.az, row.size, row.volume_type, row.iops, row.throughput, row.encrypted, row.kms_key_id,
      row.snapshot_id, row.multi_attach, row.created_at, row.ready_at, row.deleted_at, row.client_token, row.request_hash, row.lineage,
    );
    this.volumeSeqs.inserted(row.volume_id, Number(lastInsertRowid));
    if (row.deleted_at === null) this.usageSums.add(row.account, row.region, row.volume_type, row.size, row.iops ?? 0);
    if (tags.length) this.tags.set(row.account, row.region, row.volume_id, "volume", tags);
  }

  /** A volume of this account and region that is not gone yet (deleting ones included). */
  volume(account: string, region: string, volumeId: string): StoredVolume | undefined {
    const seq = this.volumeSeqs.seqOf(volumeId);
    if (seq === undefined) return undefined;
    const row = this.s.getVolume!.get(seq, volumeId, account, region) as StoredVolume | undefined;
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
    this.s.updateVolumeSpec!.run({ ...spec, seq: before.seq, volume_id: before.volume_id });
    this.usageSums.add(before.account, before.region, before.volume_type, -before.size, -(before.iops ?? 0));
    this.usageSums.add(before.account, before.region, spec.volume_type, spec.size, spec.iops ?? 0);
  }

  usage(account: string, region: string, type: string): VolumeUsage {
    return this.usageSums.of(account, region, type);
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
    this.s.markVolumeDeleted!.run(this.now(), row.seq, volumeId);
    if (row.deleted_at === null) this.usageSums.add(row.account, row.region, row.volume_type, -row.size, -(row.iops ?? 0));
    this.tags.deleteAll(row.account, row.region, volumeId);
    this.releaseVolumeBlocks(volumeId);
  }

  setAutoEnableIo(volume: StoredVolume, value: boolean): void {
    this.s.setAutoEnableIo!.run(value ? 1 : 0, volume.seq, volume.volume_id);
  }

  // ---- account settings (encryption by default)

  /** Every volume a launch creates asks for these; they change only through the two setters below. */
  encryptionDefaults(account: string, region: string): EncryptionDefaults {
    return this.cachedRead(this.settingsCache, `${account}|${region}`, this.settingsWrites, () => {
      const row = this.s.accountSettings!.get(account, region) as { encryption_by_default: number; default_kms_key_id: string | null } | undefined;
      return Object.freeze({ enabled: row?.encryption_by_default === 1, kmsKeyId: row?.default_kms_key_id ?? null });
    });
  }

  setEncryptionByDefault(account: string, region: string, enabled: boolean): void {
    this.settingsWrites++;
    this.s.setEncryptionByDefault!.run(account, region, enabled ? 1 : 0);
  }

  setDefaultKmsKey(account: string, region: string, kmsKeyId: string | null): void {
    this.settingsWrites++;
    this.s.setDefaultKmsKey!.run(account, region, kmsKeyId);
  }

  // ---- attachments

  insertAttachment(row: Omit<AttachmentRow, "detach_at" | "detached_at">): void {
    this.attachmentGeneration++;
    const { lastInsertRowid } = this.s.insertAttachment!.run(
      row.volume_id, row.instance_id, row.account, row.region, row.device, row.attach_time, row.attached_at, row.delete_on_termination, row.is_root,
    );
    this.liveAttachments.inserted({
      seq: Number(lastInsertRowid), volume_id: row.volume_id, instance_id: row.instance_id, account: row.account, region: row.region, device: row.device,
      attach_time: row.attach_time, attached_at: row.attached_at, detach_at: null, detached_at: null, delete_on_termination: row.delete_on_termination, is_root: row.is_root,
    });
  }

  /**
   * Attachments not yet detached (attaching, attached, detaching), by attach time. Rows are shared
   * with the store's mirror: callers never mutate them.
   */
  attachmentsOfVolume(volumeId: string): AttachmentRow[] {
    return this.liveAttachments.ofVolume(volumeId, this.now());
  }

  /** An instance's attachments not yet detached: by attach time, the root first, then as written. */
  attachmentsOfInstance(account: string, region: string, instanceId: string): AttachmentRow[] {
    return this.liveAttachments.ofInstance(account, region, instanceId, this.now());
  }

  /** Every live attachment of an account and region, by volume: one pass for a whole DescribeVolumes. */
  attachmentsByVolume(account: string, region: string): Map<string, AttachmentRow[]> {
    const out = new Map<string, AttachmentRow[]>();
    for (const row of this.attachmentsOfScope(account, region)) {
      const list = out.get(row.volume_id);
      if (list) list.push(row);
      else out.set(row.volume_id, [row]);
    }
    return out;
  }

  /**
   * Live attachments by instance, for the listed instances or every instance of an account and
   * region: one pass for a whole DescribeInstances. Each list is in attachmentsOfInstance's order.
   * The map of a whole scope may be shared between calls (the same object while nothing it holds
   * has changed, states included): callers never mutate it.
   */
  attachmentsByInstance(account: string, region: string, instanceIds?: readonly string[]): Map<string, AttachmentRow[]> {
    const now = this.now();
    const key = `${account}|${region}`;
    const generation = this.attachmentGeneration;
    if (!instanceIds) {
      const hit = this.scopeByInstance.get(key);
      if (hit && hit.generation === generation && now >= hit.from && now < hit.until) return hit.byInstance;
    }
    let rows: AttachmentRow[];
    if (instanceIds) {
      rows = [];
      for (const instanceId of new Set(instanceIds)) for (const row of this.liveAttachments.ofInstance(account, region, instanceId, now)) rows.push(row);
    } else {
      rows = this.attachmentsOfScope(account, region);
    }
    const out = new Map<string, AttachmentRow[]>();
    let until = Infinity;
    for (const row of rows) {
      const list = out.get(row.instance_id);
      if (list) list.push(row);
      else out.set(row.instance_id, [row]);
      until = Math.min(until, nextStateChange(row, now));
    }
    if (!instanceIds && !this.env.db.sql.inTransaction) this.scopeByInstance.set(key, { generation, from: now, until, byInstance: out });
    return out;
  }

  private attachmentsOfScope(account: string, region: string): AttachmentRow[] {
    return this.liveAttachments.ofScope(account, region, this.now());
  }


  /** After the database was emptied (a platform reset). */
  forgetCached(): void {
    this.snapshotsChanged();
    this.settingsWrites++;
    this.usageSums.clear();
    this.scopeByInstance.clear();
    this.liveAttachments.clear();
    this.volumeSeqs.clear();
    this.attachmentGeneration++;
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
    this.attachmentGeneration++;
    for (const row of this.liveAttachments.ofVolume(volumeId, now)) {
      if (row.instance_id !== instanceId || row.detached_at !== null) continue;
      const detached: LiveAttachment = { ...row, detach_at: now, detached_at: now + durationMs };
      this.s.detachAttachment!.run(detached.detach_at, detached.detached_at, row.seq);
      this.liveAttachments.replaced(row, detached);
    }
  }

  setDeleteOnTermination(account: string, region: string, instanceId: string, device: string, value: boolean): boolean {
    const now = this.now();
    this.attachmentGeneration++;
    let changed = false;
    for (const row of this.liveAttachments.ofInstance(account, region, instanceId, now)) {
      if (row.device !== device || row.detached_at !== null) continue;
      this.s.setDeleteOnTermination!.run(value ? 1 : 0, row.seq);
      this.liveAttachments.replaced(row, { ...row, delete_on_termination: value ? 1 : 0 });
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
    const old = this.volumeBlock(volumeId, index);
    this.s.replaceVolumeBlock!.run(volumeId, index, blobId, checksum);
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
    this.snapshotsChanged();
    for (const block of this.volumeBlocks(volumeId)) {
      this.s.insertSnapshotBlock!.run(snapshotId, block.block_index, block.blob_id, block.checksum, 0);
      this.env.blobs.retain(block.blob_id);
    }
  }

  copySnapshotBlocks(fromSnapshotId: string, toSnapshotId: string): void {
    this.snapshotsChanged();
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
    this.snapshotsChanged();
    this.s.insertSnapshot!.run(row);
    if (tags.length) this.tags.set(row.account, row.region, row.snapshot_id, "snapshot", tags);
  }

  snapshot(region: string, snapshotId: string): SnapshotRow | undefined {
    return this.cachedRead(this.snapshotCache, `${region}|${snapshotId}`, this.snapshotWrites, () => {
      const row = this.s.getSnapshot!.get(snapshotId, region) as SnapshotRow | undefined;
      return row && Object.freeze(row);
    });
  }

  private snapshotsChanged(): void {
    this.snapshotWrites++;
  }

  /** A cached read while no write of its kind (`writes`, the kind's counter) and no rollback happened since it was made; else read again. */
  private cachedRead<T>(cache: Map<string, CacheEntry<T>>, key: string, writes: number, read: () => T): T {
    const hit = cache.get(key);
    if (hit && hit.writes === writes && hit.rollbacks === this.env.db.rollbacks) return hit.value;
    const value = read();
    if (cache.size >= READ_CACHE_LIMIT) cache.clear();
    cache.set(key, { writes, rollbacks: this.env.db.rollbacks, value });
    return value;
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
    this.snapshotsChanged();
    this.s.completeSnapshot!.run(atMs, snapshotId);
  }

  failSnapshot(snapshotId: string): void {
    this.snapshotsChanged();
    this.s.failSnapshot!.run(snapshotId);
  }

  setPermissions(snapshotId: string, permissions: string[]): void {
    this.snapshotsChanged();
    this.s.setPermissions!.run(JSON.stringify(permissions), snapshotId);
  }

  deleteSnapshot(row: SnapshotRow): void {
    const snapshotId = row.snapshot_id;
    this.tags.deleteAll(row.account, row.region, snapshotId);
    for (const block of this.snapshotBlocks(snapshotId)) this.env.blobs.release(block.blob_id);
    this.snapshotsChanged();
    this.s.deleteSnapshotBlocks!.run(snapshotId);
    this.s.deleteSnapshot!.run(snapshotId);
  }

  snapshotBlocks(snapshotId: string): readonly BlockRow[] {
    return this.cachedRead(this.snapshotBlockCache, snapshotId, this.snapshotWrites, () => {
      const blocks = this.s.snapshotBlocks!.all(snapshotId) as BlockRow[];
      for (const block of blocks) Object.freeze(block);
      return Object.freeze(blocks);
    });
  }

  snapshotBlocksFrom(snapshotId: string, fromIndex: number, limit: number): BlockRow[] {
    return this.s.snapshotBlocksFrom!.all(snapshotId, fromIndex, limit) as BlockRow[];
  }

  snapshotBlock(snapshotId: string, index: number): BlockRow | undefined {
    return this.s.getSnapshotBlock!.get(snapshotId, index) as BlockRow | undefined;
  }

  /** Stores a block written through PutSnapshotBlock, freeing the blob it replaces. */
  writeSnapshotBlock(snapshotId: string, index: number, blobId: string, checksum: string): void {
    const old = this.snapshotBlock(snapshotId, index);
    this.snapshotsChanged();
    this.s.replaceSnapshotBlock!.run(snapshotId, index, blobId, checksum);
    this.env.blobs.retain(blobId);
    if (old) this.env.blobs.release(old.blob_id);
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

/** The first moment after `now` at which an attachment's derived state (or its being listed at all) changes. */
function nextStateChange(row: AttachmentRow, now: number): number {
  let next = Infinity;
  if (row.attached_at > now) next = row.attached_at;
  if (row.detach_at !== null && row.detach_at > now) next = Math.min(next, row.detach_at);
  if (row.detached_at !== null && row.detached_at > now) next = Math.min(next, row.detached_at);
  return next;
}

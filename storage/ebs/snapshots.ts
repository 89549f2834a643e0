import type {
  CopySnapshotRequest, CopySnapshotResult, CreateSnapshotRequest, DeleteSnapshotRequest, DescribeSnapshotAttributeRequest,
  DescribeSnapshotAttributeResult, DescribeSnapshotsRequest, DescribeSnapshotsResult, ModifySnapshotAttributeRequest, ResetSnapshotAttributeRequest,
  Snapshot, Tag,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { resourceId } from "../state/ids.js";
import { REGIONS } from "../../compute/ec2/regions.js";
import type { EbsStore } from "./store.js";
import type { SnapshotRow, VolumeRow } from "./schema.js";
import { EbsErrors } from "./errors.js";
import { checkIdFormat, compileFilters, dryRun, paginate, tagsFor } from "./ec2-query.js";
import { snapshotView } from "./views.js";
import { AMAZON_OWNER_ID, canUseSnapshot, snapshotPermissions } from "./snapshot-access.js";
import { resolveEncryption } from "./encryption.js";

/** The volume id AWS shows on snapshots that did not come from a volume of this account (copies, direct API). */
export const UNKNOWN_VOLUME_ID = "vol-ffffffff";

/** Answers which AMI (if any) is registered with a snapshot, so DeleteSnapshot can refuse; EC2 provides it once AMIs exist. */
export type SnapshotUsage = (account: string, region: string, snapshotId: string) => string | undefined;

const SNAPSHOT_FILTERS: Record<string, (s: Snapshot) => unknown[]> = {
  description: (s) => [s.Description],
  encrypted: (s) => [s.Encrypted],
  "owner-alias": (s) => [s.OwnerAlias],
  "owner-id": (s) => [s.OwnerId],
  progress: (s) => [s.Progress],
  "snapshot-id": (s) => [s.SnapshotId],
  "start-time": (s) => [s.StartTime],
  status: (s) => [s.State],
  "storage-tier": (s) => [s.StorageTier],
  "volume-id": (s) => [s.VolumeId],
  "volume-size": (s) => [s.VolumeSize],
  "kms-key-id": (s) => [s.KmsKeyId],
};

export function findSnapshot(store: EbsStore, account: string, region: string, snapshotId: string): SnapshotRow {
  checkIdFormat([snapshotId], "snap", "InvalidSnapshotID.Malformed");
  const row = store.snapshot(region, snapshotId);
  if (!row || !canUseSnapshot(row, account)) throw EbsErrors.snapshotNotFound([snapshotId]);
  return row;
}

function ownedSnapshot(store: EbsStore, ctx: OperationContext, snapshotId: string): SnapshotRow {
  const row = findSnapshot(store, ctx.account, ctx.region, snapshotId);
  if (row.account !== ctx.account) throw new ServiceError("UnauthorizedOperation", `You are not authorized to perform this operation on snapshot ${snapshotId}.`, { status: 403 });
  return row;
}

function checkSnapshotQuota(store: EbsStore, account: string, region: string): void {
  if (store.snapshotCount(account, region) >= store.quotas.snapshots) {
    throw new ServiceError("SnapshotLimitExceeded", `You have reached the limit of ${store.quotas.snapshots} snapshots in this region.`);
  }
}

/** The per-volume rate (one snapshot per 15 s) and the region's snapshot quota. */
export function checkSnapshotAllowed(store: EbsStore, ctx: OperationContext, volume: VolumeRow): void {
  const last = store.lastSnapshotOfVolume(volume.volume_id);
  if (last && store.now() - last.started_at < store.timings.snapshotIntervalMs) {
    throw new ServiceError("SnapshotCreationPerVolumeRateExceeded", "The maximum per volume CreateSnapshot request rate has been exceeded. Use an increasing or variable sleep interval between requests.");
  }
  checkSnapshotQuota(store, ctx.account, ctx.region);
}

/** A point-in-time snapshot of a volume: its block map is copied now, its bytes are shared. */
export function takeSnapshot(store: EbsStore, ctx: OperationContext, volume: VolumeRow, description: string, tags: Tag[]): string {
  const now = store.now();
  const snapshotId = resourceId("snap");
  store.insertSnapshot({
    snapshot_id: snapshotId, account: ctx.account, region: ctx.region, volume_id: volume.volume_id, volume_size: volume.size,
    description, encrypted: volume.encrypted, kms_key_id: volume.kms_key_id, started_at: now,
    complete_at: now + store.timings.snapshotMs, timeout_at: null, source: "volume", parent_snapshot_id: null,
    lineage: volume.lineage, client_token: null, request_hash: null,
  }, tags);
  store.copyVolumeBlocksToSnapshot(volume.volume_id, snapshotId);
  return snapshotId;
}

export function snapshotHandlers(store: EbsStore, usage: () => SnapshotUsage | undefined) {
  const { db } = store.env;
  return {
    CreateSnapshot(input: CreateSnapshotRequest, ctx: OperationContext): Snapshot {
      const volumeId = input.VolumeId!;
      checkIdFormat([volumeId], "vol", "InvalidVolumeID.Malformed");
      return db.transaction(() => {
        const volume = store.volume(ctx.account, ctx.region, volumeId);
        if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([volumeId]);
        const state = store.volumeState(volume);
        if (state === "creating") throw EbsErrors.volumeIncorrectState(volumeId, state);
        const tags = tagsFor(input.TagSpecifications, "snapshot");
        checkSnapshotAllowed(store, ctx, volume);
        dryRun(input);
        const snapshotId = takeSnapshot(store, ctx, volume, input.Description ?? "", tags);
        return snapshotView(store, store.snapshot(ctx.region, snapshotId)!);
      });
    },

    CopySnapshot(input: CopySnapshotRequest, ctx: OperationContext): CopySnapshotResult {
      const sourceRegion = input.SourceRegion!;
      if (!(REGIONS as readonly string[]).includes(sourceRegion)) throw new ServiceError("InvalidParameterValue", `Invalid value '${sourceRegion}' for SourceRegion.`);
      return db.transaction(() => {
        const source = findSnapshot(store, ctx.account, sourceRegion, input.SourceSnapshotId!);
        const state = store.snapshotState(source);
        if (state !== "completed") throw EbsErrors.snapshotInvalidState(state);
        const encryption = resolveEncryption(store, ctx.account, ctx.region, {
          encrypted: input.Encrypted, kmsKeyId: input.KmsKeyId, sourceEncrypted: source.encrypted === 1, sourceKmsKeyId: sourceRegion === ctx.region ? source.kms_key_id : null,
        });
        const tags = tagsFor(input.TagSpecifications, "snapshot");
        checkSnapshotQuota(store, ctx.account, ctx.region);
        dryRun(input);
        const now = store.now();
        const snapshotId = resourceId("snap");
        store.insertSnapshot({
          snapshot_id: snapshotId, account: ctx.account, region: ctx.region, volume_id: UNKNOWN_VOLUME_ID, volume_size: source.volume_size,
          description: input.Description ?? `[Copied ${source.snapshot_id} from ${sourceRegion}]`, encrypted: encryption.encrypted ? 1 : 0,
          kms_key_id: encryption.kmsKeyId,
          started_at: now, complete_at: now + store.timings.snapshotMs, timeout_at: null, source: "copy", parent_snapshot_id: null,
          lineage: source.lineage, client_token: null, request_hash: null,
        }, tags);
        store.copySnapshotBlocks(source.snapshot_id, snapshotId);
        return { SnapshotId: snapshotId, Tags: tags.length ? tags : undefined };
      });
    },

    DeleteSnapshot(input: DeleteSnapshotRequest, ctx: OperationContext): Record<string, never> {
      return db.transaction(() => {
        const row = ownedSnapshot(store, ctx, input.SnapshotId!);
        const imageId = usage()?.(ctx.account, ctx.region, row.snapshot_id);
        if (imageId) throw new ServiceError("InvalidSnapshot.InUse", `The snapshot ${row.snapshot_id} is currently in use by ${imageId}`);
        dryRun(input);
        store.deleteSnapshot(row);
        return {};
      });
    },

    DescribeSnapshots(input: DescribeSnapshotsRequest, ctx: OperationContext): DescribeSnapshotsResult {
      const ids = input.SnapshotIds;
      checkIdFormat(ids, "snap", "InvalidSnapshotID.Malformed");
      const owners = input.OwnerIds?.map((o) => (o === "self" ? ctx.account : o === "amazon" ? AMAZON_OWNER_ID : o));
      const restorable = input.RestorableByUserIds?.map((u) => (u === "self" ? ctx.account : u));
      let rows = store.snapshotsOfRegion(ctx.region).filter((r) => canUseSnapshot(r, ctx.account));
      if (ids?.length) {
        const missing = ids.filter((id) => !rows.some((r) => r.snapshot_id === id));
        if (missing.length) throw EbsErrors.snapshotNotFound(missing);
        rows = rows.filter((r) => ids.includes(r.snapshot_id));
      }
      if (owners?.length) rows = rows.filter((r) => owners.includes(r.account));
      if (restorable?.length) {
        rows = rows.filter((r) => restorable.some((user) => (user === "all" ? snapshotPermissions(r).includes("all") : canUseSnapshot(r, user))));
      }
      const match = compileFilters(input.Filters, SNAPSHOT_FILTERS, (s: Snapshot) => s.Tags ?? []);
      dryRun(input);
      const tagsByOwner = new Map<string, Map<string, Map<string, string>>>();
      const tagsOf = (r: SnapshotRow) => {
        let owned = tagsByOwner.get(r.account);
        if (!owned) tagsByOwner.set(r.account, (owned = store.tags.tagsOfType(r.account, ctx.region, "snapshot")));
        return owned.get(r.snapshot_id) ?? new Map<string, string>();
      };
      const snapshots = rows.map((r) => snapshotView(store, r, tagsOf(r))).filter(match);
      const { page, nextToken } = paginate(snapshots, input, { min: 5, max: 1000, ids, idsParam: "snapshotSet", keyOf: (s) => s.SnapshotId! });
      return nextToken ? { Snapshots: page, NextToken: nextToken } : { Snapshots: page };
    },

    ModifySnapshotAttribute(input: ModifySnapshotAttributeRequest, ctx: OperationContext): Record<string, never> {
      return db.transaction(() => {
        const row = ownedSnapshot(store, ctx, input.SnapshotId!);
        if (input.Attribute !== undefined && input.Attribute !== "createVolumePermission") {
          throw new ServiceError("InvalidParameterValue", `Value (${input.Attribute}) for parameter attribute is invalid. Only createVolumePermission can be modified.`);
        }
        const add = [...(input.CreateVolumePermission?.Add ?? []).map((p) => p.UserId ?? (p.Group === "all" ? "all" : undefined)), ...(input.OperationType !== "remove" ? input.UserIds ?? [] : []), ...(input.OperationType !== "remove" ? (input.GroupNames ?? []).map(() => "all") : [])];
        const remove = [...(input.CreateVolumePermission?.Remove ?? []).map((p) => p.UserId ?? (p.Group === "all" ? "all" : undefined)), ...(input.OperationType === "remove" ? input.UserIds ?? [] : []), ...(input.OperationType === "remove" ? (input.GroupNames ?? []).map(() => "all") : [])];
        if (add.includes("all") && row.encrypted) throw new ServiceError("InvalidParameterValue", "Encrypted snapshots with EBS default key cannot be shared");
        dryRun(input);
        const permissions = new Set(snapshotPermissions(row));
        for (const a of add) if (a) permissions.add(a);
        for (const r of remove) if (r) permissions.delete(r);
        store.setPermissions(row.snapshot_id, [...permissions]);
        return {};
      });
    },

    DescribeSnapshotAttribute(input: DescribeSnapshotAttributeRequest, ctx: OperationContext): DescribeSnapshotAttributeResult {
      const row = ownedSnapshot(store, ctx, input.SnapshotId!);
      dryRun(input);
      if (input.Attribute === "productCodes") return { SnapshotId: row.snapshot_id, ProductCodes: [] };
      return { SnapshotId: row.snapshot_id, CreateVolumePermissions: snapshotPermissions(row).map((p) => (p === "all" ? { Group: "all" } : { UserId: p })) };
    },

    ResetSnapshotAttribute(input: ResetSnapshotAttributeRequest, ctx: OperationContext): Record<string, never> {
      return db.transaction(() => {
        const row = ownedSnapshot(store, ctx, input.SnapshotId!);
        dryRun(input);
        store.setPermissions(row.snapshot_id, []);
        return {};
      });
    },
  };
}

import type {
  CreateVolumeRequest, DeleteVolumeRequest, DescribeVolumesModificationsRequest, DescribeVolumesModificationsResult,
  DescribeVolumesRequest, DescribeVolumesResult, DescribeVolumeStatusRequest, DescribeVolumeStatusResult, ModifyVolumeRequest, ModifyVolumeResult,
  Tag, Volume, VolumeModification, VolumeStatusItem,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { resourceId } from "../state/ids.js";
import { requestFingerprint } from "../state/request-fingerprint.js";
import { availabilityZonesOf } from "../../compute/ec2/regions.js";
import type { EbsStore } from "./store.js";
import type { SnapshotRow, StoredVolume, VolumeRow } from "./schema.js";
import { EbsErrors } from "./errors.js";
import { checkIdFormat, compileFilters, dryRun, paginate, tagsFor } from "./ec2-query.js";
import { validateVolumeSpec, volumeTypeRule } from "./volume-types.js";
import type { VolumeSpecView } from "./views.js";
import { effectiveSpec, modificationView, specOf, volumeView } from "./views.js";
import { canUseSnapshot } from "./snapshot-access.js";
import { resolveEncryption } from "./encryption.js";

export interface NewVolume {
  account: string;
  region: string;
  az: string;
  size?: number | undefined;
  type?: string | undefined;
  iops?: number | undefined;
  throughput?: number | undefined;
  encrypted?: boolean | undefined;
  kmsKeyId?: string | undefined;
  snapshotId?: string | undefined;
  multiAttach?: boolean | undefined;
  tags?: Tag[];
  clientToken?: string | undefined;
  requestHash?: string | undefined;
  /** Launch volumes exist at once; CreateVolume's are `creating` for a while. */
  readyAt?: number;
  /** The row of `snapshotId` when the caller has just read it (a launch), so it is not read twice. */
  snapshotRow?: SnapshotRow | undefined;
}

/** Validates and plans a volume (size, type, performance, snapshot, quotas) without writing anything. */
export interface VolumePlan {
  row: VolumeRow;
  snapshot: SnapshotRow | undefined;
  tags: Tag[];
}

export function planVolume(store: EbsStore, spec: NewVolume): VolumePlan {
  let snapshot: SnapshotRow | undefined;
  if (spec.snapshotId !== undefined) {
    checkIdFormat([spec.snapshotId], "snap", "InvalidSnapshotID.Malformed");
    snapshot = spec.snapshotRow?.snapshot_id === spec.snapshotId && spec.snapshotRow.region === spec.region ? spec.snapshotRow : store.snapshot(spec.region, spec.snapshotId);
    if (!snapshot || !canUseSnapshot(snapshot, spec.account)) throw EbsErrors.snapshotNotFound([spec.snapshotId]);
    const state = store.snapshotState(snapshot);
    if (state !== "completed") throw EbsErrors.snapshotInvalidState(state);
  } else if (spec.size === undefined) {
    throw new ServiceError("MissingParameter", "The request must contain the parameter size or snapshotId");
  }
  const size = spec.size ?? snapshot!.volume_size;
  if (snapshot && size < snapshot.volume_size) {
    throw new ServiceError("InvalidParameterValue", `Volume of ${size}GiB is smaller than snapshot '${snapshot.snapshot_id}', expect size >= ${snapshot.volume_size}GiB`);
  }
  const type = spec.type ?? "gp2";
  const performance = validateVolumeSpec({ size, type, iops: spec.iops, throughput: spec.throughput, multiAttach: spec.multiAttach });
  const encryption = resolveEncryption(store, spec.account, spec.region, {
    encrypted: spec.encrypted, kmsKeyId: spec.kmsKeyId, sourceEncrypted: snapshot?.encrypted === 1, sourceKmsKeyId: snapshot?.kms_key_id,
  });
  checkQuota(store, spec.account, spec.region, type, size, performance.iops ?? 0);
  const now = store.now();
  const volumeId = resourceId("vol");
  const row: VolumeRow = {
    volume_id: volumeId,
    account: spec.account,
    region: spec.region,
    az: spec.az,
    size,
    volume_type: type,
    iops: performance.iops,
    throughput: performance.throughput,
    encrypted: encryption.encrypted ? 1 : 0,
    kms_key_id: encryption.kmsKeyId,
    snapshot_id: snapshot?.snapshot_id ?? null,
    multi_attach: spec.multiAttach ? 1 : 0,
    created_at: now,
    ready_at: spec.readyAt ?? now + store.timings.volumeCreateMs,
    deleted_at: null,
    client_token: spec.clientToken ?? null,
    request_hash: spec.requestHash ?? null,
    lineage: snapshot?.lineage ?? volumeId,
  };
  return { row, snapshot, tags: spec.tags ?? [] };
}

export function insertPlannedVolume(store: EbsStore, plan: VolumePlan): void {
  store.insertVolume(plan.row, plan.tags);
  if (plan.snapshot) store.copySnapshotBlocksToVolume(plan.snapshot.snapshot_id, plan.row.volume_id);
}

function checkQuota(store: EbsStore, account: string, region: string, type: string, addSize: number, addIops: number): void {
  const usage = store.usage(account, region, type);
  const limit = store.quotas.storageGiB[type];
  if (limit !== undefined && usage.size + addSize > limit) {
    throw new ServiceError("VolumeLimitExceeded", `You have exceeded your maximum ${type} storage limit of ${limit} GiB in this region. Request a quota increase or delete unused volumes.`);
  }
  const iopsLimit = store.quotas.iops[type];
  if (iopsLimit !== undefined && usage.iops + addIops > iopsLimit) {
    throw new ServiceError("MaxIOPSLimitExceeded", `You have exceeded your maximum ${type} IOPS limit of ${iopsLimit} in this region.`);
  }
}

function findVolumeOrThrow(store: EbsStore, ctx: OperationContext, volumeId: string): StoredVolume {
  checkIdFormat([volumeId], "vol", "InvalidVolumeID.Malformed");
  const row = store.volume(ctx.account, ctx.region, volumeId);
  if (!row || row.deleted_at !== null) throw EbsErrors.volumeNotFound([volumeId]);
  return row;
}

const VOLUME_FILTERS: Record<string, (v: Volume) => unknown[]> = {
  "attachment.attach-time": (v) => v.Attachments?.map((a) => a.AttachTime) ?? [],
  "attachment.delete-on-termination": (v) => v.Attachments?.map((a) => a.DeleteOnTermination) ?? [],
  "attachment.device": (v) => v.Attachments?.map((a) => a.Device) ?? [],
  "attachment.instance-id": (v) => v.Attachments?.map((a) => a.InstanceId) ?? [],
  "attachment.status": (v) => v.Attachments?.map((a) => a.State) ?? [],
  "availability-zone": (v) => [v.AvailabilityZone],
  "create-time": (v) => [v.CreateTime],
  encrypted: (v) => [v.Encrypted],
  "fast-restored": () => [false],
  "multi-attach-enabled": (v) => [v.MultiAttachEnabled],
  size: (v) => [v.Size],
  "snapshot-id": (v) => [v.SnapshotId],
  status: (v) => [v.State],
  "volume-id": (v) => [v.VolumeId],
  "volume-type": (v) => [v.VolumeType],
  iops: (v) => [v.Iops],
  throughput: (v) => [v.Throughput],
};

export function volumeHandlers(store: EbsStore) {
  const { db } = store.env;
  return {
    CreateVolume(input: CreateVolumeRequest, ctx: OperationContext): Volume {
      const zones = availabilityZonesOf(ctx.region);
      let az = input.AvailabilityZone;
      if (az === undefined && input.AvailabilityZoneId !== undefined) {
        az = zones.find((z) => z.id === input.AvailabilityZoneId)?.name;
        if (!az) throw new ServiceError("InvalidZone.NotFound", `The zone ID '${input.AvailabilityZoneId}' does not exist.`);
      }
      if (az === undefined) throw new ServiceError("MissingParameter", "The request must contain the parameter AvailabilityZone");
      if (!zones.some((z) => z.name === az)) throw new ServiceError("InvalidZone.NotFound", `The zone '${az}' does not exist.`);
      const hash = requestFingerprint(input);
      return db.transaction(() => {
        if (input.ClientToken) {
          const existing = store.volumeByToken(ctx.account, ctx.region, input.ClientToken);
          if (existing) {
            if (existing.request_hash !== hash) throw new ServiceError("IdempotentParameterMismatch", `The client token '${input.ClientToken}' was already used with different parameters.`);
            dryRun(input);
            return volumeView(store, existing);
          }
        }
        const tags = tagsFor(input.TagSpecifications, "volume");
        const plan = planVolume(store, {
          account: ctx.account, region: ctx.region, az, size: input.Size, type: input.VolumeType, iops: input.Iops, throughput: input.Throughput,
          encrypted: input.Encrypted, kmsKeyId: input.KmsKeyId, snapshotId: input.SnapshotId, multiAttach: input.MultiAttachEnabled, tags,
          clientToken: input.ClientToken, requestHash: hash,
        });
        dryRun(input);
        insertPlannedVolume(store, plan);
        return volumeView(store, plan.row, [], new Map((plan.tags).map((t) => [t.Key!, t.Value ?? ""])));
      });
    },

    DeleteVolume(input: DeleteVolumeRequest, ctx: OperationContext): Record<string, never> {
      return db.transaction(() => {
        const row = findVolumeOrThrow(store, ctx, input.VolumeId!);
        const attachments = store.attachmentsOfVolume(row.volume_id);
        const state = store.volumeState(row, attachments);
        if (state === "in-use") throw EbsErrors.volumeInUse(row.volume_id, attachments[0]!.instance_id);
        if (state !== "available") throw EbsErrors.volumeIncorrectState(row.volume_id, state);
        dryRun(input);
        store.deleteVolume(row);
        return {};
      });
    },

    DescribeVolumes(input: DescribeVolumesRequest, ctx: OperationContext): DescribeVolumesResult {
      const ids = input.VolumeIds;
      checkIdFormat(ids, "vol", "InvalidVolumeID.Malformed");
      const match = compileFilters(input.Filters, VOLUME_FILTERS, (v: Volume) => v.Tags ?? []);
      let rows = store.volumes(ctx.account, ctx.region);
      if (ids?.length) {
        const wanted = new Set(ids);
        rows = rows.filter((r) => wanted.has(r.volume_id));
        const missing = ids.filter((id) => !rows.some((r) => r.volume_id === id));
        if (missing.length) throw EbsErrors.volumeNotFound(missing);
      }
      dryRun(input);
      const tags = store.tags.tagsOfType(ctx.account, ctx.region, "volume");
      const attachments = store.attachmentsByVolume(ctx.account, ctx.region);
      const modifications = store.latestModifications(ctx.account, ctx.region);
      const volumes = rows.map((r) => volumeView(store, r, attachments.get(r.volume_id) ?? [], tags.get(r.volume_id) ?? new Map(), modifications.get(r.volume_id))).filter(match);
      const { page, nextToken } = paginate(volumes, input, { min: 5, max: 500, ids, idsParam: "volumeSet", keyOf: (v) => v.VolumeId! });
      return nextToken ? { Volumes: page, NextToken: nextToken } : { Volumes: page };
    },

    ModifyVolume(input: ModifyVolumeRequest, ctx: OperationContext): ModifyVolumeResult {
      return db.transaction(() => {
        const row = findVolumeOrThrow(store, ctx, input.VolumeId!);
        const state = store.volumeState(row);
        if (state !== "available" && state !== "in-use") throw EbsErrors.volumeIncorrectState(row.volume_id, state);
        const now = store.now();
        const last = store.lastModification(row.volume_id);
        if (last && now < last.completed_at) {
          throw new ServiceError("IncorrectModificationState", `Cannot modify volume ${row.volume_id} as the previous modification is not yet complete.`);
        }
        if (last && now < last.started_at + store.timings.modificationCooldownMs) {
          throw new ServiceError("VolumeModificationRateExceeded", "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.");
        }
        const original = specOf(row);
        const type = input.VolumeType ?? original.type;
        const rule = volumeTypeRule(type);
        const size = input.Size ?? original.size;
        if (size < original.size) throw new ServiceError("InvalidParameterValue", "New size cannot be smaller than existing size");
        const keepIops = rule.iops !== "none" && input.Iops === undefined && original.iops !== null && (type === original.type || rule.iops === "required");
        const keepThroughput = rule.throughput && input.Throughput === undefined && original.throughput !== null;
        const multiAttach = input.MultiAttachEnabled ?? original.multiAttach;
        const attachments = store.attachmentsOfVolume(row.volume_id);
        if (input.MultiAttachEnabled !== undefined && input.MultiAttachEnabled !== original.multiAttach && attachments.length > 0) {
          throw new ServiceError("InvalidParameterCombination", "Multi-Attach can be enabled or disabled only while the volume is not attached.");
        }
        if (original.multiAttach && type !== original.type) throw new ServiceError("InvalidParameterCombination", "The volume type of a Multi-Attach enabled volume cannot be changed.");
        if (!rule.bootable && attachments.some((a) => a.is_root === 1)) {
          throw new ServiceError("InvalidParameterValue", `The volume type ${type} is not supported for root volumes.`);
        }
        const performance = validateVolumeSpec({
          size, type, iops: input.Iops ?? (keepIops ? original.iops! : undefined), throughput: input.Throughput ?? (keepThroughput ? original.throughput! : undefined), multiAttach,
        });
        const target: VolumeSpecView = { size, type, iops: performance.iops, throughput: performance.throughput, multiAttach };
        if (JSON.stringify(target) === JSON.stringify(original)) throw new ServiceError("InvalidParameterCombination", "No modification required: the requested configuration matches the current one.");
        checkQuota(store, ctx.account, ctx.region, type, type === original.type ? size - original.size : size, type === original.type ? (performance.iops ?? 0) - (original.iops ?? 0) : performance.iops ?? 0);
        dryRun(input);
        const optimizingAt = now + store.timings.modifyingMs;
        const modification = { volume_id: row.volume_id, started_at: now, optimizing_at: optimizingAt, completed_at: optimizingAt + store.timings.optimizingMs, original: JSON.stringify(original), target: JSON.stringify(target) };
        store.insertModification(modification);
        store.updateVolumeSpec(row, { size, volume_type: type, iops: performance.iops, throughput: performance.throughput, multi_attach: multiAttach ? 1 : 0 });
        return { VolumeModification: modificationView(store, modification) };
      });
    },

    DescribeVolumesModifications(input: DescribeVolumesModificationsRequest, ctx: OperationContext): DescribeVolumesModificationsResult {
      checkIdFormat(input.VolumeIds, "vol", "InvalidVolumeID.Malformed");
      for (const id of input.VolumeIds ?? []) if (!store.volume(ctx.account, ctx.region, id)) throw EbsErrors.volumeNotFound([id]);
      const latest = new Map<string, ReturnType<typeof modificationView>>();
      for (const m of store.modifications(ctx.account, ctx.region)) latest.set(m.volume_id, modificationView(store, m));
      let items = [...latest.values()];
      if (input.VolumeIds?.length) {
        const never = input.VolumeIds.find((id) => !latest.has(id));
        if (never) throw new ServiceError("InvalidVolumeModification.NotFound", `Modification for volume '${never}' does not exist.`);
        items = items.filter((m) => input.VolumeIds!.includes(m.VolumeId!));
      }
      const match = compileFilters(input.Filters, {
        "modification-state": (m: VolumeModification) => [m.ModificationState],
        "volume-id": (m) => [m.VolumeId],
        "original-size": (m) => [m.OriginalSize],
        "original-volume-type": (m) => [m.OriginalVolumeType],
        "original-iops": (m) => [m.OriginalIops],
        "original-throughput": (m) => [m.OriginalThroughput],
        "original-multi-attach-enabled": (m) => [m.OriginalMultiAttachEnabled],
        "target-size": (m) => [m.TargetSize],
        "target-volume-type": (m) => [m.TargetVolumeType],
        "target-iops": (m) => [m.TargetIops],
        "target-throughput": (m) => [m.TargetThroughput],
        "target-multi-attach-enabled": (m) => [m.TargetMultiAttachEnabled],
        "start-time": (m) => [m.StartTime],
      }, () => []);
      dryRun(input);
      const { page, nextToken } = paginate(items.filter(match), input, { min: 1, max: 500, idsParam: "volumeSet", keyOf: (m) => m.VolumeId! });
      return nextToken ? { VolumesModifications: page, NextToken: nextToken } : { VolumesModifications: page };
    },

    DescribeVolumeStatus(input: DescribeVolumeStatusRequest, ctx: OperationContext): DescribeVolumeStatusResult {
      const ids = input.VolumeIds;
      checkIdFormat(ids, "vol", "InvalidVolumeID.Malformed");
      let rows = store.volumes(ctx.account, ctx.region).filter((r) => r.deleted_at === null);
      if (ids?.length) {
        rows = rows.filter((r) => ids.includes(r.volume_id));
        const missing = ids.filter((id) => !rows.some((r) => r.volume_id === id));
        if (missing.length) throw EbsErrors.volumeNotFound(missing);
      }
      const items: VolumeStatusItem[] = rows.map((row) => {
        const spec = effectiveSpec(store, row);
        const ready = store.volumeState(row) !== "creating";
        const provisioned = spec.type === "io1" || spec.type === "io2";
        return {
          VolumeId: row.volume_id,
          AvailabilityZone: row.az,
          VolumeStatus: {
            Status: ready ? "ok" : "insufficient-data",
            Details: [
              { Name: "io-enabled", Status: ready ? "passed" : "insufficient-data" },
              { Name: "io-performance", Status: provisioned ? (ready ? "normal" : "insufficient-data") : "not-applicable" },
            ],
          },
          Actions: [],
          Events: [],
          AttachmentStatuses: [],
        };
      });
      const match = compileFilters(input.Filters, {
        "availability-zone": (v: VolumeStatusItem) => [v.AvailabilityZone],
        "volume-status.status": (v) => [v.VolumeStatus?.Status],
        "volume-status.details-name": (v) => v.VolumeStatus?.Details?.map((d) => d.Name) ?? [],
        "volume-status.details-status": (v) => v.VolumeStatus?.Details?.map((d) => d.Status) ?? [],
        "action.code": () => [],
        "action.description": () => [],
        "action.event-id": () => [],
        "event.description": () => [],
        "event.event-id": () => [],
        "event.event-type": () => [],
        "event.not-after": () => [],
        "event.not-before": () => [],
      }, () => []);
      dryRun(input);
      const { page, nextToken } = paginate(items.filter(match), input, { min: 5, max: 1000, ids, idsParam: "volumeSet", keyOf: (v) => v.VolumeId! });
      return nextToken ? { VolumeStatuses: page, NextToken: nextToken } : { VolumeStatuses: page };
    },
  };
}


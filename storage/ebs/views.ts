import type { Snapshot, Volume, VolumeAttachment, VolumeModification } from "@aws-sdk/client-ec2";
import type { AttachmentRow, ModificationRow, SnapshotRow, VolumeRow } from "./schema.js";
import type { EbsStore } from "./store.js";
import { tagList } from "./resource-tags.js";
import { AMAZON_OWNER_ID } from "./snapshot-access.js";
import { baselineIops } from "./volume-types.js";

/** What a volume's size and performance are at this moment: a modification still `modifying` shows the original. */
export interface VolumeSpecView {
  size: number;
  type: string;
  iops: number | null;
  throughput: number | null;
  multiAttach: boolean;
}

export function specOf(row: VolumeRow): VolumeSpecView {
  return { size: row.size, type: row.volume_type, iops: row.iops, throughput: row.throughput, multiAttach: row.multi_attach === 1 };
}

export function effectiveSpec(store: EbsStore, row: VolumeRow, modification: ModificationRow | undefined = store.lastModification(row.volume_id)): VolumeSpecView {
  if (modification && store.now() < modification.optimizing_at) return JSON.parse(modification.original) as VolumeSpecView;
  return specOf(row);
}

export function attachmentView(store: EbsStore, row: AttachmentRow): VolumeAttachment {
  return {
    VolumeId: row.volume_id,
    InstanceId: row.instance_id,
    Device: row.device,
    State: store.attachmentState(row),
    AttachTime: new Date(row.attach_time),
    DeleteOnTermination: row.delete_on_termination === 1,
  };
}

export function volumeView(
  store: EbsStore, row: VolumeRow, attachments = store.attachmentsOfVolume(row.volume_id), tags = store.tags.tagsOf(row.account, row.region, row.volume_id),
  modification: ModificationRow | undefined = store.lastModification(row.volume_id),
): Volume {
  const spec = effectiveSpec(store, row, modification);
  const volume: Volume = {
    VolumeId: row.volume_id,
    Size: spec.size,
    SnapshotId: row.snapshot_id ?? "",
    AvailabilityZone: row.az,
    State: store.volumeState(row, attachments),
    CreateTime: new Date(row.created_at),
    Attachments: attachments.map((a) => attachmentView(store, a)),
    Encrypted: row.encrypted === 1,
    VolumeType: spec.type as Volume["VolumeType"],
    MultiAttachEnabled: spec.multiAttach,
    Tags: tagList(tags),
  };
  const iops = baselineIops(spec.type, spec.size, spec.iops);
  if (iops !== null) volume.Iops = iops;
  if (spec.throughput !== null) volume.Throughput = spec.throughput;
  if (row.kms_key_id) volume.KmsKeyId = row.kms_key_id;
  if (!volume.Tags?.length) delete volume.Tags;
  return volume;
}

export function modificationView(store: EbsStore, row: ModificationRow): VolumeModification {
  const now = store.now();
  const original = JSON.parse(row.original) as VolumeSpecView;
  const target = JSON.parse(row.target) as VolumeSpecView;
  const state = now < row.optimizing_at ? "modifying" : now < row.completed_at ? "optimizing" : "completed";
  const progress = state === "completed" ? 100 : Math.min(99, Math.floor(((now - row.started_at) / Math.max(1, row.completed_at - row.started_at)) * 100));
  const view: VolumeModification = {
    VolumeId: row.volume_id,
    ModificationState: state,
    TargetSize: target.size,
    TargetVolumeType: target.type as VolumeModification["TargetVolumeType"],
    TargetMultiAttachEnabled: target.multiAttach,
    OriginalSize: original.size,
    OriginalVolumeType: original.type as VolumeModification["OriginalVolumeType"],
    OriginalMultiAttachEnabled: original.multiAttach,
    Progress: progress,
    StartTime: new Date(row.started_at),
  };
  const targetIops = baselineIops(target.type, target.size, target.iops);
  const originalIops = baselineIops(original.type, original.size, original.iops);
  if (targetIops !== null) view.TargetIops = targetIops;
  if (originalIops !== null) view.OriginalIops = originalIops;
  if (target.throughput !== null) view.TargetThroughput = target.throughput;
  if (original.throughput !== null) view.OriginalThroughput = original.throughput;
  if (state === "completed") view.EndTime = new Date(row.completed_at);
  return view;
}

export function snapshotView(store: EbsStore, row: SnapshotRow, tags = store.tags.tagsOf(row.account, row.region, row.snapshot_id)): Snapshot {
  const state = store.snapshotState(row);
  const snapshot: Snapshot = {
    SnapshotId: row.snapshot_id,
    VolumeId: row.volume_id,
    State: state,
    StartTime: new Date(row.started_at),
    Progress: store.snapshotProgress(row),
    OwnerId: row.account,
    ...(row.account === AMAZON_OWNER_ID ? { OwnerAlias: "amazon" } : {}),
    Description: row.description,
    VolumeSize: row.volume_size,
    Encrypted: row.encrypted === 1,
    StorageTier: row.storage_tier as Snapshot["StorageTier"],
    Tags: tagList(tags),
  };
  if (row.kms_key_id) snapshot.KmsKeyId = row.kms_key_id;
  if (state === "completed" && row.complete_at !== null) snapshot.CompletionTime = new Date(row.complete_at);
  if (state === "error") snapshot.StateMessage = "The snapshot could not be completed.";
  if (!snapshot.Tags?.length) delete snapshot.Tags;
  return snapshot;
}

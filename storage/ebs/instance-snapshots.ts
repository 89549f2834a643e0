import type { CreateSnapshotsRequest, CreateSnapshotsResult, DescribeVolumeAttributeRequest, DescribeVolumeAttributeResult, EnableVolumeIORequest, ModifyVolumeAttributeRequest } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { InstanceView } from "../../compute/ec2/instance-view.js";
import type { EbsStore } from "./store.js";
import { EbsErrors } from "./errors.js";
import { checkIdFormat, dryRun, tagsFor } from "./ec2-query.js";
import { checkSnapshotAllowed, takeSnapshot } from "./snapshots.js";
import { snapshotView } from "./views.js";
import { tagList } from "./resource-tags.js";

/**
 * CreateSnapshots (crash-consistent snapshots of every volume of an instance at one instant) and
 * the volume attributes (autoEnableIO, productCodes).
 */
export function instanceSnapshotHandlers(store: EbsStore, instances: InstanceView) {
  const { db } = store.env;
  return {
    CreateSnapshots(input: CreateSnapshotsRequest, ctx: OperationContext): CreateSnapshotsResult {
      const spec = input.InstanceSpecification;
      if (!spec?.InstanceId) throw new ServiceError("MissingParameter", "The request must contain the parameter InstanceSpecification.InstanceId");
      checkIdFormat([spec.InstanceId], "i", "InvalidInstanceID.Malformed");
      checkIdFormat(spec.ExcludeDataVolumeIds, "vol", "InvalidVolumeID.Malformed");
      const instance = instances.find(ctx.account, ctx.region, spec.InstanceId);
      if (!instance || instance.state === "terminated") throw EbsErrors.instanceNotFound(spec.InstanceId);
      if (input.CopyTagsFromSource !== undefined && input.CopyTagsFromSource !== "volume") {
        throw new ServiceError("InvalidParameterValue", `Value (${input.CopyTagsFromSource}) for parameter CopyTagsFromSource is invalid. Valid value: volume.`);
      }
      const tags = tagsFor(input.TagSpecifications, "snapshot");
      return db.transaction(() => {
        const attachments = store.attachmentsOfInstance(ctx.account, ctx.region, spec.InstanceId!).filter((a) => a.detach_at === null);
        const chosen = attachments.filter((a) => {
          const isRoot = a.is_root === 1 || a.device === instance.rootDeviceName;
          if (isRoot) {
            if (spec.ExcludeBootVolume) return false;
            if (spec.ExcludeDataVolumeIds?.includes(a.volume_id)) throw new ServiceError("InvalidParameterValue", `The root volume ${a.volume_id} cannot be listed in ExcludeDataVolumeIds; use ExcludeBootVolume.`);
            return true;
          }
          return !spec.ExcludeDataVolumeIds?.includes(a.volume_id);
        });
        const volumes = chosen.map((a) => store.volume(ctx.account, ctx.region, a.volume_id)!).filter((v) => v && v.deleted_at === null);
        for (const volume of volumes) checkSnapshotAllowed(store, ctx, volume);
        dryRun(input);
        return {
          Snapshots: volumes.map((volume) => {
            const own = input.CopyTagsFromSource === "volume" ? tagList(store.tags.tagsOf(ctx.account, ctx.region, volume.volume_id)) : [];
            const merged = [...own.filter((t) => !tags.some((x) => x.Key === t.Key)), ...tags];
            const id = takeSnapshot(store, ctx, volume, input.Description ?? "", merged);
            const view = snapshotView(store, store.snapshot(ctx.region, id)!);
            return {
              SnapshotId: view.SnapshotId, VolumeId: view.VolumeId, State: view.State, VolumeSize: view.VolumeSize, StartTime: view.StartTime, Progress: view.Progress,
              OwnerId: view.OwnerId, Description: view.Description, Encrypted: view.Encrypted, Tags: view.Tags,
            };
          }),
        };
      });
    },

    DescribeVolumeAttribute(input: DescribeVolumeAttributeRequest, ctx: OperationContext): DescribeVolumeAttributeResult {
      checkIdFormat([input.VolumeId!], "vol", "InvalidVolumeID.Malformed");
      const volume = store.volume(ctx.account, ctx.region, input.VolumeId!);
      if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([input.VolumeId!]);
      dryRun(input);
      if (input.Attribute === "autoEnableIO") return { VolumeId: volume.volume_id, AutoEnableIO: { Value: volume.auto_enable_io === 1 } };
      if (input.Attribute === "productCodes") return { VolumeId: volume.volume_id, ProductCodes: [] };
      throw new ServiceError("InvalidParameterValue", `Value (${input.Attribute}) for parameter attribute is invalid. Valid values: autoEnableIO, productCodes.`);
    },

    ModifyVolumeAttribute(input: ModifyVolumeAttributeRequest, ctx: OperationContext): Record<string, never> {
      checkIdFormat([input.VolumeId!], "vol", "InvalidVolumeID.Malformed");
      return db.transaction(() => {
        const volume = store.volume(ctx.account, ctx.region, input.VolumeId!);
        if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([input.VolumeId!]);
        if (input.AutoEnableIO?.Value === undefined) throw new ServiceError("MissingParameter", "The request must contain the parameter AutoEnableIO");
        dryRun(input);
        store.setAutoEnableIo(volume, input.AutoEnableIO.Value);
        return {};
      });
    },

    EnableVolumeIO(input: EnableVolumeIORequest, ctx: OperationContext): Record<string, never> {
      checkIdFormat([input.VolumeId!], "vol", "InvalidVolumeID.Malformed");
      const volume = store.volume(ctx.account, ctx.region, input.VolumeId!);
      if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([input.VolumeId!]);
      dryRun(input);
      // I/O is never suspended by cloudbox (no impaired-volume events), so this only confirms the volume exists.
      return {};
    },
  };
}

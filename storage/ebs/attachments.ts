import type { AttachVolumeRequest, DetachVolumeRequest, VolumeAttachment } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { InstanceView } from "../../compute/ec2/instance-view.js";
import type { EbsStore } from "./store.js";
import { EbsErrors } from "./errors.js";
import { checkIdFormat, dryRun } from "./ec2-query.js";
import { attachmentLimit, isValidDeviceName, MULTI_ATTACH_MAX_INSTANCES } from "./device-names.js";
import { attachmentView } from "./views.js";

/** AttachVolume and DetachVolume with EC2's rules; the instance side is read through InstanceView. */
export function attachmentHandlers(store: EbsStore, instances: InstanceView) {
  const { db } = store.env;
  return {
    AttachVolume(input: AttachVolumeRequest, ctx: OperationContext): VolumeAttachment {
      const volumeId = input.VolumeId!;
      const instanceId = input.InstanceId!;
      const device = input.Device!;
      checkIdFormat([volumeId], "vol", "InvalidVolumeID.Malformed");
      checkIdFormat([instanceId], "i", "InvalidInstanceID.Malformed");
      return db.transaction(() => {
        const volume = store.volume(ctx.account, ctx.region, volumeId);
        if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([volumeId]);
        const instance = instances.find(ctx.account, ctx.region, instanceId);
        if (!instance) throw EbsErrors.instanceNotFound(instanceId);
        if (!isValidDeviceName(device)) throw EbsErrors.invalidDevice(device);
        if (instance.availabilityZone !== volume.az) throw EbsErrors.zoneMismatch(volumeId, instanceId);
        const attachments = store.attachmentsOfVolume(volumeId);
        const state = store.volumeState(volume, attachments);
        if (state === "creating") throw EbsErrors.volumeNotAvailable(volumeId);
        if (attachments.length > 0) {
          if (volume.multi_attach !== 1 || attachments.some((a) => a.instance_id === instanceId)) throw EbsErrors.alreadyAttached(volumeId);
          if (attachments.length >= MULTI_ATTACH_MAX_INSTANCES) {
            throw new ServiceError("AttachmentLimitExceeded", `Volume ${volumeId} is already attached to the maximum of ${MULTI_ATTACH_MAX_INSTANCES} instances.`);
          }
        }
        if (volume.multi_attach === 1 && instance.hypervisor !== "nitro") {
          throw new ServiceError("UnsupportedOperation", `Multi-Attach enabled volume ${volumeId} can only be attached to instances built on the Nitro System; ${instanceId} is not.`);
        }
        if (instance.state !== "running" && instance.state !== "stopped") throw EbsErrors.instanceNotReady(instanceId);
        const onInstance = store.attachmentsOfInstance(ctx.account, ctx.region, instanceId);
        if (onInstance.some((a) => a.device === device)) throw EbsErrors.deviceInUse(device);
        if (onInstance.length >= attachmentLimit(instance.hypervisor)) {
          throw new ServiceError("AttachmentLimitExceeded", `The maximum number of volume attachments for instance '${instanceId}' has been reached.`);
        }
        dryRun(input);
        const now = store.now();
        const row = {
          volume_id: volumeId, instance_id: instanceId, account: ctx.account, region: ctx.region, device,
          attach_time: now, attached_at: now + store.timings.attachMs, delete_on_termination: 0, is_root: device === instance.rootDeviceName ? 1 : 0,
        };
        store.insertAttachment(row);
        return attachmentView(store, { ...row, detach_at: null, detached_at: null });
      });
    },

    DetachVolume(input: DetachVolumeRequest, ctx: OperationContext): VolumeAttachment {
      const volumeId = input.VolumeId!;
      checkIdFormat([volumeId], "vol", "InvalidVolumeID.Malformed");
      if (input.InstanceId !== undefined) checkIdFormat([input.InstanceId], "i", "InvalidInstanceID.Malformed");
      return db.transaction(() => {
        const volume = store.volume(ctx.account, ctx.region, volumeId);
        if (!volume || volume.deleted_at !== null) throw EbsErrors.volumeNotFound([volumeId]);
        const attachments = store.attachmentsOfVolume(volumeId);
        if (attachments.length === 0) throw EbsErrors.volumeIncorrectState(volumeId, store.volumeState(volume, attachments));
        let candidates = attachments;
        if (input.InstanceId !== undefined) candidates = candidates.filter((a) => a.instance_id === input.InstanceId);
        if (input.Device !== undefined) candidates = candidates.filter((a) => a.device === input.Device);
        if (candidates.length === 0) {
          throw new ServiceError("InvalidAttachment.NotFound", `Volume '${volumeId}' is not attached to instance '${input.InstanceId ?? ""}'${input.Device ? ` at '${input.Device}'` : ""}.`);
        }
        if (candidates.length > 1) throw new ServiceError("InvalidParameterCombination", `Volume ${volumeId} is attached to several instances; specify the InstanceId to detach from.`);
        const attachment = candidates[0]!;
        const attachmentState = store.attachmentState(attachment);
        if (attachmentState === "detaching") throw new ServiceError("IncorrectState", `Volume '${volumeId}' is in the 'detaching' state.`);
        const instance = instances.find(ctx.account, ctx.region, attachment.instance_id);
        if (instance) {
          const isRoot = attachment.is_root === 1 || attachment.device === instance.rootDeviceName;
          if (isRoot && instance.state !== "stopped") {
            throw new ServiceError("OperationNotPermitted", `Unable to detach root volume '${volumeId}' from instance '${instance.instanceId}'`);
          }
          if (instance.state !== "running" && instance.state !== "stopped") throw EbsErrors.instanceNotReady(instance.instanceId);
        }
        dryRun(input);
        store.detach(volumeId, attachment.instance_id, input.Force ? Math.min(store.timings.detachMs, 100) : store.timings.detachMs);
        const [updated] = store.attachmentsOfVolume(volumeId).filter((a) => a.instance_id === attachment.instance_id);
        return attachmentView(store, updated ?? { ...attachment, detach_at: store.now(), detached_at: store.now() });
      });
    },
  };
}

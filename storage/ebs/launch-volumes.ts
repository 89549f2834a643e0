import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { resourceId } from "../state/ids.js";
import type { EbsStore } from "./store.js";
import type { AttachedVolume, LaunchVolumeRequest, VolumeHooks } from "./volume-hooks.js";
import { insertPlannedVolume, planVolume } from "./volumes.js";
import type { VolumePlan } from "./volumes.js";
import type { AttachmentRow } from "./schema.js";
import { isValidDeviceName } from "./device-names.js";
import { validateTags } from "./ec2-query.js";
import { volumeTypeRule } from "./volume-types.js";
import { AMAZON_OWNER_ID } from "./snapshot-access.js";

function attachedVolume(store: EbsStore, row: AttachmentRow): AttachedVolume {
  return { deviceName: row.device, volumeId: row.volume_id, status: store.attachmentState(row), attachTime: new Date(row.attach_time), deleteOnTermination: row.delete_on_termination === 1 };
}

/** The VolumeHooks EC2 calls at RunInstances, DescribeInstances, ModifyInstanceAttribute and termination. */
export function createVolumeHooks(store: EbsStore): VolumeHooks {
  const { db } = store.env;
  return {
    createLaunchVolumes(account, region, availabilityZone, instanceId, volumes: LaunchVolumeRequest[]): AttachedVolume[] {
      // RunInstances calls this inside its own transaction, which any failure here rolls back
      // whole: a nested one (a savepoint, two more statements per launch) would add nothing.
      return db.sql.inTransaction ? create() : db.transaction(create);
      function create(): AttachedVolume[] {
        const devices = new Set<string>();
        const plans: { plan: VolumePlan; request: LaunchVolumeRequest; isRoot: boolean }[] = [];
        for (let index = 0; index < volumes.length; index++) {
          const request = volumes[index]!;
          if (!isValidDeviceName(request.deviceName)) throw new ServiceError("InvalidBlockDeviceMapping", `Invalid device name ${request.deviceName}`);
          if (devices.has(request.deviceName)) throw new ServiceError("InvalidBlockDeviceMapping", `The device '${request.deviceName}' is used in more than one block-device mapping`);
          devices.add(request.deviceName);
          const isRoot = request.isRoot ?? index === 0;
          const type = request.volumeType ?? "gp2";
          if (isRoot && !volumeTypeRule(type).bootable) throw new ServiceError("InvalidBlockDeviceMapping", `The volume type ${type} is not supported for root volumes.`);
          const tags = request.tags ?? [];
          validateTags(tags);
          const snapshotRow = request.snapshotId !== undefined ? store.snapshot(region, request.snapshotId) : undefined;
          if (!snapshotRow && request.snapshotId !== undefined && isRoot && /^snap-[0-9a-f]{8,17}$/.test(request.snapshotId)) {
            registerImageSnapshot(request.imageOwnerId ?? AMAZON_OWNER_ID, region, request.imageVolumeSize ?? Math.min(request.volumeSize ?? 8, 8), "", request.snapshotId);
          }
          const plan = planVolume(store, {
            account, region, az: availabilityZone, type, iops: request.iops, throughput: request.throughput, encrypted: request.encrypted, kmsKeyId: request.kmsKeyId,
            snapshotId: request.snapshotId, size: request.volumeSize, tags, readyAt: store.now(), snapshotRow,
          });
          plans.push({ plan, request, isRoot });
        }
        const now = store.now();
        const attached: AttachedVolume[] = [];
        for (const { plan, request, isRoot } of plans) {
          insertPlannedVolume(store, plan);
          const row = {
            volume_id: plan.row.volume_id, instance_id: instanceId, account, region, device: request.deviceName, attach_time: now, attached_at: now,
            delete_on_termination: request.deleteOnTermination ? 1 : 0, is_root: isRoot ? 1 : 0, detach_at: null, detached_at: null,
          };
          store.insertAttachment(row);
          attached.push(attachedVolume(store, row));
        }
        return attached;
      }
    },

    attachedTo(account, region, instanceId): AttachedVolume[] {
      return store.attachmentsOfInstance(account, region, instanceId).map((row) => attachedVolume(store, row));
    },

    attachedToInstances(account, region, instanceIds): Map<string, AttachedVolume[]> {
      const out = new Map<string, AttachedVolume[]>();
      for (const [instanceId, rows] of store.attachmentsByInstance(account, region, instanceIds)) out.set(instanceId, rows.map((row) => attachedVolume(store, row)));
      return out;
    },

    attachmentVersions: (account, region) => store.attachmentVersions(account, region),

    instanceTerminated(account, region, instanceId): void {
      db.transaction(() => {
        for (const attachment of store.attachmentsOfInstance(account, region, instanceId)) {
          if (attachment.detach_at !== null) continue;
          if (attachment.delete_on_termination === 1) {
            store.detach(attachment.volume_id, instanceId, 0);
            const volume = store.volume(account, region, attachment.volume_id);
            if (volume && volume.deleted_at === null && store.attachmentsOfVolume(attachment.volume_id).length === 0) store.deleteVolume(volume);
          } else {
            store.detach(attachment.volume_id, instanceId);
          }
        }
      });
    },

    setDeleteOnTermination(account, region, instanceId, deviceName, deleteOnTermination): boolean {
      return store.setDeleteOnTermination(account, region, instanceId, deviceName, deleteOnTermination);
    },

    registerImageSnapshot,
  };

  function registerImageSnapshot(ownerAccount: string, region: string, volumeSize: number, description?: string, wantedId?: string): string {
    const snapshotId = wantedId ?? resourceId("snap");
    if (store.snapshot(region, snapshotId)) return snapshotId;
    const now = store.now();
    db.transaction(() => {
      store.insertSnapshot({
        snapshot_id: snapshotId, account: ownerAccount, region, volume_id: "vol-ffffffff", volume_size: volumeSize, description: description ?? "",
        encrypted: 0, kms_key_id: null, started_at: now, complete_at: now, timeout_at: null, source: "copy", parent_snapshot_id: null,
        lineage: snapshotId, client_token: null, request_hash: null,
      });
      store.setPermissions(snapshotId, ["all"]);
    });
    return snapshotId;
  }
}


import type { ServiceHandlers } from "../../sdk-compat/protocol/operation-handler.js";
import type { InstanceView } from "../../compute/ec2/instance-view.js";
import type { DomainEnvironment } from "../state/environment.js";
import { ebsStoreFor } from "./store.js";
import type { ImageSnapshotUsage, VolumeHooks } from "./volume-hooks.js";
import { volumeHandlers } from "./volumes.js";
import { attachmentHandlers } from "./attachments.js";
import { snapshotHandlers } from "./snapshots.js";
import { encryptionHandlers } from "./encryption.js";
import { instanceSnapshotHandlers } from "./instance-snapshots.js";
import { createVolumeHooks } from "./launch-volumes.js";
import type { ResourceTags } from "./resource-tags.js";
import type { VolumeBlocks } from "./volume-blocks.js";
import { createVolumeBlocks } from "./volume-blocks.js";

export interface EbsVolumeDependencies {
  /** How EBS sees instances (state, zone, hypervisor, root device) for AttachVolume/DetachVolume. */
  instances: InstanceView;
  /** Which AMI uses a snapshot; until EC2 provides it, no snapshot is considered in use. */
  images?: ImageSnapshotUsage;
  /** EC2's tag store, so CreateTags/DescribeTags and the volume/snapshot Tags agree; EBS keeps its own without it. */
  tags?: ResourceTags;
}

export interface EbsVolumeProvider {
  /** EC2-API operations (volumes, attachments, snapshots) for the ec2 service to serve. */
  handlers: ServiceHandlers;
  /** What EC2 calls to give instances their volumes. */
  hooks: VolumeHooks;
  /** The volumes' bytes, block by block, for whatever plays the guest. */
  blocks: VolumeBlocks;
}

/** EBS as seen through the EC2 API; the ec2 service serves these handlers beside its own. */
export function createEbsVolumeProvider(env: DomainEnvironment, deps: EbsVolumeDependencies): EbsVolumeProvider {
  const store = ebsStoreFor(env);
  if (deps.tags) store.tags = deps.tags;
  const images = deps.images;
  const handlers = {
    ...volumeHandlers(store),
    ...encryptionHandlers(store),
    ...instanceSnapshotHandlers(store, deps.instances),
    ...attachmentHandlers(store, deps.instances),
    ...snapshotHandlers(store, () => (images ? (account, region, snapshotId) => images.imageUsingSnapshot(account, region, snapshotId) : undefined)),
  };
  return { handlers, hooks: createVolumeHooks(store), blocks: createVolumeBlocks(store) };
}

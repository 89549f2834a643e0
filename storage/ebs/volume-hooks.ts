/**
 * What EBS offers EC2 so that instances get and give back their volumes: root and launch-time
 * volumes created in-use at RunInstances, and DeleteOnTermination honoured at termination.
 */
export interface LaunchVolumeRequest {
  deviceName: string;
  /** From the AMI's mapping or the request's BlockDeviceMappings. */
  snapshotId?: string;
  volumeSize?: number;
  volumeType?: string;
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  deleteOnTermination: boolean;
  kmsKeyId?: string;
  /** Tags of the RunInstances TagSpecifications for `volume`. */
  tags?: { Key?: string; Value?: string }[];
  /** The root device; by default the first volume of the list is the root. */
  isRoot?: boolean;
  /**
   * Owner of the AMI the root comes from. A root snapshot EBS has never seen is then registered as
   * that owner's public snapshot (the image catalogue's snapshots), so it can be described and restored.
   */
  imageOwnerId?: string;
  /** The AMI's own root size, for that registration (at most 8 GiB is assumed without it). */
  imageVolumeSize?: number;
}

export interface AttachedVolume {
  deviceName: string;
  volumeId: string;
  status: "attaching" | "attached" | "detaching" | "detached";
  attachTime: Date;
  deleteOnTermination: boolean;
}

export interface VolumeHooks {
  /** Creates and attaches the launch volumes; throws a ServiceError if any is invalid (nothing is then created). */
  createLaunchVolumes(account: string, region: string, availabilityZone: string, instanceId: string, volumes: LaunchVolumeRequest[]): AttachedVolume[];
  /** The volumes attached to an instance, for its BlockDeviceMappings. */
  attachedTo(account: string, region: string, instanceId: string): AttachedVolume[];
  /**
   * The volumes attached to each of the listed instances (every instance of the account and region
   * when no ids are given), read at once for a Describe over many instances. Instances without
   * volumes are absent from the map.
   */
  attachedToInstances(account: string, region: string, instanceIds?: readonly string[]): Map<string, AttachedVolume[]>;
  /**
   * For every instance of the account and region with volumes, a text that changes whenever what
   * attachedTo answers for it does (a version for the answer cache), made in one query.
   */
  attachmentVersions(account: string, region: string): Map<string, string>;
  /** Deletes the DeleteOnTermination volumes and detaches the others. */
  instanceTerminated(account: string, region: string, instanceId: string): void;
  /** ModifyInstanceAttribute BlockDeviceMapping: returns false when no volume is attached at that device. */
  setDeleteOnTermination(account: string, region: string, instanceId: string, deviceName: string, deleteOnTermination: boolean): boolean;
  /**
   * Registers a completed, public snapshot for an AMI's block device mapping (the catalogue's images),
   * so root volumes made from it carry a real SnapshotId. Returns the snapshot id.
   */
  registerImageSnapshot(ownerAccount: string, region: string, volumeSize: number, description?: string, snapshotId?: string): string;
}

/** What EC2 tells EBS about images, so DeleteSnapshot refuses snapshots a registered AMI uses. */
export interface ImageSnapshotUsage {
  /** The id of an AMI registered with this snapshot, if any. */
  imageUsingSnapshot(account: string, region: string, snapshotId: string): string | undefined;
}

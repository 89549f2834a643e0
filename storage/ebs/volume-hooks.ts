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
  /** Deletes the DeleteOnTermination volumes and detaches the others. */
  instanceTerminated(account: string, region: string, instanceId: string): void;
}

import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** EC2 error codes and texts for volumes, attachments and snapshots. */
export const EbsErrors = {
  volumeNotFound: (ids: string[]) =>
    new ServiceError("InvalidVolume.NotFound", ids.length === 1 ? `The volume '${ids[0]}' does not exist.` : `The volumes '${ids.join(", ")}' do not exist.`),
  snapshotNotFound: (ids: string[]) =>
    new ServiceError("InvalidSnapshot.NotFound", ids.length === 1 ? `The snapshot '${ids[0]}' does not exist.` : `The snapshots '${ids.join(", ")}' do not exist.`),
  instanceNotFound: (id: string) => new ServiceError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`),
  volumeIncorrectState: (id: string, state: string) => new ServiceError("IncorrectState", `Volume '${id}' is in the '${state}' state.`),
  volumeInUse: (id: string, instanceId: string) => new ServiceError("VolumeInUse", `Volume ${id} is currently attached to ${instanceId}`),
  alreadyAttached: (id: string) => new ServiceError("VolumeInUse", `${id} is already attached to an instance`),
  zoneMismatch: (volumeId: string, instanceId: string) =>
    new ServiceError("InvalidVolume.ZoneMismatch", `The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`),
  // Real EC2 answers an attach to a pending instance with IncorrectState (not IncorrectInstanceState) and this text.
  instanceNotReady: (instanceId: string) => new ServiceError("IncorrectState", `Instance '${instanceId}' is not 'running'.`),
  invalidDevice: (device: string) => new ServiceError("InvalidParameterValue", `Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`),
  deviceInUse: (device: string) => new ServiceError("InvalidParameterValue", `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`),
  volumeNotAvailable: (id: string) => new ServiceError("IncorrectState", `${id} is not 'available'.`),
  snapshotInvalidState: (state: string) => new ServiceError("IncorrectState", `Snapshot is in invalid state - ${state}`),
};

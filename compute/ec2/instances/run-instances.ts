import type { Instance, Reservation, RunInstancesRequest, Tag } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import { resourceId } from "../../../storage/state/ids.js";
import { requestFingerprint } from "../../../storage/state/request-fingerprint.js";
import type { AttachedVolume, LaunchVolumeRequest } from "../../../storage/ebs/volume-hooks.js";
import type { Ec2Context } from "../context.js";
import { Ec2Errors, assertIdShape, dryRunGate } from "../errors.js";
import { availabilityZonesOf } from "../regions.js";
import { findImage } from "../../images/catalogue.js";
import type { MachineImage } from "../../images/catalogue.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import type { TypeSpec } from "../../hypervisor/catalog-port.js";
import type { Slot } from "../../hypervisor/placement.js";
import type { Subnet } from "../../network/network-store.js";
import { allocatePrivateIp, macAddress, randomPublicIp } from "../../network/addresses.js";
import { tagsBySpecification } from "../../tags/tag-store.js";
import type { BootEvent, InstanceRow, RecordedDevice } from "./instance-store.js";
import { presentInstance } from "./present.js";
import { currentState, scriptShutsDown } from "./lifecycle.js";
import { purgeExpired } from "./purge.js";
import { quotaBucket } from "./quota-buckets.js";

const DEFAULT_TYPE = "m1.small";
const USER_DATA_LIMIT = 16384;

export function resolveImage(region: string, imageId: string | undefined): MachineImage {
  if (!imageId) throw Ec2Errors.missing("ImageId");
  if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(imageId)) throw new ServiceError("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`);
  const image = findImage(region, imageId);
  if (!image) throw new ServiceError("InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
  return image;
}

/** An instance type must be able to run the AMI: same architecture, and paravirtual only on Xen types that offer it. */
export function checkCompatible(type: TypeSpec, image: MachineImage): void {
  if (!type.architectures.includes(image.architecture)) {
    throw Ec2Errors.invalidValue(
      `The architecture '${type.architectures[0]}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  }
  if (!type.virtualizationTypes.includes(image.virtualizationType)) {
    if (image.virtualizationType === "paravirtual") throw Ec2Errors.combination(`Virtualization type 'paravirtual' is not supported for instances of type '${type.name}'. Ensure that you are using an AMI with virtualization type 'hvm'.`);
    throw Ec2Errors.combination(`Virtualization type 'hvm' is required for instances of type '${type.name}'. Ensure that you are using an AMI with virtualization type 'hvm'.`);
  }
}

function resolveType(name: string | undefined): TypeSpec {
  const wanted = name ?? (typeSpec(DEFAULT_TYPE) ? DEFAULT_TYPE : "t2.micro");
  const type = typeSpec(wanted);
  if (!type) throw Ec2Errors.invalidValue(`Invalid value '${wanted}' for InstanceType.`);
  return type;
}

/** The volumes a launch creates: the AMI's root (overridable) and the request's extra EBS mappings. */
function launchVolumes(image: MachineImage, input: RunInstancesRequest): LaunchVolumeRequest[] {
  // imageOwnerId / imageVolumeSize let EBS register the catalogue's root snapshot as the owner's public snapshot.
  const root: LaunchVolumeRequest & { imageOwnerId?: string; imageVolumeSize?: number } = {
    deviceName: image.rootDeviceName, snapshotId: image.rootSnapshotId, volumeSize: image.rootVolumeSize, volumeType: image.rootVolumeType, deleteOnTermination: true,
    isRoot: true, imageOwnerId: image.ownerId, imageVolumeSize: image.rootVolumeSize,
  };
  const out: LaunchVolumeRequest[] = [root];
  const seen = new Set<string>();
  for (const m of input.BlockDeviceMappings ?? []) {
    const device = m.DeviceName;
    if (!device) throw Ec2Errors.missing("BlockDeviceMapping.DeviceName");
    if (!/^\/dev\/(sd[a-z]\d*|xvd[a-z]{1,2}\d*)$|^xvd[a-z]{1,2}$/.test(device)) throw Ec2Errors.invalidValue(`Invalid device name ${device}`);
    if (seen.has(device)) throw Ec2Errors.invalidValue(`The device '${device}' is used in more than one block-device mapping`);
    seen.add(device);
    if (m.NoDevice !== undefined) {
      if (device === image.rootDeviceName) throw Ec2Errors.invalidValue("The root device cannot be suppressed with NoDevice.");
      continue;
    }
    if (m.VirtualName || !m.Ebs) continue;
    const e = m.Ebs;
    if (device === image.rootDeviceName) {
      if (e.VolumeSize !== undefined && e.VolumeSize < image.rootVolumeSize) throw Ec2Errors.invalidValue(`Volume of size ${e.VolumeSize}GB is smaller than snapshot '${image.rootSnapshotId}', expect size >= ${image.rootVolumeSize}GB`);
      Object.assign(root, {
        volumeSize: e.VolumeSize ?? root.volumeSize, volumeType: e.VolumeType ?? root.volumeType, iops: e.Iops, throughput: e.Throughput, encrypted: e.Encrypted, kmsKeyId: e.KmsKeyId,
        deleteOnTermination: e.DeleteOnTermination ?? true,
      });
      continue;
    }
    if (e.VolumeSize === undefined && e.SnapshotId === undefined) throw Ec2Errors.missing(`BlockDeviceMapping.Ebs.VolumeSize (device ${device})`);
    out.push({ deviceName: device, snapshotId: e.SnapshotId, volumeSize: e.VolumeSize, volumeType: e.VolumeType ?? "gp2", iops: e.Iops, throughput: e.Throughput, encrypted: e.Encrypted, kmsKeyId: e.KmsKeyId, deleteOnTermination: e.DeleteOnTermination ?? true, isRoot: false });
  }
  return out;
}

export function runInstances(c: Ec2Context, input: RunInstancesRequest, ctx: OperationContext): Reservation {
  const { account, region } = ctx;
  if (input.MinCount === undefined) throw Ec2Errors.missing("MinCount");
  if (input.MaxCount === undefined) throw Ec2Errors.missing("MaxCount");
  if (input.MinCount < 1) throw Ec2Errors.invalidValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a value greater than 0.`);
  if (input.MaxCount < 1) throw Ec2Errors.invalidValue(`Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than 0.`);
  if (input.MinCount > input.MaxCount) throw Ec2Errors.invalidValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a value less than or equal to maxCount (${input.MaxCount}).`);
  const image = resolveImage(region, input.ImageId);
  const type = resolveType(input.InstanceType);
  checkCompatible(type, image);
  const zones = availabilityZonesOf(region);
  const wantedZone = input.Placement?.AvailabilityZone ?? (input.Placement?.AvailabilityZoneId ? zones.find((z) => z.id === input.Placement!.AvailabilityZoneId)?.name ?? "?" : undefined);
  if (wantedZone !== undefined && !zones.some((z) => z.name === wantedZone)) throw Ec2Errors.invalidValue(`Invalid availability zone: [${input.Placement?.AvailabilityZone ?? input.Placement?.AvailabilityZoneId}]`);
  if (input.Placement?.GroupName) throw new ServiceError("InvalidPlacementGroup.Unknown", `The Placement Group '${input.Placement.GroupName}' is unknown.`);
  if (input.Placement?.HostId) throw new ServiceError("InvalidHostID.NotFound", `The specified host ID '${input.Placement.HostId}' does not exist.`);

  const net = c.network.of(account, region);
  const nic = input.NetworkInterfaces?.[0];
  const subnetId = input.SubnetId ?? nic?.SubnetId;
  let subnet: Subnet | undefined;
  if (subnetId !== undefined) {
    subnet = net.subnets.find((s) => s.subnetId === subnetId);
    if (!subnet) throw new ServiceError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    if (wantedZone !== undefined && wantedZone !== subnet.availabilityZone) throw Ec2Errors.invalidValue(`The specified subnet '${subnetId}' is in availability zone '${subnet.availabilityZone}', not '${wantedZone}'.`);
  }
  const vpcId = subnet?.vpcId ?? c.network.defaultVpc(account, region).vpcId;
  const groups = resolveGroups(c, account, region, vpcId, [...(input.SecurityGroupIds ?? []), ...(nic?.Groups ?? [])], input.SecurityGroups ?? []);
  if (input.KeyName !== undefined && !c.keys.byName(account, region, input.KeyName)) throw new ServiceError("InvalidKeyPair.NotFound", `The key pair '${input.KeyName}' does not exist`);
  const tagsByType = tagsBySpecification(input.TagSpecifications, ["instance", "volume", "network-interface"]);
  if (input.UserData !== undefined && Buffer.from(input.UserData, "base64").length > USER_DATA_LIMIT) throw Ec2Errors.invalidValue(`User data is limited to ${USER_DATA_LIMIT} bytes`);
  const shutdown = input.InstanceInitiatedShutdownBehavior ?? "stop";
  if (shutdown !== "stop" && shutdown !== "terminate") throw Ec2Errors.invalidValue(`Value (${shutdown}) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are stop, terminate.`);
  const volumes = launchVolumes(image, input);
  dryRunGate(input);

  const token = input.ClientToken;
  if (token !== undefined && token.length > 64) throw Ec2Errors.invalidValue("The client token must be at most 64 ASCII characters.");
  const scope = subnet?.availabilityZone ?? wantedZone ?? "region";
  // Only a ClientToken request is ever compared with another one.
  const hash = token ? requestFingerprint(input) : null;
  const now = c.env.clock.now();

  return c.env.db.transaction(() => {
    if (token) {
      const previous: InstanceRow[] = [];
      for (const r of c.instances.rowsOfLaunchToken(account, region, token)) if (r.token_scope === scope) previous.push(r);
      if (previous.length) {
        if (previous[0]!.request_hash !== hash) throw new ServiceError("IdempotentParameterMismatch", "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).");
        if (previous.every((r) => currentState(r, now) === "terminated")) throw new ServiceError("IdempotentInstanceTerminated", "The client token you have provided is associated with a resource that is already deleted. Please use a different client token.");
        return reservationOf(c, previous, now);
      }
    }
    purgeExpired(c, account, region, now);
    const bucket = quotaBucket(type.family);
    const limit = c.settings.vcpuQuota(bucket);
    const byQuota = Math.floor((limit - c.instances.vcpusInUse(account, region, bucket, now)) / type.vcpus);
    if (byQuota < input.MinCount!) throw Ec2Errors.vcpuLimit(limit);
    const wanted = Math.min(input.MaxCount!, byQuota);

    const candidates = subnet ? [subnet.availabilityZone] : wantedZone ? [wantedZone] : zones.map((z) => z.name);
    let az: string | undefined;
    let hosts: Slot[] = [];
    for (const zone of candidates) {
      const session = c.hypervisor.session(region, zone, type, now);
      const placed: Slot[] = [];
      while (placed.length < wanted) {
        const host = session.place(type);
        if (!host) break;
        placed.push(host);
      }
      if (placed.length >= input.MinCount!) {
        az = zone;
        hosts = placed;
        break;
      }
    }
    if (!az) {
      const tried = candidates[0]!;
      const others = zones.map((z) => z.name).filter((z) => z !== tried && placeable(c, region, z, type, input.MinCount!, now));
      throw Ec2Errors.insufficientCapacity(type.name, tried, others);
    }
    const launchSubnet = subnet ?? c.network.defaultSubnet(account, region, az)!;

    const taken = new Set<string>();
    const addresses: string[] = [];
    if (input.PrivateIpAddress !== undefined || nic?.PrivateIpAddress !== undefined) {
      const ip = (input.PrivateIpAddress ?? nic?.PrivateIpAddress)!;
      if (hosts.length > 1) throw Ec2Errors.combination("Multiple instances cannot be launched with the same private IP address.");
      if (c.instances.privateIpHeld(launchSubnet.subnetId, ip, now)) throw new ServiceError("InvalidIPAddress.InUse", `Address ${ip} is in use.`);
      addresses.push(ip);
    } else {
      for (let i = 0; i < hosts.length; i++) {
        const ip = allocatePrivateIp(launchSubnet.cidr, (a) => c.instances.privateIpHeld(launchSubnet.subnetId, a, now), () => c.instances.privateIpsUsed(launchSubnet.subnetId, now), taken);
        if (!ip) break;
        taken.add(ip);
        addresses.push(ip);
      }
    }
    if (addresses.length < input.MinCount!) {
      throw new ServiceError("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${launchSubnet.subnetId}' to satisfy the requested number of instances.`);
    }
    const count = addresses.length;
    const launch: Launch = {
      account, region, az, image, type, input, shutdown, token, scope, hash, now, volumes, tagsByType,
      subnet: launchSubnet, reservationId: resourceId("r"), withPublicIp: nic?.AssociatePublicIpAddress ?? launchSubnet.mapPublicIpOnLaunch,
      groups: JSON.stringify(groups), instanceTags: tagsByType.get("instance") ?? [],
    };
    const rows: InstanceRow[] = [];
    for (let i = 0; i < count; i++) rows.push(launchInstance(c, launch, i, hosts[i]!, addresses[i]!));
    // What the answer shows is what was just written: no need to read the tags back.
    const launchTags = new Map<string, string>();
    for (const t of launch.instanceTags) launchTags.set(t.Key!, t.Value ?? "");
    return reservationOf(c, rows, now, () => launchTags, undefined, true);
  });
}

/** What every instance of one RunInstances call shares. */
interface Launch {
  account: string;
  region: string;
  az: string;
  image: MachineImage;
  type: TypeSpec;
  input: RunInstancesRequest;
  shutdown: string;
  token: string | undefined;
  scope: string;
  hash: string | null;
  now: number;
  volumes: LaunchVolumeRequest[];
  tagsByType: Map<string, Tag[]>;
  subnet: Subnet;
  reservationId: string;
  withPublicIp: boolean;
  /** The security groups as stored (JSON). */
  groups: string;
  instanceTags: Tag[];
}

/** Writes one instance of a launch (row, volumes, tags) and returns its row as stored. */
function launchInstance(c: Ec2Context, l: Launch, index: number, slot: Slot, privateIp: string): InstanceRow {
  const { host, socket } = slot;
  const { account, region, input, now, shutdown, image, type } = l;
  const instanceId = resourceId("i");
  const settlesAt = now + c.settings.lifecycle.pendingMs;
  const boots: BootEvent[] = [{ at: settlesAt, kind: "boot", hostId: host.hostId, hypervisor: host.spec.hypervisor }];
  const guest = guestShutdown(c, input.UserData, shutdown, settlesAt);
  if (guest) boots.push({ at: guest.at, kind: shutdown === "terminate" ? "terminate" : "stop", hostId: host.hostId });
  const devices: RecordedDevice[] = [];
  if (c.volumes) {
    const volumeTags = l.tagsByType.get("volume");
    let requests = l.volumes;
    if (volumeTags) {
      requests = [];
      for (const v of l.volumes) requests.push({ ...v, tags: volumeTags });
    }
    const attached = c.volumes.createLaunchVolumes(account, region, l.az, instanceId, requests);
    for (const v of attached) devices.push({ deviceName: v.deviceName, volumeId: v.volumeId, attachTime: v.attachTime.getTime(), deleteOnTermination: v.deleteOnTermination });
  } else {
    for (const v of l.volumes) devices.push({ deviceName: v.deviceName, volumeId: resourceId("vol"), attachTime: now, deleteOnTermination: v.deleteOnTermination, volumeSize: v.volumeSize, volumeType: v.volumeType, snapshotId: v.snapshotId });
  }
  const row: InstanceRow = {
    seq: 0, version: 0,
    instance_id: instanceId, account, region, reservation_id: l.reservationId, launch_index: index, image_id: image.imageId, instance_type: type.name,
    vcpus: type.vcpus, memory_mib: type.memoryMiB, host_threads: type.threads, gpus: type.gpus, quota_bucket: quotaBucket(type.family), socket, host_family: host.spec.family, hypervisor: host.spec.hypervisor,
    az: l.az, subnet_id: l.subnet.subnetId, vpc_id: l.subnet.vpcId, private_ip: privateIp, public_ip: l.withPublicIp ? publicIp(c, region) : null,
    eni_id: resourceId("eni"), mac: macAddress(), host_id: host.hostId, previous_host_id: null, key_name: input.KeyName ?? null, launch_time: now,
    state: "pending", state_at: now, settles_at: settlesAt, host_release_at: guest?.endsAt ?? null,
    guest_shutdown_at: guest?.at ?? null, guest_shutdown_ends_at: guest?.endsAt ?? null, terminated_at: guest && shutdown === "terminate" ? guest.endsAt : null, transition_reason: "", state_reason_code: null, state_reason_message: null,
    client_token: l.token ?? null, token_scope: l.token ? l.scope : null, request_hash: l.hash, user_data: input.UserData ?? null,
    groups: l.groups, disable_api_termination: input.DisableApiTermination ? 1 : 0, disable_api_stop: input.DisableApiStop ? 1 : 0,
    shutdown_behavior: shutdown, architecture: image.architecture, virtualization_type: image.virtualizationType, root_device_name: image.rootDeviceName,
    root_device_type: image.rootDeviceType, platform: image.platform ?? null, kernel_id: input.KernelId ?? image.kernelId ?? null, ramdisk_id: input.RamdiskId ?? null,
    ebs_optimized: input.EbsOptimized ? 1 : 0, source_dest_check: 1, ena_support: image.enaSupport ? 1 : 0, monitoring: input.Monitoring?.Enabled ? "pending" : "disabled",
    tenancy: input.Placement?.Tenancy ?? "default", placement_group: null, block_devices: JSON.stringify(devices), boots: JSON.stringify(boots),
  };
  // The store writes only its insert columns: seq and version are the table's to assign.
  c.instances.insert(row);
  if (l.instanceTags.length) c.tags.set(account, region, instanceId, "instance", l.instanceTags);
  // Without EBS the recorded volumes are tagged here; with EBS the volumes carry their tags themselves.
  if (!c.volumes) tagResources(c, account, region, "volume", devices.map((d) => d.volumeId!).filter(Boolean), l.tagsByType.get("volume"));
  tagResources(c, account, region, "network-interface", [row.eni_id], l.tagsByType.get("network-interface"));
  return row;
}

/** When a user-data script powers the guest off after its first boot, and when that shutdown is over. */
export function guestShutdown(c: Ec2Context, userData: string | undefined | null, behavior: string, runningAt: number): { at: number; endsAt: number } | undefined {
  if (!scriptShutsDown(userData)) return undefined;
  const at = runningAt + c.settings.lifecycle.guestShutdownDelayMs;
  return { at, endsAt: at + (behavior === "terminate" ? c.settings.lifecycle.shuttingDownMs : c.settings.lifecycle.stoppingMs) };
}

function tagResources(c: Ec2Context, account: string, region: string, type: string, ids: string[], tags: Tag[] | undefined): void {
  if (!tags?.length) return;
  for (const id of ids) c.tags.set(account, region, id, type, tags);
}

function placeable(c: Ec2Context, region: string, az: string, type: TypeSpec, count: number, now: number): boolean {
  const session = c.hypervisor.session(region, az, type, now);
  for (let i = 0; i < count; i++) if (!session.place(type)) return false;
  return true;
}

function publicIp(c: Ec2Context, region: string): string {
  for (;;) {
    const ip = randomPublicIp();
    if (!c.instances.publicIpTaken(region, ip)) return ip;
  }
}

export { publicIp as allocatePublicIp };

function resolveGroups(c: Ec2Context, account: string, region: string, vpcId: string, ids: string[], names: string[]): { GroupId: string; GroupName: string }[] {
  const out: { GroupId: string; GroupName: string }[] = [];
  for (const id of ids) {
    assertIdShape(id, "sg", "InvalidGroupId.Malformed");
    const g = c.network.group(account, region, id);
    if (!g) throw new ServiceError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
    if (g.vpcId !== vpcId) throw Ec2Errors.invalidValue(`Security group ${id} and subnet belong to different networks.`);
    if (!out.some((x) => x.GroupId === id)) out.push({ GroupId: g.groupId, GroupName: g.groupName });
  }
  for (const name of names) {
    const g = c.network.groupByName(account, region, vpcId, name);
    if (!g) throw new ServiceError("InvalidGroup.NotFound", `The security group '${name}' does not exist in VPC '${vpcId}'`);
    if (!out.some((x) => x.GroupId === g.groupId)) out.push({ GroupId: g.groupId, GroupName: g.groupName });
  }
  if (out.length === 0) {
    const g = c.network.defaultGroup(account, region, vpcId);
    out.push({ GroupId: g.groupId, GroupName: g.groupName });
  }
  return out;
}

export function reservationOf(
  c: Ec2Context, rows: InstanceRow[], now: number,
  tagsOf: (r: InstanceRow) => Map<string, string> = (r) => c.tags.tagsOf(r.account, r.region, r.instance_id),
  attachedOf: (id: string) => AttachedVolume[] | undefined = () => undefined,
  atLaunch = false,
): Reservation {
  const instances = rows.map((r) => presentInstance(c, r, now, tagsOf(r), attachedOf(r.instance_id), atLaunch));
  return { ReservationId: rows[0]!.reservation_id, OwnerId: rows[0]!.account, Groups: [], Instances: instances };
}

import type { Instance, InstanceBlockDeviceMapping, InstanceNetworkInterface } from "@aws-sdk/client-ec2";
import { findImage } from "../../images/catalogue.js";
import { privateDnsName, publicDnsName } from "../../network/addresses.js";
import { toTagList } from "../../tags/tag-store.js";
import type { Ec2Context } from "../context.js";
import type { InstanceRow, RecordedDevice } from "./instance-store.js";
import type { AttachedVolume } from "../../../storage/ebs/volume-hooks.js";
import { currentState, guestShutDown, stateOf } from "./lifecycle.js";
import type { InstanceStateName } from "./lifecycle.js";
import { availabilityZonesOf } from "../regions.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import { sharedFrozen } from "../../shared-frozen.js";

// The parts of an instance that are the same for many instances are shared frozen objects: the
// XML writer serializes a frozen structure once and reuses its text.
const LAUNCH_STATE_REASON = Object.freeze({ Code: "pending", Message: "pending" });
const CAPACITY_RESERVATION = Object.freeze({ CapacityReservationPreference: "open" as const });
const HIBERNATION = Object.freeze({ Configured: false });
const ENCLAVE = Object.freeze({ Enabled: false });
const PRIVATE_DNS_NAME_OPTIONS = Object.freeze({ HostnameType: "ip-name" as const, EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false });
const MAINTENANCE = Object.freeze({ AutoRecovery: "default" as const });
const metadataOptions = (state: "pending" | "applied") =>
  Object.freeze({ State: state, HttpTokens: "required" as const, HttpPutResponseHopLimit: 2, HttpEndpoint: "enabled" as const, HttpProtocolIpv6: "disabled" as const, InstanceMetadataTags: "disabled" as const });
const METADATA_AT_LAUNCH = metadataOptions("pending");
const METADATA = metadataOptions("applied");
// Frozen too: the XML writer reuses the text of the members around them (patches/ec2.json).
const NO_PRODUCT_CODES: Instance["ProductCodes"] = Object.freeze([]) as unknown as [];
const NO_IPV6_ADDRESSES: InstanceNetworkInterface["Ipv6Addresses"] = Object.freeze([]) as unknown as [];
const MONITORING = new Map<string, Readonly<{ State: "disabled" }>>();
const CPU_OPTIONS = new Map<string, Readonly<{ CoreCount: number; ThreadsPerCore: number }>>();
const GROUPS = new Map<string, { GroupId: string; GroupName: string }[]>();
const PLACEMENTS = new Map<string, Instance["Placement"]>();

/** Auto-assigned public addresses exist only while the instance holds its place on a host. */
export const holdsPublicIp = (state: InstanceStateName) => state === "pending" || state === "running" || state === "stopping" || state === "shutting-down";

/** An instance's security groups, one frozen list per stored value (most instances of a VPC share one). */
export function parseGroups(row: InstanceRow): { GroupId: string; GroupName: string }[] {
  return sharedFrozen(GROUPS, row.groups, () => (JSON.parse(row.groups) as { GroupId: string; GroupName: string }[]).map((g) => Object.freeze(g)));
}

function placement(row: InstanceRow): Instance["Placement"] {
  return sharedFrozen(PLACEMENTS, `${row.region}/${row.az}/${row.tenancy}/${row.placement_group ?? ""}`, () => ({
    AvailabilityZone: row.az, AvailabilityZoneId: availabilityZonesOf(row.region).find((z) => z.name === row.az)?.id, GroupName: row.placement_group ?? "", Tenancy: row.tenancy as "default",
  }));
}

// Arrays here are built with push, not map(): map()'s result has another hidden class when it ran
// optimized, and each switch sends the code that reads these arrays back to the compiler.
function blockDevices(c: Ec2Context, row: InstanceRow, state: InstanceStateName, attached: AttachedVolume[] | undefined): InstanceBlockDeviceMapping[] {
  const out: InstanceBlockDeviceMapping[] = [];
  if (state === "terminated") return out;
  if (c.volumes) {
    for (const v of attached ?? c.volumes.attachedTo(row.account, row.region, row.instance_id)) {
      out.push({ DeviceName: v.deviceName, Ebs: { VolumeId: v.volumeId, Status: v.status, AttachTime: v.attachTime, DeleteOnTermination: v.deleteOnTermination } });
    }
    return out;
  }
  for (const d of JSON.parse(row.block_devices) as RecordedDevice[]) {
    out.push({ DeviceName: d.deviceName, Ebs: { VolumeId: d.volumeId, Status: "attached", AttachTime: new Date(d.attachTime), DeleteOnTermination: d.deleteOnTermination } });
  }
  return out;
}

/** The primary interface, a function of its own to keep presentInstance small enough to optimize cheaply. */
function networkInterfaces(row: InstanceRow, groups: { GroupId: string; GroupName: string }[], publicIp: string | undefined, privateDns: string, atLaunch: boolean): InstanceNetworkInterface[] {
  const association = () => (publicIp ? { PublicIp: publicIp, PublicDnsName: publicDnsName(publicIp, row.region), IpOwnerId: "amazon" } : undefined);
  return [{
    NetworkInterfaceId: row.eni_id, SubnetId: row.subnet_id, VpcId: row.vpc_id, Description: "", OwnerId: row.account, Status: "in-use",
    MacAddress: row.mac, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDns, SourceDestCheck: row.source_dest_check === 1, Groups: groups,
    Attachment: { AttachmentId: `eni-attach-${row.eni_id.slice(4)}`, DeviceIndex: 0, Status: atLaunch ? "attaching" : "attached", AttachTime: new Date(row.launch_time), DeleteOnTermination: true, NetworkCardIndex: 0 },
    Association: association(),
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDns, Association: association() }],
    Ipv6Addresses: NO_IPV6_ADDRESSES, InterfaceType: "interface",
  }];
}

/**
 * An instance row as DescribeInstances / RunInstances answer it, its state derived at `now`.
 * `launchAnswer` is RunInstances' own answer, which shows a pending instance as EC2 has it then:
 * its network interface still attaching, no public address yet and no block devices yet (the
 * volumes exist and show up in DescribeInstances once attached), as in EC2's documented outputs.
 */
export function presentInstance(c: Ec2Context, row: InstanceRow, now: number, tags: Map<string, string> | undefined, attached?: AttachedVolume[], launchAnswer = false): Instance {
  const state = currentState(row, now);
  // With a pending time of 0 the instance is running as it is launched: it is shown as such.
  const atLaunch = launchAnswer && state === "pending";
  const terminated = state === "terminated";
  const publicIp = holdsPublicIp(state) && !atLaunch ? (row.public_ip ?? undefined) : undefined;
  const groups = parseGroups(row);
  const image = findImage(row.region, row.image_id);
  const privateDns = privateDnsName(row.private_ip, row.region);
  const out: Instance = {
    InstanceId: row.instance_id,
    ImageId: row.image_id,
    State: stateOf(state),
    PrivateDnsName: terminated ? "" : privateDns,
    PublicDnsName: publicIp ? publicDnsName(publicIp, row.region) : "",
    StateTransitionReason: row.transition_reason,
    KeyName: row.key_name ?? undefined,
    AmiLaunchIndex: row.launch_index,
    ProductCodes: NO_PRODUCT_CODES,
    InstanceType: row.instance_type as Instance["InstanceType"],
    LaunchTime: new Date(row.launch_time),
    Placement: placement(row),
    KernelId: row.kernel_id ?? undefined,
    RamdiskId: row.ramdisk_id ?? undefined,
    Platform: row.platform === "windows" ? ("windows" as "Windows") : undefined,
    Monitoring: monitoring(row.monitoring),
    SubnetId: terminated ? undefined : row.subnet_id,
    VpcId: terminated ? undefined : row.vpc_id,
    PrivateIpAddress: terminated ? undefined : row.private_ip,
    PublicIpAddress: publicIp,
    StateReason: atLaunch ? LAUNCH_STATE_REASON : guestShutDown(row, now)
      ? { Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown" }
      : row.state_reason_code ? { Code: row.state_reason_code, Message: row.state_reason_message ?? row.state_reason_code } : undefined,
    Architecture: row.architecture as "x86_64",
    RootDeviceType: row.root_device_type as "ebs",
    RootDeviceName: row.root_device_name,
    BlockDeviceMappings: atLaunch ? [] : blockDevices(c, row, state, attached),
    VirtualizationType: row.virtualization_type as "hvm",
    ClientToken: row.client_token ?? "",
    Tags: toTagList(tags),
    SecurityGroups: terminated ? [] : groups,
    SourceDestCheck: row.source_dest_check === 1,
    // DescribeInstances says "xen" for Nitro guests too (reference A.7).
    Hypervisor: "xen",
    NetworkInterfaces: terminated ? [] : networkInterfaces(row, groups, publicIp, privateDns, atLaunch),
    EbsOptimized: row.ebs_optimized === 1,
    EnaSupport: row.ena_support === 1,
    CpuOptions: cpuOptions(row.instance_type, row.vcpus),
    CapacityReservationSpecification: CAPACITY_RESERVATION,
    HibernationOptions: HIBERNATION,
    MetadataOptions: atLaunch ? METADATA_AT_LAUNCH : METADATA,
    EnclaveOptions: ENCLAVE,
    PlatformDetails: image?.platformDetails ?? "Linux/UNIX",
    UsageOperation: image?.usageOperation ?? "RunInstances",
    UsageOperationUpdateTime: new Date(row.launch_time),
    PrivateDnsNameOptions: PRIVATE_DNS_NAME_OPTIONS,
    MaintenanceOptions: MAINTENANCE,
    BootMode: image?.bootMode as "uefi" | undefined,
    CurrentInstanceBootMode: image?.bootMode === "uefi" || image?.bootMode === "uefi-preferred" ? "uefi" : "legacy-bios",
  };
  return out;
}

function cpuOptions(name: string, vcpus: number): Readonly<{ CoreCount: number; ThreadsPerCore: number }> {
  return sharedFrozen(CPU_OPTIONS, `${name}/${vcpus}`, () => {
    const info = typeSpec(name)?.info.VCpuInfo;
    return { CoreCount: info?.DefaultCores ?? vcpus, ThreadsPerCore: info?.DefaultThreadsPerCore ?? 1 };
  });
}

const monitoring = (state: string) => sharedFrozen(MONITORING, state, () => ({ State: state as "disabled" }));

interface Presented {
  version: number;
  state: InstanceStateName;
  tagGeneration: number;
  /** The tag store's change count when the generation was last found unchanged. */
  tagsSeen: number;
  volumes: AttachedVolume[] | undefined;
  tags: Map<string, string>;
  instance: Instance;
}

// By row object: the instance store hands out the same object while the row is unchanged, and a
// lookup by identity costs less than one by id string (a listing does a thousand of them).
const presentedBy = new WeakMap<Ec2Context, WeakMap<InstanceRow, Presented>>();

function sameVolumes(a: AttachedVolume[] | undefined, b: AttachedVolume[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.volumeId !== y.volumeId || x.deviceName !== y.deviceName || x.status !== y.status || x.deleteOnTermination !== y.deleteOnTermination || x.attachTime.getTime() !== y.attachTime.getTime()) return false;
  }
  return true;
}

/**
 * An instance as Describe shows it, reused while nothing it shows has changed (row version,
 * derived state, tags, attachments). The object is frozen, which lets the XML writer reuse its
 * serialization too: listing a thousand unchanged instances costs little more than reading them.
 */
export function presentCached(c: Ec2Context, row: InstanceRow, state: InstanceStateName, now: number, attached: AttachedVolume[] | undefined): Presented {
  let cache = presentedBy.get(c);
  if (!cache) presentedBy.set(c, (cache = new WeakMap()));
  const changes = c.tags.changes;
  const hit = cache.get(row);
  if (hit && hit.version === row.version && hit.state === state && sameVolumes(hit.volumes, attached)) {
    // No tag written anywhere since the last look: this instance's tags are as they were.
    if (hit.tagsSeen === changes) return hit;
    if (hit.tagGeneration === c.tags.generation(row.account, row.region, row.instance_id)) {
      hit.tagsSeen = changes;
      return hit;
    }
  }
  const generation = c.tags.generation(row.account, row.region, row.instance_id);
  const tags = c.tags.tagsOf(row.account, row.region, row.instance_id);
  const entry: Presented = { version: row.version, state, tagGeneration: generation, tagsSeen: changes, volumes: attached, tags, instance: Object.freeze(presentInstance(c, row, now, tags, attached)) };
  cache.set(row, entry);
  return entry;
}

export function forgetPresented(c: Ec2Context): void {
  presentedBy.delete(c);
}

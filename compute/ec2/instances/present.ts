import type { Instance, InstanceBlockDeviceMapping, InstanceNetworkInterface } from "@aws-sdk/client-ec2";
import { findImage } from "../../images/catalogue.js";
import { privateDnsName, publicDnsName } from "../../network/addresses.js";
import { toTagList } from "../../tags/tag-store.js";
import type { Ec2Context } from "../context.js";
import type { InstanceRow, ListedRow, RecordedDevice } from "./instance-store.js";
import type { AttachedVolume } from "../../../storage/ebs/volume-hooks.js";
import { currentState, guestShutDown, stateOf } from "./lifecycle.js";
import type { InstanceStateName } from "./lifecycle.js";
import { availabilityZonesOf } from "../regions.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import { deferred } from "../../../sdk-compat/protocol/answer-cache.js";

const LAUNCH_STATE_REASON = { Code: "pending", Message: "pending" };
const metadataOptions = (state: "pending" | "applied") =>
  ({ State: state, HttpTokens: "required" as const, HttpPutResponseHopLimit: 2, HttpEndpoint: "enabled" as const, HttpProtocolIpv6: "disabled" as const, InstanceMetadataTags: "disabled" as const });

/** Auto-assigned public addresses exist only while the instance holds its place on a host. */
export const holdsPublicIp = (state: InstanceStateName) => state === "pending" || state === "running" || state === "stopping" || state === "shutting-down";

/** An instance's security groups, as stored. */
export function parseGroups(row: InstanceRow): { GroupId: string; GroupName: string }[] {
  return JSON.parse(row.groups) as { GroupId: string; GroupName: string }[];
}

function placement(row: InstanceRow): Instance["Placement"] {
  return { AvailabilityZone: row.az, AvailabilityZoneId: availabilityZonesOf(row.region).find((z) => z.name === row.az)?.id, GroupName: row.placement_group ?? "", Tenancy: row.tenancy as "default" };
}

export function blockDevices(c: Ec2Context, row: InstanceRow, state: InstanceStateName, attached: AttachedVolume[] | undefined): InstanceBlockDeviceMapping[] {
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

/** The primary interface. */
function networkInterfaces(row: InstanceRow, groups: { GroupId: string; GroupName: string }[], publicIp: string | undefined, privateDns: string, atLaunch: boolean): InstanceNetworkInterface[] {
  const association = () => (publicIp ? { PublicIp: publicIp, PublicDnsName: publicDnsName(publicIp, row.region), IpOwnerId: "amazon" } : undefined);
  return [{
    NetworkInterfaceId: row.eni_id, SubnetId: row.subnet_id, VpcId: row.vpc_id, Description: "", OwnerId: row.account, Status: "in-use",
    MacAddress: row.mac, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDns, SourceDestCheck: row.source_dest_check === 1, Groups: groups,
    Attachment: { AttachmentId: `eni-attach-${row.eni_id.slice(4)}`, DeviceIndex: 0, Status: atLaunch ? "attaching" : "attached", AttachTime: new Date(row.launch_time), DeleteOnTermination: true, NetworkCardIndex: 0 },
    Association: association(),
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDns, Association: association() }],
    Ipv6Addresses: [], InterfaceType: "interface",
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
    ProductCodes: [],
    InstanceType: row.instance_type as Instance["InstanceType"],
    LaunchTime: new Date(row.launch_time),
    Placement: placement(row),
    KernelId: row.kernel_id ?? undefined,
    RamdiskId: row.ramdisk_id ?? undefined,
    Platform: row.platform === "windows" ? ("windows" as "Windows") : undefined,
    Monitoring: { State: row.monitoring as "disabled" },
    SubnetId: terminated ? undefined : row.subnet_id,
    VpcId: terminated ? undefined : row.vpc_id,
    PrivateIpAddress: terminated ? undefined : row.private_ip,
    PublicIpAddress: publicIp,
    StateReason: atLaunch ? { ...LAUNCH_STATE_REASON } : guestShutDown(row, now)
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
    CapacityReservationSpecification: { CapacityReservationPreference: "open" },
    HibernationOptions: { Configured: false },
    MetadataOptions: metadataOptions(atLaunch ? "pending" : "applied"),
    EnclaveOptions: { Enabled: false },
    PlatformDetails: image?.platformDetails ?? "Linux/UNIX",
    UsageOperation: image?.usageOperation ?? "RunInstances",
    UsageOperationUpdateTime: new Date(row.launch_time),
    PrivateDnsNameOptions: { HostnameType: "ip-name", EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    MaintenanceOptions: { AutoRecovery: "default" },
    BootMode: image?.bootMode as "uefi" | undefined,
    CurrentInstanceBootMode: image?.bootMode === "uefi" || image?.bootMode === "uefi-preferred" ? "uefi" : "legacy-bios",
  };
  return out;
}

function cpuOptions(name: string, vcpus: number): { CoreCount: number; ThreadsPerCore: number } {
  const info = typeSpec(name)?.info.VCpuInfo;
  return { CoreCount: info?.DefaultCores ?? vcpus, ThreadsPerCore: info?.DefaultThreadsPerCore ?? 1 };
}

/**
 * An instance as Describe shows it, marked with the version of everything it shows (row version,
 * derived state, tags, attachments): the answer cache writes its XML once per version.
 */
export function presentVersioned(c: Ec2Context, row: InstanceRow, state: InstanceStateName, now: number, tags: Map<string, string>, attached: AttachedVolume[] | undefined): Instance {
  return deferred(answerVersion(row, state, now, tags, attached), () => presentInstance(c, row, now, tags, attached));
}

/**
 * The same from a narrow row (whose version moves with its tags too) and the version of its
 * attachments: the whole row, its tags and attachments are read and presented only when the answer
 * cache has no text for the version.
 */
export function presentDeferred(c: Ec2Context, row: ListedRow, state: InstanceStateName, now: number, attachmentVersion: string): Instance {
  const version = `listed/${row.instance_id}/${row.version}/${state}/${guestShutDown(row, now) ? 1 : 0}/${attachmentVersion}`;
  return deferred(version, () => {
    const tags = c.tags.tagsOf(row.account, row.region, row.instance_id);
    return presentInstance(c, c.instances.byId(row.instance_id)!, now, tags, c.volumes?.attachedTo(row.account, row.region, row.instance_id));
  });
}

function answerVersion(row: ListedRow, state: InstanceStateName, now: number, tags: Map<string, string>, attached: AttachedVolume[] | undefined): string {
  let version = `whole/${row.instance_id}/${row.version}/${state}/${guestShutDown(row, now) ? 1 : 0}/${JSON.stringify([...tags])}`;
  for (const v of attached ?? []) version += `/${v.volumeId},${v.deviceName},${v.status},${v.deleteOnTermination ? 1 : 0},${v.attachTime.getTime()}`;
  return version;
}

import type { DescribeInstancesRequest, DescribeInstancesResult, Instance, InstanceBlockDeviceMapping, Reservation } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import type { Ec2Context } from "../context.js";
import { Ec2Errors, assertIdShape, dryRunGate } from "../errors.js";
import type { FieldReader } from "../filters.js";
import { compileFilters, decodeToken, encodeToken, hasWildcard, pageSize, passes } from "../filters.js";
import { privateDnsName, publicDnsName } from "../../network/addresses.js";
import { availabilityZonesOf } from "../regions.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import { findImage } from "../../images/catalogue.js";
import type { InstanceRow, ListedRow } from "./instance-store.js";
import { STATE_CODES, currentState } from "./lifecycle.js";
import { blockDevices, holdsPublicIp, parseGroups, presentDeferred, presentVersioned } from "./present.js";
import type { AttachedVolume } from "../../../storage/ebs/volume-hooks.js";
import { visible } from "./purge.js";

/** A row with its state derived once and its attachments, which is what every filter reads. */
export interface Derived {
  c: Ec2Context;
  row: InstanceRow;
  state: ReturnType<typeof currentState>;
  attached: AttachedVolume[] | undefined;
}

/**
 * The block device filters read the mappings the instance is answered with (its live attachments),
 * not the devices recorded at launch: a volume attached later matches, a detached one does not.
 */
const mapped = <T>(d: Derived, field: (m: InstanceBlockDeviceMapping) => T): T[] => blockDevices(d.c, d.row, d.state, d.attached).map(field);

const publicIpOf = (d: Derived) => (holdsPublicIp(d.state) ? d.row.public_ip : null);

export const INSTANCE_FILTERS: Record<string, FieldReader<Derived>> = {
  "instance-id": (d) => d.row.instance_id,
  "instance-state-name": (d) => d.state,
  "instance-state-code": (d) => STATE_CODES[d.state],
  "instance-type": (d) => d.row.instance_type,
  "availability-zone": (d) => d.row.az,
  "vpc-id": (d) => d.row.vpc_id,
  "subnet-id": (d) => d.row.subnet_id,
  "image-id": (d) => d.row.image_id,
  "key-name": (d) => d.row.key_name,
  "private-ip-address": (d) => d.row.private_ip,
  "ip-address": publicIpOf,
  "network-interface.addresses.association.public-ip": publicIpOf,
  "private-dns-name": (d) => privateDnsName(d.row.private_ip, d.row.region),
  "dns-name": (d) => { const ip = publicIpOf(d); return ip ? publicDnsName(ip, d.row.region) : null; },
  "instance.group-id": (d) => parseGroups(d.row).map((g) => g.GroupId),
  "instance.group-name": (d) => parseGroups(d.row).map((g) => g.GroupName),
  "group-id": (d) => parseGroups(d.row).map((g) => g.GroupId),
  "group-name": (d) => parseGroups(d.row).map((g) => g.GroupName),
  "placement-group-name": (d) => d.row.placement_group,
  "reservation-id": (d) => d.row.reservation_id,
  "launch-time": (d) => new Date(d.row.launch_time).toISOString(),
  architecture: (d) => d.row.architecture,
  "root-device-type": (d) => d.row.root_device_type,
  "root-device-name": (d) => d.row.root_device_name,
  tenancy: (d) => d.row.tenancy,
  "host-id": (d) => (d.row.tenancy === "host" ? d.row.host_id : null),
  "client-token": (d) => d.row.client_token,
  hypervisor: () => "xen",
  "virtualization-type": (d) => d.row.virtualization_type,
  "owner-id": (d) => d.row.account,
  "requester-id": () => null,
  "instance-lifecycle": () => null,
  platform: (d) => d.row.platform,
  "platform-details": (d) => (d.row.platform === "windows" ? "Windows" : "Linux/UNIX"),
  "ami-launch-index": (d) => d.row.launch_index,
  "kernel-id": (d) => d.row.kernel_id,
  "ramdisk-id": (d) => d.row.ramdisk_id,
  "monitoring-state": (d) => d.row.monitoring,
  "source-dest-check": (d) => d.row.source_dest_check === 1,
  "ebs-optimized": (d) => d.row.ebs_optimized === 1,
  "ena-support": (d) => d.row.ena_support === 1,
  "state-reason-code": (d) => d.row.state_reason_code,
  "state-reason-message": (d) => d.row.state_reason_message,
  "network-interface.network-interface-id": (d) => d.row.eni_id,
  "network-interface.mac-address": (d) => d.row.mac,
  "network-interface.subnet-id": (d) => d.row.subnet_id,
  "network-interface.vpc-id": (d) => d.row.vpc_id,
  "network-interface.private-dns-name": (d) => privateDnsName(d.row.private_ip, d.row.region),
  "network-interface.addresses.private-ip-address": (d) => d.row.private_ip,
  "block-device-mapping.device-name": (d) => mapped(d, (m) => m.DeviceName),
  "block-device-mapping.volume-id": (d) => mapped(d, (m) => m.Ebs?.VolumeId),
  "block-device-mapping.delete-on-termination": (d) => mapped(d, (m) => m.Ebs?.DeleteOnTermination),
  "block-device-mapping.status": (d) => mapped(d, (m) => m.Ebs?.Status),
  "block-device-mapping.attach-time": (d) => mapped(d, (m) => m.Ebs?.AttachTime?.toISOString()),
  "iam-instance-profile.arn": () => null,
  "placement-partition-number": () => null,
  "placement-group-id": () => null,
  "availability-zone-id": (d) => availabilityZonesOf(d.row.region).find((z) => z.name === d.row.az)?.id,
  "network-interface.group-id": (d) => parseGroups(d.row).map((g) => g.GroupId),
  "network-interface.group-name": (d) => parseGroups(d.row).map((g) => g.GroupName),
  "network-interface.status": (d) => (d.state === "terminated" ? null : "in-use"),
  "network-interface.attachment.status": (d) => (d.state === "terminated" ? null : "attached"),
  "network-interface.association.public-ip": publicIpOf,
  "association.public-ip": publicIpOf,
  "metadata-options.http-tokens": () => "required",
  "metadata-options.http-endpoint": () => "enabled",
  "hibernation-options.configured": () => false,
  "cpu-options.core-count": (d) => typeSpec(d.row.instance_type)?.info.VCpuInfo?.DefaultCores ?? d.row.vcpus,
  "cpu-options.threads-per-core": (d) => typeSpec(d.row.instance_type)?.info.VCpuInfo?.DefaultThreadsPerCore ?? 1,
  "boot-mode": (d) => findImage(d.row.region, d.row.image_id)?.bootMode,
  "usage-operation": (d) => findImage(d.row.region, d.row.image_id)?.usageOperation,
  "product-code": () => null,
  "instance-state-reason": (d) => d.row.state_reason_code,
};

/** Looks rows up by id, all or nothing: one unknown or malformed id fails the whole call. */
export function rowsById(c: Ec2Context, ctx: OperationContext, ids: string[], now: number): InstanceRow[] {
  const rows: InstanceRow[] = [];
  const missing: string[] = [];
  for (const id of ids) assertIdShape(id, "i", "InvalidInstanceID.Malformed");
  for (const id of new Set(ids)) {
    const row = c.instances.byId(id);
    if (!row || row.account !== ctx.account || row.region !== ctx.region || !visible(c, row, now)) missing.push(id);
    else rows.push(row);
  }
  if (missing.length) throw Ec2Errors.instanceNotFound(missing);
  return rows.sort((a, b) => a.seq - b.seq);
}

/**
 * The candidate rows for a request: by id when ids are given, by the tag index when an exact
 * `tag:K=v` filter is present (a tag filter matching one instance reads one row), else all rows.
 */
export function candidateRows(c: Ec2Context, ctx: OperationContext, ids: string[] | undefined, filters: DescribeInstancesRequest["Filters"], now: number): InstanceRow[] {
  if (ids?.length) return rowsById(c, ctx, ids, now);
  const tagFilter = filters?.find((f) => f.Name?.startsWith("tag:") && f.Values?.length && !f.Values.some(hasWildcard));
  if (tagFilter) {
    const found = new Set<string>();
    for (const v of tagFilter.Values!) for (const id of c.tags.resourcesWith(ctx.account, ctx.region, tagFilter.Name!.slice(4), v)) if (id.startsWith("i-")) found.add(id);
    const rows: InstanceRow[] = [];
    for (const id of found) {
      const row = c.instances.byId(id);
      if (row && visible(c, row, now)) rows.push(row);
    }
    return rows.sort((a, b) => a.seq - b.seq);
  }
  return c.instances.all(ctx.account, ctx.region).filter((r) => visible(c, r, now));
}

/**
 * Attachments for the candidate instances, read in one query: for the listed ids when the
 * candidates are a few (an id or tag lookup), else for the whole account and region.
 */
function volumesFor(c: Ec2Context, ctx: OperationContext, rows: ListedRow[], all: boolean): ((instanceId: string) => AttachedVolume[]) | undefined {
  const hooks = c.volumes;
  if (!hooks) return undefined;
  if (rows.length === 0) return () => [];
  const attached = hooks.attachedToInstances(ctx.account, ctx.region, all ? undefined : rows.map((r) => r.instance_id));
  return (id) => attached.get(id) ?? [];
}

export function describeInstances(c: Ec2Context, input: DescribeInstancesRequest, ctx: OperationContext): DescribeInstancesResult {
  const now = c.env.clock.now();
  const limit = pageSize(input.MaxResults, 5, 1000, !!input.InstanceIds?.length, "instancesSet");
  const after = decodeToken(input.NextToken);
  if (after !== undefined && typeof after !== "number") throw Ec2Errors.badNextToken();
  const filters = compileFilters(input.Filters, INSTANCE_FILTERS);
  // Without filters a listing reads every row narrowly and a whole row only for an answer not cached yet.
  const narrow = filters.length === 0 && !input.InstanceIds?.length;
  const rows: ListedRow[] = narrow ? c.instances.listed(ctx.account, ctx.region).filter((r) => visible(c, r, now)) : candidateRows(c, ctx, input.InstanceIds, input.Filters, now);
  dryRunGate(input);
  const many = rows.length > 50;
  const attachedOf = narrow ? undefined : volumesFor(c, ctx, rows, many);
  const attachmentVersions = narrow ? c.volumes?.attachmentVersions(ctx.account, ctx.region) : undefined;
  // Tags for the candidates in one query when they are many, else one lookup each.
  const tagged = many && !narrow ? c.tags.tagsOfType(ctx.account, ctx.region, "instance") : undefined;
  const reservations: Reservation[] = [];
  let current: Reservation | undefined;
  let count = 0;
  let nextToken: string | undefined;
  let lastSeq = 0;
  for (const row of rows) {
    if (after !== undefined && row.seq <= after) continue;
    const state = currentState(row, now);
    let instance: Instance;
    if (narrow) instance = presentDeferred(c, row, state, now, attachmentVersions?.get(row.instance_id) ?? "");
    else {
      const full = row as InstanceRow;
      const tags = tagged ? (tagged.get(row.instance_id) ?? new Map<string, string>()) : c.tags.tagsOf(row.account, row.region, row.instance_id);
      const attached = attachedOf?.(row.instance_id);
      instance = presentVersioned(c, full, state, now, tags, attached);
      if (!passes(filters, { c, row: full, state, attached }, tags)) continue;
    }
    // A page never splits a reservation: it ends before the first instance of the next one.
    if (limit !== undefined && count >= limit && current?.ReservationId !== row.reservation_id) {
      nextToken = encodeToken(lastSeq);
      break;
    }
    if (current?.ReservationId !== row.reservation_id) {
      current = { ReservationId: row.reservation_id, OwnerId: row.account, Groups: [], Instances: [] };
      reservations.push(current);
    }
    current.Instances!.push(instance);
    count++;
    lastSeq = row.seq;
  }
  return { Reservations: reservations, NextToken: nextToken };
}

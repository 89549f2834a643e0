import type { DescribeInstanceAttributeRequest, InstanceAttribute, ModifyInstanceAttributeRequest } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import type { Ec2Context } from "../context.js";
import { Ec2Errors, assertIdShape, dryRunGate } from "../errors.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import { hostSpecFor } from "../../hypervisor/catalog-port.js";
import { findImage } from "../../images/catalogue.js";
import type { RecordedDevice } from "./instance-store.js";
import { currentState } from "./lifecycle.js";
import { rowsById } from "./describe-instances.js";
import { checkCompatible, guestShutdown } from "./run-instances.js";
import { quotaBucket } from "./quota-buckets.js";
import { parseGroups } from "./present.js";

/** Attributes that change the virtual hardware or boot contents; EC2 allows them only while stopped. */
const NEEDS_STOPPED = new Set(["instanceType", "userData", "kernel", "ramdisk", "ebsOptimized"]);

const ATTRIBUTE_FIELDS: Record<string, keyof ModifyInstanceAttributeRequest> = {
  instanceType: "InstanceType", kernel: "Kernel", ramdisk: "Ramdisk", userData: "UserData", disableApiTermination: "DisableApiTermination",
  instanceInitiatedShutdownBehavior: "InstanceInitiatedShutdownBehavior", sourceDestCheck: "SourceDestCheck", groupSet: "Groups",
  ebsOptimized: "EbsOptimized", sriovNetSupport: "SriovNetSupport", enaSupport: "EnaSupport", disableApiStop: "DisableApiStop", blockDeviceMapping: "BlockDeviceMappings",
};

const bool = (v: unknown, name: string): number => {
  if (v === true || v === "true") return 1;
  if (v === false || v === "false") return 0;
  throw Ec2Errors.invalidValue(`Value (${String(v)}) for parameter ${name} is invalid. Expected: 'boolean'.`);
};

export function modifyInstanceAttribute(c: Ec2Context, input: ModifyInstanceAttributeRequest, ctx: OperationContext): Record<string, never> {
  if (!input.InstanceId) throw Ec2Errors.missing("InstanceId");
  assertIdShape(input.InstanceId, "i", "InvalidInstanceID.Malformed");
  const now = c.env.clock.now();
  const [row] = rowsById(c, ctx, [input.InstanceId], now);
  // One attribute per call, either as a typed field or as Attribute + Value.
  const given = Object.entries(ATTRIBUTE_FIELDS).filter(([, field]) => input[field] !== undefined && !(Array.isArray(input[field]) && (input[field] as unknown[]).length === 0));
  let attribute: string;
  let value: unknown;
  if (input.Attribute !== undefined) {
    if (given.length) throw Ec2Errors.combination(`Fields for multiple attribute types specified: ${[input.Attribute, ...given.map(([a]) => a)].join(", ")}`);
    attribute = input.Attribute;
    value = input.Value;
    if (value === undefined && attribute !== "groupSet") throw Ec2Errors.missing("Value");
  } else {
    if (given.length === 0) throw Ec2Errors.missing("Attribute");
    if (given.length > 1) throw Ec2Errors.combination(`Fields for multiple attribute types specified: ${given.map(([a]) => a).join(", ")}`);
    attribute = given[0]![0];
    const raw = input[given[0]![1]] as unknown;
    value = Array.isArray(raw) ? raw : (raw as { Value?: unknown }).Value;
  }
  const state = currentState(row!, now);
  if (NEEDS_STOPPED.has(attribute) && state !== "stopped") throw Ec2Errors.incorrectState(`The instance '${row!.instance_id}' is not in the 'stopped' state.`);
  const updates: [Parameters<typeof c.instances.update>[1], string | number | null][] = [];
  let deleteOnTermination: [string, boolean][] = [];
  switch (attribute) {
    case "instanceType": {
      const type = typeSpec(String(value));
      if (!type) throw new ServiceError("InvalidInstanceAttributeValue", `The instanceType '${String(value)}' is invalid.`);
      const image = findImage(row!.region, row!.image_id);
      if (image) checkCompatible(type, image);
      const host = hostSpecFor(type)!;
      updates.push(["instance_type", type.name], ["vcpus", type.vcpus], ["memory_mib", type.memoryMiB], ["host_threads", type.threads], ["gpus", type.gpus], ["quota_bucket", quotaBucket(type.family)], ["host_family", host.family], ["hypervisor", host.hypervisor]);
      break;
    }
    case "userData": {
      const data = Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value as Uint8Array) : Buffer.from(String(value), "base64");
      if (data.length > 16384) throw Ec2Errors.invalidValue("User data is limited to 16384 bytes");
      updates.push(["user_data", data.length ? data.toString("base64") : null]);
      break;
    }
    case "kernel": updates.push(["kernel_id", String(value)]); break;
    case "ramdisk": updates.push(["ramdisk_id", String(value)]); break;
    case "disableApiTermination": updates.push(["disable_api_termination", bool(value, "DisableApiTermination")]); break;
    case "disableApiStop": updates.push(["disable_api_stop", bool(value, "DisableApiStop")]); break;
    case "sourceDestCheck": updates.push(["source_dest_check", bool(value, "SourceDestCheck")]); break;
    case "ebsOptimized": updates.push(["ebs_optimized", bool(value, "EbsOptimized")]); break;
    case "enaSupport": updates.push(["ena_support", bool(value, "EnaSupport")]); break;
    case "instanceInitiatedShutdownBehavior": {
      if (value !== "stop" && value !== "terminate") throw Ec2Errors.invalidValue(`Value (${String(value)}) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are stop, terminate.`);
      updates.push(["shutdown_behavior", value]);
      // A guest shutdown still to come follows the new behaviour (it is read when the guest powers off).
      const r = row!;
      if (r.guest_shutdown_at !== null && r.guest_shutdown_at > now && (r.state === "pending" || r.state === "running")) {
        const guest = guestShutdown(c, r.user_data, value, r.guest_shutdown_at - c.settings.lifecycle.guestShutdownDelayMs)!;
        updates.push(["guest_shutdown_ends_at", guest.endsAt], ["host_release_at", guest.endsAt], ["terminated_at", value === "terminate" ? guest.endsAt : null]);
        const boots = (JSON.parse(r.boots) as { at: number; kind: string }[]).map((e) => (e.at === r.guest_shutdown_at && e.kind !== "boot" ? { ...e, kind: value === "terminate" ? "terminate" : "stop" } : e));
        updates.push(["boots", JSON.stringify(boots)]);
      }
      break;
    }
    case "groupSet": {
      const ids = (Array.isArray(value) ? value : [value]).map(String);
      if (!ids.length) throw Ec2Errors.missing("GroupId");
      const groups = ids.map((id) => {
        const g = c.network.group(ctx.account, ctx.region, id);
        if (!g) throw new ServiceError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
        return { GroupId: g.groupId, GroupName: g.groupName };
      });
      updates.push(["groups", JSON.stringify(groups)]);
      break;
    }
    case "blockDeviceMapping": {
      const devices = JSON.parse(row!.block_devices) as RecordedDevice[];
      for (const m of (input.BlockDeviceMappings ?? [])) {
        const d = devices.find((x) => x.deviceName === m.DeviceName);
        const attached = c.volumes ? c.volumes.attachedTo(ctx.account, ctx.region, row!.instance_id).some((v) => v.deviceName === m.DeviceName) : !!d;
        if (!attached) throw Ec2Errors.invalidValue(`The device '${m.DeviceName}' is not attached to instance '${row!.instance_id}'.`);
        if (m.Ebs?.DeleteOnTermination !== undefined && d) d.deleteOnTermination = m.Ebs.DeleteOnTermination;
      }
      updates.push(["block_devices", JSON.stringify(devices)]);
      deleteOnTermination = (input.BlockDeviceMappings ?? []).filter((m) => m.Ebs?.DeleteOnTermination !== undefined).map((m) => [m.DeviceName!, m.Ebs!.DeleteOnTermination!]);
      break;
    }
    default:
      throw Ec2Errors.invalidValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  dryRunGate(input);
  c.env.db.transaction(() => {
    for (const [column, v] of updates) c.instances.update(row!.instance_id, column, v);
    for (const [device, flag] of deleteOnTermination) c.volumes?.setDeleteOnTermination(ctx.account, ctx.region, row!.instance_id, device, flag);
  });
  return {};
}

export function describeInstanceAttribute(c: Ec2Context, input: DescribeInstanceAttributeRequest, ctx: OperationContext): InstanceAttribute {
  if (!input.InstanceId) throw Ec2Errors.missing("InstanceId");
  if (!input.Attribute) throw Ec2Errors.missing("Attribute");
  const now = c.env.clock.now();
  const [row] = rowsById(c, ctx, [input.InstanceId], now);
  const r = row!;
  dryRunGate(input);
  const out: InstanceAttribute = { InstanceId: r.instance_id };
  switch (input.Attribute) {
    case "instanceType": out.InstanceType = { Value: r.instance_type }; break;
    case "kernel": out.KernelId = r.kernel_id ? { Value: r.kernel_id } : {}; break;
    case "ramdisk": out.RamdiskId = r.ramdisk_id ? { Value: r.ramdisk_id } : {}; break;
    case "userData": out.UserData = r.user_data ? { Value: r.user_data } : {}; break;
    case "disableApiTermination": out.DisableApiTermination = { Value: r.disable_api_termination === 1 }; break;
    case "disableApiStop": out.DisableApiStop = { Value: r.disable_api_stop === 1 }; break;
    case "instanceInitiatedShutdownBehavior": out.InstanceInitiatedShutdownBehavior = { Value: r.shutdown_behavior }; break;
    case "rootDeviceName": out.RootDeviceName = { Value: r.root_device_name }; break;
    case "blockDeviceMapping": {
      const attached = c.volumes?.attachedTo(r.account, r.region, r.instance_id);
      out.BlockDeviceMappings = attached
        ? attached.map((v) => ({ DeviceName: v.deviceName, Ebs: { VolumeId: v.volumeId, Status: v.status, AttachTime: v.attachTime, DeleteOnTermination: v.deleteOnTermination } }))
        : (JSON.parse(r.block_devices) as RecordedDevice[]).map((d) => ({ DeviceName: d.deviceName, Ebs: { VolumeId: d.volumeId, Status: "attached", AttachTime: new Date(d.attachTime), DeleteOnTermination: d.deleteOnTermination } }));
      break;
    }
    case "productCodes": out.ProductCodes = []; break;
    case "sourceDestCheck": out.SourceDestCheck = { Value: r.source_dest_check === 1 }; break;
    case "groupSet": out.Groups = parseGroups(r); break;
    case "ebsOptimized": out.EbsOptimized = { Value: r.ebs_optimized === 1 }; break;
    case "enaSupport": out.EnaSupport = { Value: r.ena_support === 1 }; break;
    case "sriovNetSupport": out.SriovNetSupport = {}; break;
    case "enclaveOptions": out.EnclaveOptions = { Enabled: false }; break;
    default:
      throw Ec2Errors.invalidValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  return out;
}

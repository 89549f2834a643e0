import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/**
 * Size and performance rules per volume type, in one table (current AWS limits: gp3 and io2 to
 * 64 TiB). Messages follow the texts real EC2 returns for the same mistakes.
 */
export interface VolumeTypeRule {
  minSize: number;
  maxSize: number;
  /** IOPS settable: "required" (io1/io2), "optional" (gp3) or not at all. */
  iops: "required" | "optional" | "none";
  minIops?: number;
  maxIops?: number;
  defaultIops?: number;
  maxIopsPerGiB?: number;
  throughput: boolean;
  minThroughput?: number;
  maxThroughput?: number;
  defaultThroughput?: number;
  /** MiB/s per provisioned IOPS. */
  maxThroughputPerIops?: number;
  multiAttach: boolean;
  bootable: boolean;
}

export const VOLUME_TYPES: Record<string, VolumeTypeRule> = {
  gp3: { minSize: 1, maxSize: 65536, iops: "optional", minIops: 3000, maxIops: 80000, defaultIops: 3000, maxIopsPerGiB: 500, throughput: true, minThroughput: 125, maxThroughput: 2000, defaultThroughput: 125, maxThroughputPerIops: 0.25, multiAttach: false, bootable: true },
  gp2: { minSize: 1, maxSize: 16384, iops: "none", throughput: false, multiAttach: false, bootable: true },
  io1: { minSize: 4, maxSize: 16384, iops: "required", minIops: 100, maxIops: 64000, maxIopsPerGiB: 50, throughput: false, multiAttach: true, bootable: true },
  io2: { minSize: 4, maxSize: 65536, iops: "required", minIops: 100, maxIops: 256000, maxIopsPerGiB: 1000, throughput: false, multiAttach: true, bootable: true },
  st1: { minSize: 125, maxSize: 16384, iops: "none", throughput: false, multiAttach: false, bootable: false },
  sc1: { minSize: 125, maxSize: 16384, iops: "none", throughput: false, multiAttach: false, bootable: false },
  standard: { minSize: 1, maxSize: 1024, iops: "none", throughput: false, multiAttach: false, bootable: true },
};

export const VOLUME_TYPE_NAMES = Object.keys(VOLUME_TYPES);

const invalid = (message: string) => new ServiceError("InvalidParameterValue", message);
const combination = (message: string) => new ServiceError("InvalidParameterCombination", message);

export function volumeTypeRule(type: string): VolumeTypeRule {
  const rule = VOLUME_TYPES[type];
  if (!rule) throw invalid(`Value (${type}) for parameter volumeType is invalid. Valid values: ${VOLUME_TYPE_NAMES.join(", ")}`);
  return rule;
}

export interface VolumeSpec {
  size: number;
  type: string;
  iops?: number | undefined;
  throughput?: number | undefined;
  multiAttach?: boolean | undefined;
}

/** The performance a volume of this spec gets: gp2's IOPS come from its size, gp3's from defaults. */
export interface ResolvedPerformance {
  iops: number | null;
  throughput: number | null;
}

export function baselineIops(type: string, size: number, iops: number | null): number | null {
  if (type === "gp2") return Math.min(16000, Math.max(100, size * 3));
  if (type === "st1" || type === "sc1" || type === "standard") return null;
  return iops;
}

/** Validates a whole spec (CreateVolume, launch volumes, the target of ModifyVolume) and fills defaults. */
export function validateVolumeSpec(spec: VolumeSpec): ResolvedPerformance {
  const rule = volumeTypeRule(spec.type);
  if (!Number.isInteger(spec.size) || spec.size < rule.minSize) throw invalid(`Volume of ${spec.size}GiB is too small for volume type ${spec.type}; minimum is ${rule.minSize}GiB`);
  if (spec.size > rule.maxSize) throw invalid(`Volume of ${spec.size}GiB is too large for volume type ${spec.type}; maximum is ${rule.maxSize}GiB`);
  let iops: number | null = null;
  if (rule.iops === "none") {
    if (spec.iops !== undefined) throw combination(`The parameter iops is not supported for ${spec.type} volumes.`);
  } else {
    if (spec.iops === undefined && rule.iops === "required") throw combination(`The parameter iops must be specified for ${spec.type} volumes.`);
    iops = spec.iops ?? rule.defaultIops!;
    if (iops < rule.minIops!) throw invalid(`Volume iops of ${iops} is too low; minimum is ${rule.minIops}.`);
    if (iops > rule.maxIops!) throw invalid(`Volume iops of ${iops} is too high; maximum is ${rule.maxIops}.`);
    // gp3's 3,000 baseline is allowed at any size; the ratio only binds above it.
    if (spec.iops !== undefined && iops > (rule.defaultIops ?? 0) && iops / spec.size > rule.maxIopsPerGiB!) {
      throw invalid(`Iops to volume size ratio of ${(iops / spec.size).toFixed(6)} is too high; maximum is ${rule.maxIopsPerGiB}`);
    }
  }
  let throughput: number | null = null;
  if (!rule.throughput) {
    if (spec.throughput !== undefined) throw combination(`The parameter throughput is not supported for ${spec.type} volumes.`);
  } else {
    throughput = spec.throughput ?? rule.defaultThroughput!;
    if (throughput < rule.minThroughput!) throw invalid(`Volume throughput of ${throughput} is too low; minimum is ${rule.minThroughput}.`);
    if (throughput > rule.maxThroughput!) throw invalid(`Volume throughput of ${throughput} is too high; maximum is ${rule.maxThroughput}.`);
    if (spec.throughput !== undefined && throughput > rule.defaultThroughput! && iops !== null && throughput / iops > rule.maxThroughputPerIops!) {
      throw invalid(`Throughput (MiBps) to iops ratio of ${(throughput / iops).toFixed(6)} is too high; maximum is ${rule.maxThroughputPerIops!.toFixed(6)} MiBps per iops.`);
    }
  }
  if (spec.multiAttach && !rule.multiAttach) throw combination(`Multi-Attach is supported only on io1 and io2 volumes, not on ${spec.type} volumes.`);
  return { iops, throughput };
}

import type { Filter, InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { allInstanceTypes, instanceType } from "./instance-types.js";
import { wildcardMatcher } from "../ec2/filters.js";

/**
 * DescribeInstanceTypes filtering, for the EC2 handler: the filter names of the API reference, each reading
 * one field of InstanceTypeInfo. Values within a filter are OR'ed, filters AND'ed; every value may use
 * wildcards and is compared with the field's text form ("true", "8192", "3.1"). A list field matches when
 * any element does.
 */
type Extract = (t: InstanceTypeInfo) => unknown;

const FILTERS: Record<string, Extract> = {
  "auto-recovery-supported": (t) => t.AutoRecoverySupported,
  "bare-metal": (t) => t.BareMetal,
  "burstable-performance-supported": (t) => t.BurstablePerformanceSupported,
  "current-generation": (t) => t.CurrentGeneration,
  "dedicated-hosts-supported": (t) => t.DedicatedHostsSupported,
  "ebs-info.attachment-limit-type": (t) => t.EbsInfo?.AttachmentLimitType,
  "ebs-info.maximum-ebs-attachments": (t) => t.EbsInfo?.MaximumEbsAttachments,
  "ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps": (t) => t.EbsInfo?.EbsOptimizedInfo?.BaselineBandwidthInMbps,
  "ebs-info.ebs-optimized-info.baseline-iops": (t) => t.EbsInfo?.EbsOptimizedInfo?.BaselineIops,
  "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps": (t) => t.EbsInfo?.EbsOptimizedInfo?.BaselineThroughputInMBps,
  "ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps": (t) => t.EbsInfo?.EbsOptimizedInfo?.MaximumBandwidthInMbps,
  "ebs-info.ebs-optimized-info.maximum-iops": (t) => t.EbsInfo?.EbsOptimizedInfo?.MaximumIops,
  "ebs-info.ebs-optimized-info.maximum-throughput-in-mbps": (t) => t.EbsInfo?.EbsOptimizedInfo?.MaximumThroughputInMBps,
  "ebs-info.ebs-optimized-support": (t) => t.EbsInfo?.EbsOptimizedSupport,
  "ebs-info.encryption-support": (t) => t.EbsInfo?.EncryptionSupport,
  "ebs-info.nvme-support": (t) => t.EbsInfo?.NvmeSupport,
  "free-tier-eligible": (t) => t.FreeTierEligible,
  "hibernation-supported": (t) => t.HibernationSupported,
  "hypervisor": (t) => t.Hypervisor,
  "instance-storage-info.disk.count": (t) => t.InstanceStorageInfo?.Disks?.map((d) => d.Count),
  "instance-storage-info.disk.size-in-gb": (t) => t.InstanceStorageInfo?.Disks?.map((d) => d.SizeInGB),
  "instance-storage-info.disk.type": (t) => t.InstanceStorageInfo?.Disks?.map((d) => d.Type),
  "instance-storage-info.encryption-support": (t) => t.InstanceStorageInfo?.EncryptionSupport,
  "instance-storage-info.nvme-support": (t) => t.InstanceStorageInfo?.NvmeSupport,
  "instance-storage-info.total-size-in-gb": (t) => t.InstanceStorageInfo?.TotalSizeInGB,
  "instance-storage-supported": (t) => t.InstanceStorageSupported,
  "instance-type": (t) => t.InstanceType,
  "memory-info.size-in-mib": (t) => t.MemoryInfo?.SizeInMiB,
  "network-info.bandwidth-weightings": (t) => t.NetworkInfo?.BandwidthWeightings,
  "network-info.efa-info.maximum-efa-interfaces": (t) => t.NetworkInfo?.EfaInfo?.MaximumEfaInterfaces,
  "network-info.efa-supported": (t) => t.NetworkInfo?.EfaSupported,
  "network-info.ena-support": (t) => t.NetworkInfo?.EnaSupport,
  "network-info.flexible-ena-queues-support": (t) => t.NetworkInfo?.FlexibleEnaQueuesSupport,
  "network-info.encryption-in-transit-supported": (t) => t.NetworkInfo?.EncryptionInTransitSupported,
  "network-info.ipv4-addresses-per-interface": (t) => t.NetworkInfo?.Ipv4AddressesPerInterface,
  "network-info.ipv6-addresses-per-interface": (t) => t.NetworkInfo?.Ipv6AddressesPerInterface,
  "network-info.ipv6-supported": (t) => t.NetworkInfo?.Ipv6Supported,
  "network-info.maximum-network-cards": (t) => t.NetworkInfo?.MaximumNetworkCards,
  "network-info.maximum-network-interfaces": (t) => t.NetworkInfo?.MaximumNetworkInterfaces,
  "network-info.network-performance": (t) => t.NetworkInfo?.NetworkPerformance,
  "nitro-enclaves-support": (t) => t.NitroEnclavesSupport,
  "nitro-tpm-support": (t) => t.NitroTpmSupport,
  "nitro-tpm-info.supported-versions": (t) => t.NitroTpmInfo?.SupportedVersions,
  "processor-info.supported-architecture": (t) => t.ProcessorInfo?.SupportedArchitectures,
  "processor-info.sustained-clock-speed-in-ghz": (t) => t.ProcessorInfo?.SustainedClockSpeedInGhz,
  "processor-info.supported-features": (t) => t.ProcessorInfo?.SupportedFeatures,
  "reboot-migration-support": (t) => t.RebootMigrationSupport,
  "supported-boot-mode": (t) => t.SupportedBootModes,
  "supported-root-device-type": (t) => t.SupportedRootDeviceTypes,
  "supported-usage-class": (t) => t.SupportedUsageClasses,
  "supported-virtualization-type": (t) => t.SupportedVirtualizationTypes,
  "vcpu-info.default-cores": (t) => t.VCpuInfo?.DefaultCores,
  "vcpu-info.default-threads-per-core": (t) => t.VCpuInfo?.DefaultThreadsPerCore,
  "vcpu-info.default-vcpus": (t) => t.VCpuInfo?.DefaultVCpus,
  "vcpu-info.valid-cores": (t) => t.VCpuInfo?.ValidCores,
  // The reference's example value "1,2" names the whole list, so the joined form matches as well.
  "vcpu-info.valid-threads-per-core": (t) => withJoined(t.VCpuInfo?.ValidThreadsPerCore),
};

function withJoined(list: number[] | undefined): unknown {
  return list ? [...list, list.join(",")] : undefined;
}

/** The filter names DescribeInstanceTypes accepts. */
export const INSTANCE_TYPE_FILTER_NAMES: readonly string[] = Object.freeze(Object.keys(FILTERS));

/** The error AWS answers for a filter name it does not know. */
export function invalidFilter(name: string | undefined): ServiceError {
  return new ServiceError("InvalidParameterValue", `The filter '${name ?? ""}' is invalid`, { status: 400 });
}

function textsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  return [String(value)];
}

/**
 * A predicate for a list of filters; throws InvalidParameterValue for an unknown filter name before
 * anything is matched. No filters → everything matches.
 */
export function instanceTypePredicate(filters: readonly Filter[] | undefined): (t: InstanceTypeInfo) => boolean {
  const compiled = (filters ?? []).map((f) => {
    const extract = f.Name !== undefined && Object.hasOwn(FILTERS, f.Name) ? FILTERS[f.Name] : undefined;
    if (!extract) throw invalidFilter(f.Name);
    return { extract, matchers: (f.Values ?? []).map(wildcardMatcher) };
  });
  return (t) => compiled.every(({ extract, matchers }) => {
    const texts = textsOf(extract(t));
    return matchers.some((m) => texts.some(m));
  });
}

export function filterInstanceTypes(types: readonly InstanceTypeInfo[], filters: readonly Filter[] | undefined): InstanceTypeInfo[] {
  const keep = instanceTypePredicate(filters);
  return types.filter(keep);
}

/**
 * The catalogue part of DescribeInstanceTypes: the named types (all when none are named) that pass the
 * filters, in catalogue order. Unknown names fail the whole call, as on AWS.
 */
export function describeInstanceTypes(names: readonly string[] | undefined, filters: readonly Filter[] | undefined): InstanceTypeInfo[] {
  const keep = instanceTypePredicate(filters);
  if (!names?.length) return allInstanceTypes().filter(keep);
  const unknown = names.filter((n) => !instanceType(n));
  if (unknown.length) {
    throw new ServiceError("InvalidInstanceType", `The following supplied instance types do not exist: [${unknown.join(", ")}]`, { status: 400 });
  }
  const wanted = new Set(names);
  return allInstanceTypes().filter((t) => wanted.has(t.InstanceType!) && keep(t));
}

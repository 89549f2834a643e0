import type { InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { allInstanceTypes, familyOf, instanceType, sizeOf } from "./instance-types.js";
import { guestMemoryMiB, guestThreads, guestThreadsPerSocket, hostTypeFor, type HostType } from "./host-types.js";

/**
 * How instances use a host. vCPUs are space-shared on hardware threads (one vCPU, one thread) and memory is
 * never overcommitted. An instance that fits in one socket is kept in one socket (no NUMA spanning): that
 * is what makes AWS's R5 host take at most 2 × r5.8xlarge although 3 × 16 cores would fit 48.
 *
 * Burstable hosts share threads: AWS's T3 Dedicated Host (48 cores) takes 192 instances up to medium,
 * 96 large, 48 xlarge and 24 2xlarge, i.e. sizes up to medium hold a quarter of their vCPUs' threads and
 * larger sizes half. cloudbox applies the same shares to every burstable family.
 */
export interface InstanceFootprint {
  /** Hardware threads held (fractional on burstable hosts). */
  threads: number;
  memoryMiB: number;
  gpus: number;
  /** A .metal instance takes the whole host and never shares it with virtualized sizes. */
  wholeHost: boolean;
}

const SMALL_BURSTABLE_SIZES = new Set(["nano", "micro", "small", "medium"]);

export function footprintOf(info: InstanceTypeInfo, host: HostType): InstanceFootprint {
  const vcpus = info.VCpuInfo?.DefaultVCpus ?? 0;
  const share = host.burstable ? (SMALL_BURSTABLE_SIZES.has(sizeOf(info.InstanceType!)) ? 0.25 : 0.5) : 1;
  const gpus = (info.GpuInfo?.Gpus ?? []).reduce((sum, g) => sum + (g.Count ?? 0), 0);
  return { threads: vcpus * share, memoryMiB: info.MemoryInfo?.SizeInMiB ?? 0, gpus, wholeHost: info.BareMetal === true };
}

/** How many instances of one type an empty host takes (the TotalCapacity of DescribeHosts' AvailableInstanceCapacity). */
export function maxInstancesPerHost(host: HostType, info: InstanceTypeInfo): number {
  if (familyOf(info.InstanceType!) !== host.family) return 0;
  const f = footprintOf(info, host);
  if (f.wholeHost) return 1;
  const perSocket = guestThreadsPerSocket(host);
  const byThreads = f.threads <= perSocket
    ? host.sockets * Math.floor(perSocket / f.threads + 1e-9)
    : Math.floor(guestThreads(host) / f.threads + 1e-9);
  const byMemory = Math.floor(guestMemoryMiB(host) / f.memoryMiB);
  const byGpus = f.gpus > 0 ? Math.floor(host.gpus / f.gpus) : Infinity;
  return Math.min(byThreads, byMemory, byGpus);
}

/** Sizes that run on a host type, with how many of each an empty host takes. */
export function hostCapacity(host: HostType): { instanceType: string; maxInstances: number }[] {
  return allInstanceTypes()
    .filter((t) => familyOf(t.InstanceType!) === host.family)
    .map((t) => ({ instanceType: t.InstanceType!, maxInstances: maxInstancesPerHost(host, t) }))
    .filter((c) => c.maxInstances > 0);
}

/** Capacity of the host type an instance type runs on, or 0 for a type cloudbox does not know. */
export function instancesPerHost(instanceTypeName: string): number {
  const info = instanceType(instanceTypeName);
  const host = hostTypeFor(instanceTypeName);
  return info && host ? maxInstancesPerHost(host, info) : 0;
}

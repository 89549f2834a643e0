/**
 * What the hypervisor needs of the hardware catalogue (compute/catalog/): per instance type its
 * virtual hardware and footprint on a host, per family the physical host that runs it.
 */
import type { InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { allHostTypes, footprintOf, guestMemoryMiB, guestThreadsPerSocket, hostTypeFor, hostTypeOfFamily, instanceType, totalThreads } from "../catalog/index.js";
import type { HostType } from "../catalog/index.js";

export interface TypeSpec {
  name: string;
  family: string;
  vcpus: number;
  memoryMiB: number;
  architectures: string[];
  virtualizationTypes: string[];
  /** undefined for bare metal. */
  hypervisor: "nitro" | "xen" | undefined;
  bareMetal: boolean;
  burstable: boolean;
  /** Hardware threads held on the host: one per vCPU, a share of one on burstable hosts. */
  threads: number;
  gpus: number;
  info: InstanceTypeInfo;
}

export interface HostSpec {
  family: string;
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  memoryMiB: number;
  hypervisor: "nitro" | "xen";
  /** Xen's management domain keeps these for itself; Nitro offloads it to cards (0). */
  dom0VCpus: number;
  dom0MemoryMiB: number;
  guestThreadsPerSocket: number;
  guestMemoryMiB: number;
  totalThreads: number;
  gpus: number;
}

const hostSpecs = new Map<string, HostSpec>();
const typeSpecs = new Map<string, TypeSpec | null>();

function toHostSpec(h: HostType): HostSpec {
  let spec = hostSpecs.get(h.family);
  if (!spec) {
    spec = {
      family: h.family, sockets: h.sockets, coresPerSocket: h.coresPerSocket, threadsPerCore: h.threadsPerCore, memoryMiB: Math.round(h.memoryGiB * 1024),
      hypervisor: h.hypervisor, dom0VCpus: h.reserved.coresPerSocket * h.sockets * h.threadsPerCore, dom0MemoryMiB: Math.round(h.reserved.memoryGiB * 1024),
      guestThreadsPerSocket: guestThreadsPerSocket(h), guestMemoryMiB: guestMemoryMiB(h), totalThreads: totalThreads(h), gpus: h.gpus,
    };
    hostSpecs.set(h.family, spec);
  }
  return spec;
}

export function typeSpec(name: string): TypeSpec | undefined {
  const cached = typeSpecs.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const info = instanceType(name);
  const host = hostTypeFor(name);
  if (!info || !host) {
    typeSpecs.set(name, null);
    return undefined;
  }
  const f = footprintOf(info, host);
  const spec: TypeSpec = {
    name, family: host.family, vcpus: info.VCpuInfo?.DefaultVCpus ?? 0, memoryMiB: info.MemoryInfo?.SizeInMiB ?? 0,
    architectures: [...(info.ProcessorInfo?.SupportedArchitectures ?? [])], virtualizationTypes: [...(info.SupportedVirtualizationTypes ?? ["hvm"])],
    hypervisor: info.Hypervisor as "nitro" | "xen" | undefined, bareMetal: info.BareMetal === true, burstable: info.BurstablePerformanceSupported === true,
    threads: f.threads, gpus: f.gpus, info,
  };
  typeSpecs.set(name, spec);
  return spec;
}

export function hostSpecFor(type: TypeSpec): HostSpec | undefined {
  return hostSpecOfFamily(type.family);
}

export function hostSpecOfFamily(family: string): HostSpec | undefined {
  const h = hostTypeOfFamily(family);
  return h ? toHostSpec(h) : undefined;
}

export function hostFamilies(): string[] {
  return allHostTypes().map((h) => h.family);
}

/**
 * What the hypervisor needs to know of the hardware catalogue: per instance type its virtual
 * hardware, per family the physical host that runs it. One narrow seam, so the catalogue's full
 * DescribeInstanceTypes shape stays in compute/catalog/.
 */
import { STAND_IN_HOSTS, STAND_IN_TYPES } from "./catalog-stand-in.js";

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
}

export function typeSpec(name: string): TypeSpec | undefined {
  return STAND_IN_TYPES.get(name);
}

export function allTypeSpecs(): TypeSpec[] {
  return [...STAND_IN_TYPES.values()];
}

export function hostSpecFor(type: TypeSpec): HostSpec | undefined {
  return STAND_IN_HOSTS[type.family];
}

export function hostFamilies(): string[] {
  return Object.keys(STAND_IN_HOSTS);
}

export function hostSpecOfFamily(family: string): HostSpec | undefined {
  return STAND_IN_HOSTS[family];
}

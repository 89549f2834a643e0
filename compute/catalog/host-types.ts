import { familyOf } from "./instance-types.js";

/**
 * Physical host types, one per instance family, in the terms of EC2 Dedicated Hosts (HostProperties:
 * Sockets, Cores, TotalVCpus). A host runs instances of its own family only, as on AWS.
 *
 * Where AWS publishes a configuration (Dedicated Hosts "instance capacity configurations": m5, r5 and t3
 * hosts have 2 sockets and 48 physical cores) it is used; the other figures are chosen by cloudbox so that
 * the largest size of the family fills exactly the cores and memory left to guests (`documented: false`).
 *
 * Xen hosts run a management domain (dom0) on the machine itself: it keeps some cores of every socket and
 * some memory, which is why a Xen host's largest instance is smaller than the box (c4: 2 × 10 cores, but
 * c4.8xlarge has 18 cores / 36 vCPUs). Nitro hosts offload that work to Nitro cards and give guests all of it.
 */
export interface HostType {
  family: string;
  hypervisor: "nitro" | "xen";
  architecture: "x86_64" | "arm64";
  processor: string;
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  memoryGiB: number;
  /** GPUs in the box; each GPU instance takes its own GPUs. */
  gpus: number;
  /** What dom0 keeps on a Xen host (per socket for cores). Zero on Nitro. */
  reserved: { coresPerSocket: number; memoryGiB: number };
  /** Burstable hosts share hardware threads between instances (see host-capacity.ts). */
  burstable: boolean;
  /** True when sockets/cores/memory are AWS's published figures for this family's Dedicated Host. */
  documented: boolean;
}

const NONE = { coresPerSocket: 0, memoryGiB: 0 };

function nitro(family: string, processor: string, sockets: number, coresPerSocket: number, threadsPerCore: number, memoryGiB: number, extra: Partial<HostType> = {}): HostType {
  return {
    family, hypervisor: "nitro", architecture: processor.startsWith("AWS Graviton") ? "arm64" : "x86_64", processor,
    sockets, coresPerSocket, threadsPerCore, memoryGiB, gpus: 0, reserved: NONE, burstable: false, documented: false, ...extra,
  };
}

function xen(family: string, processor: string, sockets: number, coresPerSocket: number, memoryGiB: number, reserved: HostType["reserved"], extra: Partial<HostType> = {}): HostType {
  return {
    family, hypervisor: "xen", architecture: "x86_64", processor,
    sockets, coresPerSocket, threadsPerCore: 2, memoryGiB, gpus: 0, reserved, burstable: false, documented: false, ...extra,
  };
}

const HOST_TYPES: readonly HostType[] = Object.freeze([
  // General purpose
  nitro("m5", "Intel Xeon Platinum 8175M", 2, 24, 2, 384, { documented: true }),
  nitro("m6g", "AWS Graviton2", 1, 64, 1, 256),
  nitro("m7i", "Intel Xeon Platinum 8488C", 2, 48, 2, 768),
  // Burstable: T3 hosts are documented (48 cores, up to 192 instances); the others follow the same sharing.
  nitro("t3", "Intel Xeon Platinum 8175M", 2, 24, 2, 768, { burstable: true, documented: true }),
  nitro("t3a", "AMD EPYC 7571", 2, 32, 2, 1024, { burstable: true }),
  nitro("t4g", "AWS Graviton2", 1, 64, 1, 512, { burstable: true }),
  xen("t2", "Intel Xeon E5-2676 v3", 2, 12, 384, { coresPerSocket: 1, memoryGiB: 8 }, { burstable: true }),
  xen("t1", "Intel Xeon E5-2650", 2, 8, 64, { coresPerSocket: 1, memoryGiB: 4 }, { burstable: true }),
  // Memory optimized
  nitro("r5", "Intel Xeon Platinum 8175M", 2, 24, 2, 768, { documented: true }),
  xen("x1e", "Intel Xeon E7-8880 v3", 4, 18, 4096, { coresPerSocket: 2, memoryGiB: 192 }),
  // Compute optimized
  nitro("c5", "Intel Xeon Platinum 8275CL", 2, 24, 2, 192),
  nitro("c5n", "Intel Xeon Platinum 8124M", 2, 18, 2, 192),
  nitro("c6g", "AWS Graviton2", 1, 64, 1, 128),
  // Cluster compute / HPC. cc2 gave its one guest every hardware thread; dom0 only kept memory.
  xen("cc2", "Intel Xeon E5-2670", 2, 8, 64, { coresPerSocket: 0, memoryGiB: 3.5 }),
  nitro("hpc6a", "AMD EPYC 7R13", 2, 48, 1, 384),
  // GPU
  xen("p3", "Intel Xeon E5-2686 v4", 2, 18, 512, { coresPerSocket: 2, memoryGiB: 24 }, { gpus: 8 }),
  nitro("g4dn", "Intel Xeon Platinum 8259CL", 2, 24, 2, 384, { gpus: 8 }),
  nitro("g5", "AMD EPYC 7R32", 2, 48, 2, 768, { gpus: 8 }),
  // Older Xen generations
  xen("m1", "Intel Xeon E5-2650", 2, 8, 128, { coresPerSocket: 1, memoryGiB: 8 }),
  xen("m3", "Intel Xeon E5-2670 v2", 2, 10, 128, { coresPerSocket: 2, memoryGiB: 8 }),
  xen("m4", "Intel Xeon E5-2686 v4", 2, 18, 272, { coresPerSocket: 2, memoryGiB: 16 }),
  xen("c3", "Intel Xeon E5-2680 v2", 2, 10, 64, { coresPerSocket: 2, memoryGiB: 4 }),
  xen("c4", "Intel Xeon E5-2666 v3", 2, 10, 64, { coresPerSocket: 1, memoryGiB: 4 }),
].map((h) => Object.freeze({ ...h, reserved: Object.freeze({ ...h.reserved }) })));

const BY_FAMILY = new Map(HOST_TYPES.map((h) => [h.family, h]));

export function allHostTypes(): readonly HostType[] {
  return HOST_TYPES;
}

export function hostTypeOfFamily(family: string): HostType | undefined {
  return BY_FAMILY.get(family);
}

/** The host type an instance of this type runs on (t3.micro → the t3 host), undefined if unknown. */
export function hostTypeFor(instanceTypeName: string): HostType | undefined {
  return BY_FAMILY.get(familyOf(instanceTypeName));
}

/** Physical cores, hardware threads and memory of the whole box (what DescribeHosts reports). */
export function totalCores(host: HostType): number {
  return host.sockets * host.coresPerSocket;
}

export function totalThreads(host: HostType): number {
  return totalCores(host) * host.threadsPerCore;
}

/** Hardware threads left to guests on one socket and on the whole host, after dom0's share. */
export function guestThreadsPerSocket(host: HostType): number {
  return (host.coresPerSocket - host.reserved.coresPerSocket) * host.threadsPerCore;
}

export function guestThreads(host: HostType): number {
  return guestThreadsPerSocket(host) * host.sockets;
}

export function guestMemoryMiB(host: HostType): number {
  return Math.round((host.memoryGiB - host.reserved.memoryGiB) * 1024);
}

/** The fixed part of DescribeHosts' HostProperties for a host of this type. */
export function hostPropertiesOf(host: HostType): { Sockets: number; Cores: number; TotalVCpus: number; InstanceFamily: string } {
  return { Sockets: host.sockets, Cores: totalCores(host), TotalVCpus: totalThreads(host), InstanceFamily: host.family };
}

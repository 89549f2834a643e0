/**
 * A few instance and host types (m5, t2, t3, m3) used until the hardware catalogue
 * (compute/catalog/) lands; catalog-port.ts prefers the catalogue whenever it knows a type.
 */
import type { HostSpec, TypeSpec } from "./catalog-port.js";

const SIZES: [string, number][] = [["large", 2], ["xlarge", 4], ["2xlarge", 8], ["4xlarge", 16], ["8xlarge", 32], ["12xlarge", 48], ["16xlarge", 64], ["24xlarge", 96]];

function build(): Map<string, TypeSpec> {
  const types = new Map<string, TypeSpec>();
  const add = (t: Omit<TypeSpec, "family"> & { family?: string }) => types.set(t.name, { family: t.name.split(".")[0]!, ...t });
  for (const [size, vcpus] of SIZES) add({ name: `m5.${size}`, vcpus, memoryMiB: vcpus * 4096, architectures: ["x86_64"], virtualizationTypes: ["hvm"], hypervisor: "nitro", bareMetal: false, burstable: false });
  add({ name: "m5.metal", vcpus: 96, memoryMiB: 393216, architectures: ["x86_64"], virtualizationTypes: ["hvm"], hypervisor: undefined, bareMetal: true, burstable: false });
  for (const [size, vcpus, gib] of [["nano", 1, 0.5], ["micro", 1, 1], ["small", 1, 2], ["medium", 2, 4], ["large", 2, 8]] as [string, number, number][])
    add({ name: `t2.${size}`, vcpus, memoryMiB: gib * 1024, architectures: ["x86_64", "i386"], virtualizationTypes: ["hvm"], hypervisor: "xen", bareMetal: false, burstable: true });
  for (const [size, vcpus, gib] of [["nano", 2, 0.5], ["micro", 2, 1], ["small", 2, 2], ["medium", 2, 4], ["large", 2, 8], ["xlarge", 4, 16], ["2xlarge", 8, 32]] as [string, number, number][])
    add({ name: `t3.${size}`, vcpus, memoryMiB: gib * 1024, architectures: ["x86_64"], virtualizationTypes: ["hvm"], hypervisor: "nitro", bareMetal: false, burstable: true });
  add({ name: "m3.medium", vcpus: 1, memoryMiB: 3840, architectures: ["x86_64", "i386"], virtualizationTypes: ["hvm", "paravirtual"], hypervisor: "xen", bareMetal: false, burstable: false });
  add({ name: "t4g.micro", vcpus: 2, memoryMiB: 1024, architectures: ["arm64"], virtualizationTypes: ["hvm"], hypervisor: "nitro", bareMetal: false, burstable: true });
  return types;
}

export const STAND_IN_TYPES = build();

export const STAND_IN_HOSTS: Record<string, HostSpec> = {
  m5: { family: "m5", sockets: 2, coresPerSocket: 24, threadsPerCore: 2, memoryMiB: 393216, hypervisor: "nitro", dom0VCpus: 0, dom0MemoryMiB: 0 },
  t3: { family: "t3", sockets: 2, coresPerSocket: 24, threadsPerCore: 2, memoryMiB: 393216, hypervisor: "nitro", dom0VCpus: 0, dom0MemoryMiB: 0 },
  t4g: { family: "t4g", sockets: 1, coresPerSocket: 64, threadsPerCore: 1, memoryMiB: 262144, hypervisor: "nitro", dom0VCpus: 0, dom0MemoryMiB: 0 },
  t2: { family: "t2", sockets: 2, coresPerSocket: 12, threadsPerCore: 2, memoryMiB: 196608, hypervisor: "xen", dom0VCpus: 2, dom0MemoryMiB: 4096 },
  m3: { family: "m3", sockets: 2, coresPerSocket: 10, threadsPerCore: 2, memoryMiB: 163840, hypervisor: "xen", dom0VCpus: 2, dom0MemoryMiB: 4096 },
};

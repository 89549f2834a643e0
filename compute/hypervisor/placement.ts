import type { PlacementPolicy } from "../ec2/settings.js";
import type { Host } from "./fleet.js";

export interface HostLoad {
  vcpus: number;
  memoryMiB: number;
}

/**
 * Chooses a host for a guest of `vcpus` and `memoryMiB`: vCPUs are space-shared on hardware threads
 * and memory is never overcommitted, so a host fits only if both are free. Best fit (the default)
 * takes the fullest host that still fits, keeping whole hosts free for large sizes and .metal.
 * `avoid` is tried last: a restarted instance lands elsewhere when anything else fits.
 */
export function chooseHost(hosts: Host[], load: Map<string, HostLoad>, vcpus: number, memoryMiB: number, policy: PlacementPolicy, avoid?: string, bareMetal = false): Host | undefined {
  let best: Host | undefined;
  let bestFree = 0;
  let fallback: Host | undefined;
  for (const host of hosts) {
    const used = load.get(host.hostId);
    const usedV = used?.vcpus ?? 0;
    const usedM = used?.memoryMiB ?? 0;
    // Bare metal takes the whole machine and cannot share it with virtualised guests.
    if (bareMetal ? usedV > 0 || usedM > 0 : host.usableVCpus - usedV < vcpus || host.usableMemoryMiB - usedM < memoryMiB) continue;
    if (host.hostId === avoid) {
      fallback = host;
      continue;
    }
    const free = host.usableVCpus - usedV;
    if (!best || (policy === "best-fit" && free < bestFree) || (policy === "worst-fit" && free > bestFree)) {
      best = host;
      bestFree = free;
    }
    if (policy === "first-fit") break;
  }
  return best ?? fallback;
}

import type { PlacementPolicy } from "../ec2/settings.js";
import type { TypeSpec } from "./catalog-port.js";
import type { Host } from "./fleet.js";

/** What guests hold on one host: hardware threads per socket, memory and GPUs. */
export interface HostLoad {
  threads: number[];
  memoryMiB: number;
  gpus: number;
  guests: number;
}

export const emptyLoad = (sockets: number): HostLoad => ({ threads: new Array<number>(sockets).fill(0), memoryMiB: 0, gpus: 0, guests: 0 });

/** A guest that fits in one socket is kept in it (no NUMA spanning); a larger one spans all sockets evenly (socket -1). */
export interface Slot {
  host: Host;
  socket: number;
}

const EPS = 1e-9;

/** Where on `host` the guest would go, or undefined if it does not fit there. */
export function slotOn(host: Host, load: HostLoad | undefined, type: TypeSpec): Slot | undefined {
  const spec = host.spec;
  const l = load ?? emptyLoad(spec.sockets);
  if (spec.guestMemoryMiB - l.memoryMiB < type.memoryMiB) return undefined;
  if (type.gpus > 0 && spec.gpus - l.gpus < type.gpus) return undefined;
  // Bare metal takes the whole machine and cannot share it with virtualised guests.
  if (type.bareMetal) return l.guests === 0 ? { host, socket: -1 } : undefined;
  if (type.threads <= spec.guestThreadsPerSocket + EPS) {
    let best = -1;
    for (let s = 0; s < spec.sockets; s++) {
      const free = spec.guestThreadsPerSocket - l.threads[s]!;
      if (free + EPS >= type.threads && (best === -1 || free < spec.guestThreadsPerSocket - l.threads[best]!)) best = s;
    }
    return best === -1 ? undefined : { host, socket: best };
  }
  const share = type.threads / spec.sockets;
  for (let s = 0; s < spec.sockets; s++) if (spec.guestThreadsPerSocket - l.threads[s]! + EPS < share) return undefined;
  return { host, socket: -1 };
}

export function occupy(load: HostLoad, type: TypeSpec, socket: number, host: Host): void {
  const sockets = host.spec.sockets;
  if (socket >= 0) load.threads[socket]! += type.threads;
  else for (let s = 0; s < sockets; s++) load.threads[s]! += type.bareMetal ? host.spec.guestThreadsPerSocket : type.threads / sockets;
  load.memoryMiB += type.memoryMiB;
  load.gpus += type.gpus;
  load.guests += 1;
}

const freeThreads = (host: Host, load: HostLoad | undefined) => host.spec.guestThreadsPerSocket * host.spec.sockets - (load ? load.threads.reduce((a, b) => a + b, 0) : 0);

/**
 * Chooses a host: vCPUs are space-shared on hardware threads and memory is never overcommitted, so a
 * host fits only if both are free. Best fit (the default) takes the fullest host that still fits,
 * keeping whole hosts free for large sizes and .metal. `avoid` is tried last: a restarted instance
 * lands elsewhere when anything else fits.
 */
export function chooseSlot(hosts: Host[], loads: { get(hostId: string): HostLoad | undefined }, type: TypeSpec, policy: PlacementPolicy, avoid?: string): Slot | undefined {
  let best: Slot | undefined;
  let bestFree = 0;
  let fallback: Slot | undefined;
  for (const host of hosts) {
    const load = loads.get(host.hostId);
    const slot = slotOn(host, load, type);
    if (!slot) continue;
    if (host.hostId === avoid) {
      fallback = slot;
      continue;
    }
    const free = freeThreads(host, load);
    if (!best || (policy === "best-fit" && free < bestFree - EPS) || (policy === "worst-fit" && free > bestFree + EPS)) {
      best = slot;
      bestFree = free;
    }
    if (policy === "first-fit") break;
  }
  return best ?? fallback;
}

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

/** Marks "does not fit" where a socket number (or -1, every socket) is expected. */
const NO_FIT = -2;

/**
 * The socket of `host` the guest would go on (-1 when it spans every socket), or NO_FIT. A number,
 * not a slot: placement asks this of every host of a family on each launch.
 */
function socketOn(host: Host, load: HostLoad | undefined, type: TypeSpec): number {
  const spec = host.spec;
  const l = load ?? emptyLoad(spec.sockets);
  if (spec.guestMemoryMiB - l.memoryMiB < type.memoryMiB) return NO_FIT;
  if (type.gpus > 0 && spec.gpus - l.gpus < type.gpus) return NO_FIT;
  // Bare metal takes the whole machine and cannot share it with virtualised guests.
  if (type.bareMetal) return l.guests === 0 ? -1 : NO_FIT;
  if (type.threads <= spec.guestThreadsPerSocket + EPS) {
    let best = NO_FIT;
    for (let s = 0; s < spec.sockets; s++) {
      const free = spec.guestThreadsPerSocket - l.threads[s]!;
      if (free + EPS >= type.threads && (best === NO_FIT || free < spec.guestThreadsPerSocket - l.threads[best]!)) best = s;
    }
    return best;
  }
  const share = type.threads / spec.sockets;
  for (let s = 0; s < spec.sockets; s++) if (spec.guestThreadsPerSocket - l.threads[s]! + EPS < share) return NO_FIT;
  return -1;
}

export function occupy(load: HostLoad, type: TypeSpec, socket: number, host: Host): void {
  const sockets = host.spec.sockets;
  if (socket >= 0) load.threads[socket]! += type.threads;
  else for (let s = 0; s < sockets; s++) load.threads[s]! += type.bareMetal ? host.spec.guestThreadsPerSocket : type.threads / sockets;
  load.memoryMiB += type.memoryMiB;
  load.gpus += type.gpus;
  load.guests += 1;
}

function freeThreads(host: Host, load: HostLoad | undefined): number {
  let free = host.spec.guestThreadsPerSocket * host.spec.sockets;
  if (load) for (const used of load.threads) free -= used;
  return free;
}

/**
 * Chooses a host: vCPUs are space-shared on hardware threads and memory is never overcommitted, so a
 * host fits only if both are free. Best fit (the default) takes the fullest host that still fits,
 * keeping whole hosts free for large sizes and .metal. `avoid` is tried last: a restarted instance
 * lands elsewhere when anything else fits.
 */
export function chooseSlot(hosts: Host[], loads: { get(hostId: string): HostLoad | undefined }, type: TypeSpec, policy: PlacementPolicy, avoid?: string): Slot | undefined {
  let best: Host | undefined;
  let bestSocket = NO_FIT;
  let bestFree = 0;
  let fallback: Host | undefined;
  let fallbackSocket = NO_FIT;
  for (const host of hosts) {
    const load = loads.get(host.hostId);
    const socket = socketOn(host, load, type);
    if (socket === NO_FIT) continue;
    if (host.hostId === avoid) {
      fallback = host;
      fallbackSocket = socket;
      continue;
    }
    const free = freeThreads(host, load);
    if (!best || (policy === "best-fit" && free < bestFree - EPS) || (policy === "worst-fit" && free > bestFree + EPS)) {
      best = host;
      bestSocket = socket;
      bestFree = free;
    }
    if (policy === "first-fit") break;
  }
  if (best) return { host: best, socket: bestSocket };
  return fallback ? { host: fallback, socket: fallbackSocket } : undefined;
}

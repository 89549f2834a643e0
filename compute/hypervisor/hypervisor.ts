import type { PlacementPolicy } from "../ec2/settings.js";
import { availabilityZonesOf } from "../ec2/regions.js";
import type { TypeSpec } from "./catalog-port.js";
import { hostFamilies, hostSpecFor, hostSpecOfFamily } from "./catalog-port.js";
import { currentState } from "../ec2/instances/lifecycle.js";
import type { InstanceStateName } from "../ec2/instances/lifecycle.js";
import type { Fleet, Host } from "./fleet.js";
import type { HostLoad, Slot } from "./placement.js";
import { chooseSlot, emptyLoad, occupy } from "./placement.js";

interface Guest {
  instance_id: string;
  account: string;
  instance_type: string;
  vcpus: number;
  memory_mib: number;
  host_threads: number;
  socket: number;
  host_id: string | null;
  az: string;
  host_family: string;
  state: string;
  settles_at: number | null;
  guest_shutdown_at: number | null;
  guest_shutdown_ends_at: number | null;
  shutdown_behavior: string;
}

/** Where the hypervisor reads occupancy from: the instance rows (nothing is counted separately). */
export interface OccupancySource {
  hostUsage(region: string, az: string, family: string, now: number): { host_id: string; socket: number; threads: number; mem: number; gpus: number; guests: number }[];
  onHosts(region: string, now: number): Guest[];
}

/**
 * A placement in progress: the occupancy of one AZ's hosts of one family as the rows hold it, with
 * the guests this request places on top, so a multi-instance launch sees its own choices.
 */
export class PlacementSession {
  constructor(readonly hosts: Host[], private readonly loads: Map<string, HostLoad>, private readonly policy: PlacementPolicy) {}

  get(hostId: string): HostLoad | undefined {
    return this.loads.get(hostId);
  }

  place(type: TypeSpec, avoid?: string): Slot | undefined {
    const slot = chooseSlot(this.hosts, this, type, this.policy, avoid);
    if (slot) {
      const hostId = slot.host.hostId;
      let load = this.loads.get(hostId);
      if (!load) this.loads.set(hostId, (load = emptyLoad(slot.host.spec.sockets)));
      occupy(load, type, slot.socket, slot.host);
    }
    return slot;
  }
}

export interface HostReport {
  hostId: string;
  region: string;
  availabilityZone: string;
  rack: string;
  family: string;
  hypervisor: "nitro" | "xen";
  sockets: number;
  cores: number;
  threadsPerCore: number;
  totalVCpus: number;
  /** Threads and memory Xen's dom0 keeps (0 on Nitro). */
  reservedVCpus: number;
  usedVCpus: number;
  freeVCpus: number;
  usedThreadsPerSocket: number[];
  memoryMiB: number;
  reservedMemoryMiB: number;
  usedMemoryMiB: number;
  freeMemoryMiB: number;
  instances: { instanceId: string; account: string; instanceType: string; vcpus: number; memoryMiB: number; socket: number; state: string }[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Placement over the fleet. A host's occupancy is the sum over the instance rows that hold it, read for each placement. */
export class Hypervisor {
  constructor(private readonly fleet: Fleet, private readonly occupancy: OccupancySource, private readonly policy: PlacementPolicy) {}

  hostsFor(region: string, az: string, type: TypeSpec): Host[] {
    const spec = hostSpecFor(type);
    if (!spec) return [];
    const zone = availabilityZonesOf(region).find((z) => z.name === az);
    return zone ? this.fleet.hostsOf(region, az, zone.id, spec) : [];
  }

  session(region: string, az: string, type: TypeSpec, now: number): PlacementSession {
    const hosts = this.hostsFor(region, az, type);
    const loads = new Map<string, HostLoad>();
    if (hosts.length) {
      const sockets = hosts[0]!.spec.sockets;
      for (const u of this.occupancy.hostUsage(region, az, type.family, now)) {
        let load = loads.get(u.host_id);
        if (!load) loads.set(u.host_id, (load = emptyLoad(sockets)));
        if (u.socket >= 0) load.threads[u.socket]! += u.threads;
        else for (let s = 0; s < sockets; s++) load.threads[s]! += u.threads / sockets;
        load.memoryMiB += u.mem;
        load.gpus += u.gpus;
        load.guests += u.guests;
      }
    }
    return new PlacementSession(hosts, loads, this.policy);
  }

  /** Every host of a region (optionally one AZ / family) with what runs on it, for the control plane. */
  report(region: string, now: number, filter: { availabilityZone?: string; family?: string; onlyUsed?: boolean } = {}): HostReport[] {
    const guests = new Map<string, Guest[]>();
    for (const g of this.occupancy.onHosts(region, now)) {
      if (!g.host_id) continue;
      let list = guests.get(g.host_id);
      if (!list) guests.set(g.host_id, (list = []));
      list.push(g);
    }
    const out: HostReport[] = [];
    for (const zone of availabilityZonesOf(region)) {
      if (filter.availabilityZone && filter.availabilityZone !== zone.name) continue;
      for (const family of hostFamilies()) {
        if (filter.family && filter.family !== family) continue;
        const spec = hostSpecOfFamily(family)!;
        for (const host of this.fleet.hostsOf(region, zone.name, zone.id, spec)) {
          const on = guests.get(host.hostId) ?? [];
          if (filter.onlyUsed && on.length === 0) continue;
          const perSocket = new Array<number>(spec.sockets).fill(0);
          for (const g of on) {
            if (g.socket >= 0) perSocket[g.socket]! += g.host_threads;
            else for (let s = 0; s < spec.sockets; s++) perSocket[s]! += g.host_threads / spec.sockets;
          }
          const usedT = perSocket.reduce((a, b) => a + b, 0);
          const usedM = on.reduce((n, g) => n + g.memory_mib, 0);
          out.push({
            hostId: host.hostId, region, availabilityZone: zone.name, rack: host.rack, family, hypervisor: spec.hypervisor,
            sockets: spec.sockets, cores: spec.sockets * spec.coresPerSocket, threadsPerCore: spec.threadsPerCore,
            totalVCpus: spec.totalThreads, reservedVCpus: spec.dom0VCpus, usedVCpus: round(usedT), freeVCpus: round(spec.guestThreadsPerSocket * spec.sockets - usedT),
            usedThreadsPerSocket: perSocket.map(round),
            memoryMiB: spec.memoryMiB, reservedMemoryMiB: spec.dom0MemoryMiB, usedMemoryMiB: usedM, freeMemoryMiB: spec.guestMemoryMiB - usedM,
            instances: on.map((g) => ({
              instanceId: g.instance_id, account: g.account, instanceType: g.instance_type, vcpus: g.vcpus, memoryMiB: g.memory_mib, socket: g.socket,
              state: currentState({ ...g, state: g.state as InstanceStateName }, now),
            })),
          });
        }
      }
    }
    return out;
  }
}

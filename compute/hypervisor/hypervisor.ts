import type { PlacementPolicy } from "../ec2/settings.js";
import { availabilityZonesOf } from "../ec2/regions.js";
import type { TypeSpec } from "./catalog-port.js";
import { hostFamilies, hostSpecFor, hostSpecOfFamily } from "./catalog-port.js";
import { currentState } from "../ec2/instances/lifecycle.js";
import type { InstanceStateName } from "../ec2/instances/lifecycle.js";
import type { Fleet, Host } from "./fleet.js";
import type { HostLoad } from "./placement.js";
import { chooseHost } from "./placement.js";

/** Where the hypervisor reads occupancy from: the instance rows (nothing is counted separately). */
export interface OccupancySource {
  hostUsage(region: string, az: string, family: string, now: number): { host_id: string; vcpus: number; mem: number }[];
  onHosts(region: string, now: number): { instance_id: string; account: string; instance_type: string; vcpus: number; memory_mib: number; host_id: string | null; az: string; host_family: string; state: string; settles_at: number | null }[];
}

/**
 * A placement in progress: the occupancy of one AZ's hosts of one family, read once from the rows
 * and then updated as this request places guests, so a multi-instance launch sees its own choices.
 */
export class PlacementSession {
  constructor(readonly hosts: Host[], readonly load: Map<string, HostLoad>, private readonly policy: PlacementPolicy) {}

  place(type: TypeSpec, avoid?: string): Host | undefined {
    const host = chooseHost(this.hosts, this.load, type.vcpus, type.memoryMiB, this.policy, avoid, type.bareMetal);
    if (host) {
      const used = this.load.get(host.hostId) ?? { vcpus: 0, memoryMiB: 0 };
      this.load.set(host.hostId, { vcpus: used.vcpus + (type.bareMetal ? host.usableVCpus : type.vcpus), memoryMiB: used.memoryMiB + type.memoryMiB });
    }
    return host;
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
  reservedVCpus: number;
  usedVCpus: number;
  freeVCpus: number;
  memoryMiB: number;
  reservedMemoryMiB: number;
  usedMemoryMiB: number;
  freeMemoryMiB: number;
  instances: { instanceId: string; account: string; instanceType: string; vcpus: number; memoryMiB: number; state: string }[];
}

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
    const load = new Map<string, HostLoad>();
    if (hosts.length) for (const u of this.occupancy.hostUsage(region, az, hosts[0]!.spec.family, now)) load.set(u.host_id, { vcpus: u.vcpus, memoryMiB: u.mem });
    return new PlacementSession(hosts, load, this.policy);
  }

  host(region: string, az: string, family: string, hostId: string): Host | undefined {
    const spec = hostSpecOfFamily(family);
    const zone = availabilityZonesOf(region).find((z) => z.name === az);
    if (!spec || !zone) return undefined;
    return this.fleet.hostsOf(region, az, zone.id, spec).find((h) => h.hostId === hostId);
  }

  /** Every host of a region (optionally one AZ / family) with what runs on it, for the control plane. */
  report(region: string, now: number, filter: { availabilityZone?: string; family?: string; onlyUsed?: boolean } = {}): HostReport[] {
    const guests = new Map<string, ReturnType<OccupancySource["onHosts"]>>();
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
          const usedV = on.reduce((n, g) => n + g.vcpus, 0);
          const usedM = on.reduce((n, g) => n + g.memory_mib, 0);
          out.push({
            hostId: host.hostId, region, availabilityZone: zone.name, rack: host.rack, family, hypervisor: spec.hypervisor,
            sockets: spec.sockets, cores: spec.sockets * spec.coresPerSocket, threadsPerCore: spec.threadsPerCore,
            totalVCpus: host.totalVCpus, reservedVCpus: spec.dom0VCpus, usedVCpus: usedV, freeVCpus: host.usableVCpus - usedV,
            memoryMiB: spec.memoryMiB, reservedMemoryMiB: spec.dom0MemoryMiB, usedMemoryMiB: usedM, freeMemoryMiB: host.usableMemoryMiB - usedM,
            instances: on.map((g) => ({ instanceId: g.instance_id, account: g.account, instanceType: g.instance_type, vcpus: g.vcpus, memoryMiB: g.memory_mib, state: currentState({ state: g.state as InstanceStateName, settles_at: g.settles_at }, now) })),
          });
        }
      }
    }
    return out;
  }
}


import { createHash } from "node:crypto";
import type { FleetSettings } from "../ec2/settings.js";
import type { HostSpec } from "./catalog-port.js";

/** One simulated physical machine. Its occupancy is not stored here: it is derived from instance rows. */
export interface Host {
  hostId: string;
  region: string;
  availabilityZone: string;
  rack: string;
  index: number;
  spec: HostSpec;
}

/**
 * The hosts of every AZ, built on first use from the fleet settings. Host ids are derived from
 * region, AZ, family and position, so they stay the same across restarts and resets.
 */
export class Fleet {
  private readonly hosts = new Map<string, Host[]>();

  constructor(private readonly settings: FleetSettings) {}

  size(availabilityZone: string, family: string): number {
    return this.settings.zones[availabilityZone]?.[family] ?? this.settings.families[family] ?? this.settings.hostsPerFamily;
  }

  hostsOf(region: string, availabilityZone: string, zoneId: string, spec: HostSpec): Host[] {
    const key = `${availabilityZone}/${spec.family}`;
    let list = this.hosts.get(key);
    if (!list) {
      list = [];
      const count = this.size(availabilityZone, spec.family);
      for (let i = 0; i < count; i++) {
        const hash = createHash("sha1").update(`${region}/${availabilityZone}/${spec.family}/${i}`).digest("hex").slice(0, 17);
        list.push({
          hostId: `h-${hash}`,
          region,
          availabilityZone,
          rack: `${zoneId}-${spec.family}-rack${String(Math.floor(i / this.settings.hostsPerRack) + 1).padStart(2, "0")}`,
          index: i,
          spec,
        });
      }
      this.hosts.set(key, list);
    }
    return list;
  }
}

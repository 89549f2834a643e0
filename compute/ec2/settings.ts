/**
 * EC2 settings from startCloudbox({ settings: { ec2: … } }) or the CLI, with defaults that make
 * lifecycles fast (SDK waiters with a 1 s minDelay succeed on their second poll) and a fleet that
 * is generous but finite.
 *
 *   ec2: {
 *     fleet: {
 *       hostsPerFamily: 16,                      // hosts of each family in each AZ
 *       families: { m5: 4 },                     // per family, every AZ
 *       zones: { "us-east-1a": { m5: 1 } },      // per AZ and family (wins)
 *       hostsPerRack: 8,
 *       placement: "best-fit" | "first-fit" | "worst-fit",
 *     },
 *     lifecycle: { pendingMs, stoppingMs, shuttingDownMs, statusInitializingMs, terminatedVisibleMs, guestShutdownDelayMs },
 *     vcpuQuota: 20000,                          // running On-Demand vCPUs per account, region and quota bucket
 *                                                // (or per bucket: { standard: 64, g: 8, p: 0, x: 128, hpc: 96 })
 *     network: { defaultSubnetPrefixLength: 20 }, // smaller default subnets make address exhaustion testable
 *   }
 */
export type PlacementPolicy = "best-fit" | "first-fit" | "worst-fit";

export interface FleetSettings {
  hostsPerFamily: number;
  families: Record<string, number>;
  zones: Record<string, Record<string, number>>;
  hostsPerRack: number;
  placement: PlacementPolicy;
}

export interface LifecycleSettings {
  pendingMs: number;
  stoppingMs: number;
  shuttingDownMs: number;
  statusInitializingMs: number;
  terminatedVisibleMs: number;
  /** From running to a user-data `shutdown` powering the guest off. */
  guestShutdownDelayMs: number;
}

export interface Ec2Settings {
  fleet: FleetSettings;
  lifecycle: LifecycleSettings;
  /** The vCPU limit of a quota bucket (standard, g, p, x, f, hpc, inf, dl, trn). */
  vcpuQuota: (bucket: string) => number;
  defaultSubnetPrefixLength: number;
}

const num = (value: unknown, fallback: number, name: string, min = 0): number => {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`ec2 setting ${name} must be a number ≥ ${min}, got ${JSON.stringify(value)}.`);
  return n;
};

const obj = (value: unknown): Record<string, unknown> => (value && typeof value === "object" ? (value as Record<string, unknown>) : {});

export function ec2Settings(raw: Record<string, unknown>): Ec2Settings {
  const fleet = obj(raw["fleet"]);
  const lifecycle = obj(raw["lifecycle"]);
  const network = obj(raw["network"]);
  const placement = (fleet["placement"] ?? "best-fit") as PlacementPolicy;
  if (!["best-fit", "first-fit", "worst-fit"].includes(placement)) throw new Error(`ec2 setting fleet.placement must be best-fit, first-fit or worst-fit, got ${JSON.stringify(placement)}.`);
  const families: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(fleet["families"]))) families[k] = num(v, 0, `fleet.families.${k}`);
  const zones: Record<string, Record<string, number>> = {};
  for (const [zone, perFamily] of Object.entries(obj(fleet["zones"]))) {
    zones[zone] = {};
    for (const [k, v] of Object.entries(obj(perFamily))) zones[zone][k] = num(v, 0, `fleet.zones.${zone}.${k}`);
  }
  const prefix = num(network["defaultSubnetPrefixLength"], 20, "network.defaultSubnetPrefixLength", 16);
  if (prefix > 28) throw new Error("ec2 setting network.defaultSubnetPrefixLength must be between 16 and 28 (AWS's subnet size limits).");
  return {
    fleet: { hostsPerFamily: num(fleet["hostsPerFamily"], 16, "fleet.hostsPerFamily"), families, zones, hostsPerRack: num(fleet["hostsPerRack"], 8, "fleet.hostsPerRack", 1), placement },
    lifecycle: {
      pendingMs: num(lifecycle["pendingMs"], 1000, "lifecycle.pendingMs"),
      stoppingMs: num(lifecycle["stoppingMs"], 1000, "lifecycle.stoppingMs"),
      shuttingDownMs: num(lifecycle["shuttingDownMs"], 1000, "lifecycle.shuttingDownMs"),
      statusInitializingMs: num(lifecycle["statusInitializingMs"], 2000, "lifecycle.statusInitializingMs"),
      terminatedVisibleMs: num(lifecycle["terminatedVisibleMs"], 3_600_000, "lifecycle.terminatedVisibleMs"),
      guestShutdownDelayMs: num(lifecycle["guestShutdownDelayMs"], 1000, "lifecycle.guestShutdownDelayMs"),
    },
    vcpuQuota: quotas(raw["vcpuQuota"]),
    defaultSubnetPrefixLength: prefix,
  };
}

function quotas(raw: unknown): (bucket: string) => number {
  if (raw && typeof raw === "object") {
    const perBucket: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) perBucket[k] = num(v, 0, `vcpuQuota.${k}`);
    return (bucket) => perBucket[bucket] ?? 20_000;
  }
  const all = num(raw, 20_000, "vcpuQuota");
  return () => all;
}

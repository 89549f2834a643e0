/**
 * How long EBS transitions take (milliseconds), overridable through the service settings so tests
 * and demos can choose. AWS gives no exact figures; these are short enough for SDK waiters.
 */
export interface EbsTimings {
  volumeCreateMs: number;
  volumeDeleteMs: number;
  attachMs: number;
  detachMs: number;
  snapshotMs: number;
  directCompleteMs: number;
  modifyingMs: number;
  optimizingMs: number;
  /** EC2 refuses a second ModifyVolume on a volume within 6 hours of the last one. */
  modificationCooldownMs: number;
  /** Snapshots of one volume must be this far apart (SnapshotCreationPerVolumeRateExceeded). */
  snapshotIntervalMs: number;
  blockTokenTtlMs: number;
}

export const DEFAULT_TIMINGS: EbsTimings = {
  volumeCreateMs: 2_000,
  volumeDeleteMs: 2_000,
  attachMs: 1_000,
  detachMs: 1_000,
  snapshotMs: 3_000,
  directCompleteMs: 1_000,
  modifyingMs: 5_000,
  optimizingMs: 20_000,
  modificationCooldownMs: 6 * 3600_000,
  snapshotIntervalMs: 15_000,
  blockTokenTtlMs: 7 * 24 * 3600_000,
};

/** Per account and region, like the adjustable Service Quotas (defaults of a new account). */
export interface EbsQuotas {
  /** GiB of storage per volume type. */
  storageGiB: Record<string, number>;
  /** Provisioned IOPS per type (io1, io2). */
  iops: Record<string, number>;
  snapshots: number;
}

export const DEFAULT_QUOTAS: EbsQuotas = {
  storageGiB: { gp2: 51200, gp3: 51200, io1: 51200, io2: 51200, st1: 51200, sc1: 51200, standard: 51200 },
  iops: { io1: 100_000, io2: 100_000 },
  snapshots: 100_000,
};

export function timingsFrom(settings: Record<string, unknown>): EbsTimings {
  const overrides = (settings["ebsTimings"] ?? {}) as Partial<EbsTimings>;
  return { ...DEFAULT_TIMINGS, ...overrides };
}

export function quotasFrom(settings: Record<string, unknown>): EbsQuotas {
  const overrides = (settings["ebsQuotas"] ?? {}) as Partial<EbsQuotas>;
  return {
    storageGiB: { ...DEFAULT_QUOTAS.storageGiB, ...overrides.storageGiB },
    iops: { ...DEFAULT_QUOTAS.iops, ...overrides.iops },
    snapshots: overrides.snapshots ?? DEFAULT_QUOTAS.snapshots,
  };
}

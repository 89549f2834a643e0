import type { Database, UncommittedReader } from "../state/database.js";

export type VolumeUsage = { size: number; iops: number };

const NONE: VolumeUsage = Object.freeze({ size: 0, iops: 0 });

/**
 * Storage and IOPS in use per account, region and volume type, for the quotas that every volume
 * creation checks (each launch's root volume included). Summed from the volume rows once per
 * account and region, then kept by the store, which reports every volume it writes; when a
 * transaction in which the sums took in writes or rows rolls back, they are read again.
 */
export class VolumeUsageSums implements UncommittedReader {
  private readonly sums = new Map<string, Map<string, VolumeUsage>>();

  constructor(private readonly db: Database, private readonly sumRows: (account: string, region: string) => { volume_type: string; size: number; iops: number }[]) {}

  of(account: string, region: string, type: string): VolumeUsage {
    const key = `${account}|${region}`;
    let byType = this.sums.get(key);
    if (!byType) {
      byType = new Map();
      for (const r of this.sumRows(account, region)) byType.set(r.volume_type, { size: r.size, iops: r.iops });
      this.sums.set(key, byType);
      this.db.tookIn(this);
    }
    return byType.get(type) ?? NONE;
  }

  /** A volume that counts (not deleted) was written with this size and IOPS; negative amounts take one away. */
  add(account: string, region: string, type: string, size: number, iops: number): void {
    // Sums not read yet will be read with this write in the rows.
    const byType = this.sums.get(`${account}|${region}`);
    if (!byType) return;
    const was = byType.get(type) ?? NONE;
    byType.set(type, { size: was.size + size, iops: was.iops + iops });
    this.db.tookIn(this);
  }

  rolledBack(): void {
    this.sums.clear();
  }

  /** After the rows were emptied or replaced (a reset). */
  clear(): void {
    this.sums.clear();
  }
}

import type { InstanceStore } from "./instance-store.js";

/**
 * Running On-Demand vCPUs per account, region and quota bucket, for the vCPU quotas. The sum over
 * the rows is memoized until the next release time among them; a committed launch adds to it and
 * state changes drop it, so it is always what the rows say.
 */
export class VcpuUsage {
  private readonly memo = new Map<string, { used: number; validUntil: number }>();

  constructor(private readonly instances: InstanceStore) {}

  used(account: string, region: string, bucket: string, now: number): number {
    const key = `${account}|${region}|${bucket}`;
    let m = this.memo.get(key);
    if (!m || now >= m.validUntil) {
      m = { used: this.instances.vcpusInUse(account, region, bucket, now), validUntil: this.instances.nextAccountRelease(account, region, bucket, now) ?? Infinity };
      this.memo.set(key, m);
    }
    return m.used;
  }

  /** After a launch committed. */
  add(account: string, region: string, bucket: string, vcpus: number): void {
    const m = this.memo.get(`${account}|${region}|${bucket}`);
    if (m) m.used += vcpus;
  }

  invalidate(account: string, region: string): void {
    const prefix = `${account}|${region}|`;
    for (const key of [...this.memo.keys()]) if (key.startsWith(prefix)) this.memo.delete(key);
  }

  reset(): void {
    this.memo.clear();
  }
}

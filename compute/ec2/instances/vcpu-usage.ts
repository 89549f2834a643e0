import type { InstanceStore } from "./instance-store.js";

/**
 * Running On-Demand vCPUs per account and region, for the vCPU quota. The sum over the rows is
 * memoized until the next release time among them; a committed launch adds to it and state
 * changes drop it, so it is always what the rows say.
 */
export class VcpuUsage {
  private readonly memo = new Map<string, { used: number; validUntil: number }>();

  constructor(private readonly instances: InstanceStore) {}

  used(account: string, region: string, now: number): number {
    const key = `${account}|${region}`;
    let m = this.memo.get(key);
    if (!m || now >= m.validUntil) {
      m = { used: this.instances.vcpusInUse(account, region, now), validUntil: this.instances.nextAccountRelease(account, region, now) ?? Infinity };
      this.memo.set(key, m);
    }
    return m.used;
  }

  /** After a launch committed. */
  add(account: string, region: string, vcpus: number): void {
    const m = this.memo.get(`${account}|${region}`);
    if (m) m.used += vcpus;
  }

  invalidate(account: string, region: string): void {
    this.memo.delete(`${account}|${region}`);
  }

  reset(): void {
    this.memo.clear();
  }
}

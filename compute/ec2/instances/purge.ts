import type { Ec2Context } from "../context.js";

const lastPurge = new WeakMap<Ec2Context, Map<string, number>>();

/**
 * Forgets terminated instances once their visibility window (an hour by default) is over, with
 * their tags. Reads already hide them; this only keeps the table small, so it runs at most once a
 * minute per account+region, inside the caller's transaction.
 */
export function purgeExpired(c: Ec2Context, account: string, region: string, now: number): void {
  let seen = lastPurge.get(c);
  if (!seen) lastPurge.set(c, (seen = new Map()));
  const key = `${account}|${region}`;
  if ((seen.get(key) ?? -Infinity) > now - 60_000) return;
  seen.set(key, now);
  for (const id of c.instances.expired(account, region, now - c.settings.lifecycle.terminatedVisibleMs)) {
    c.instances.delete(id);
    c.tags.deleteAll(account, region, id);
  }
}

/** Whether a row is still visible (terminated instances disappear after the window). */
export function visible(c: Ec2Context, row: { terminated_at: number | null }, now: number): boolean {
  return row.terminated_at === null || row.terminated_at + c.settings.lifecycle.terminatedVisibleMs > now;
}

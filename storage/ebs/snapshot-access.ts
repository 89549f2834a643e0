import type { SnapshotRow } from "./schema.js";

/** The account that owns Amazon's public images and their snapshots (alias "amazon"). */
export const AMAZON_OWNER_ID = "137112412989";

/** createVolumePermission: the owner, accounts it was shared with, or everyone ("all"). */
export function snapshotPermissions(row: SnapshotRow): string[] {
  return JSON.parse(row.permissions) as string[];
}

export function canUseSnapshot(row: SnapshotRow, account: string): boolean {
  if (row.account === account) return true;
  const permissions = snapshotPermissions(row);
  return permissions.includes("all") || permissions.includes(account);
}

import type { SnapshotRow } from "./schema.js";
import { memoized } from "../state/bounded-memo.js";

/** The account that owns Amazon's public images and their snapshots (alias "amazon"). */
export const AMAZON_OWNER_ID = "137112412989";

/** createVolumePermission: the owner, accounts it was shared with, or everyone ("all"). */
export function snapshotPermissions(row: SnapshotRow): readonly string[] {
  return memoized(parsedPermissions, row.permissions, PARSED_PERMISSIONS_LIMIT, parsePermissions);
}

/**
 * Permission lists by their stored JSON: every launch checks its image's root snapshot, whose
 * list ('["all"]' for public images) would otherwise be parsed again each time.
 */
const parsedPermissions = new Map<string, readonly string[]>();
const PARSED_PERMISSIONS_LIMIT = 1024;
const parsePermissions = (json: string): readonly string[] => Object.freeze(JSON.parse(json) as string[]);

export function canUseSnapshot(row: SnapshotRow, account: string): boolean {
  if (row.account === account) return true;
  const permissions = snapshotPermissions(row);
  return permissions.includes("all") || permissions.includes(account);
}

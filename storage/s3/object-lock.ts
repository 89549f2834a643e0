import type { ObjectLockRule } from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { S3Errors } from "./s3-errors.js";

/**
 * Object Lock: a version under retention (until a date, GOVERNANCE or COMPLIANCE) or a legal hold
 * cannot be deleted. Retention is read against the Clock whenever it is checked, so a virtual clock
 * ends it; nothing is scheduled.
 */

export const MODES = new Set(["GOVERNANCE", "COMPLIANCE"]);
/** legal_hold column values: never set, ON, OFF (set, then released). */
export const LEGAL_HOLD = { none: 0, ON: 1, OFF: 2 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export const lockErrors = {
  missingConfiguration: () => S3Errors.invalidRequest("Bucket is missing Object Lock Configuration"),
  protectedVersion: () => S3Errors.accessDenied("Access Denied because object protected by object lock."),
  noObjectConfiguration: () =>
    new ServiceError("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", { status: 404 }),
};

/** The lock a write asks for with its headers (PutObject, CopyObject, CreateMultipartUpload). */
export interface LockHeaders {
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: string;
}

export interface VersionLock {
  lock_mode: string | null;
  lock_until: number | null;
  legal_hold: number;
}

export const NO_LOCK: VersionLock = { lock_mode: null, lock_until: null, legal_hold: LEGAL_HOLD.none };

/** The retain-until instant of a bucket's default retention for a version created at `now`. */
function defaultUntil(rule: ObjectLockRule, now: number): number | undefined {
  const retention = rule.DefaultRetention;
  if (!retention) return undefined;
  if (retention.Days !== undefined) return now + retention.Days * DAY_MS;
  if (retention.Years !== undefined) {
    const date = new Date(now);
    date.setUTCFullYear(date.getUTCFullYear() + retention.Years);
    return date.getTime();
  }
  return undefined;
}

export function checkRetainUntil(until: Date, now: number): number {
  const ms = until.getTime();
  if (Number.isNaN(ms) || ms <= now) throw S3Errors.invalidArgument("The retain until date must be in the future!");
  return ms;
}

/**
 * The lock of a new version: the write's headers, else the bucket's default retention. Lock
 * headers on a bucket without Object Lock are refused, as AWS does.
 */
export function lockOfWrite(bucketLock: string | null, input: LockHeaders, now: number): VersionLock {
  const asked = input.ObjectLockMode !== undefined || input.ObjectLockRetainUntilDate !== undefined || input.ObjectLockLegalHoldStatus !== undefined;
  if (bucketLock === null) {
    if (asked) throw lockErrors.missingConfiguration();
    return NO_LOCK;
  }
  const lock: VersionLock = { ...NO_LOCK };
  if ((input.ObjectLockMode === undefined) !== (input.ObjectLockRetainUntilDate === undefined)) {
    throw S3Errors.invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
  }
  if (input.ObjectLockMode !== undefined) {
    if (!MODES.has(input.ObjectLockMode)) throw S3Errors.invalidArgument("Unknown wormMode directive.", "x-amz-object-lock-mode", input.ObjectLockMode);
    lock.lock_mode = input.ObjectLockMode;
    lock.lock_until = checkRetainUntil(input.ObjectLockRetainUntilDate!, now);
  } else {
    const rule = JSON.parse(bucketLock) as ObjectLockRule;
    const until = defaultUntil(rule, now);
    if (until !== undefined) {
      lock.lock_mode = rule.DefaultRetention!.Mode!;
      lock.lock_until = until;
    }
  }
  if (input.ObjectLockLegalHoldStatus !== undefined) {
    if (input.ObjectLockLegalHoldStatus !== "ON" && input.ObjectLockLegalHoldStatus !== "OFF") {
      throw S3Errors.invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold", input.ObjectLockLegalHoldStatus);
    }
    lock.legal_hold = LEGAL_HOLD[input.ObjectLockLegalHoldStatus];
  }
  return lock;
}

/** Whether a version may be deleted now: not under a legal hold, nor under retention (GOVERNANCE yields to the bypass header). */
export function checkDeletable(lock: VersionLock, now: number, bypassGovernance: boolean): void {
  if (lock.legal_hold === LEGAL_HOLD.ON) throw lockErrors.protectedVersion();
  if (lock.lock_mode !== null && lock.lock_until !== null && now < lock.lock_until) {
    if (lock.lock_mode === "COMPLIANCE" || !bypassGovernance) throw lockErrors.protectedVersion();
  }
}

/** The lock headers GetObject and HeadObject answer. */
export function lockHeaders(lock: VersionLock): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (lock.lock_mode !== null && lock.lock_until !== null) {
    out.ObjectLockMode = lock.lock_mode;
    out.ObjectLockRetainUntilDate = new Date(lock.lock_until);
  }
  if (lock.legal_hold !== LEGAL_HOLD.none) out.ObjectLockLegalHoldStatus = lock.legal_hold === LEGAL_HOLD.ON ? "ON" : "OFF";
  return out;
}

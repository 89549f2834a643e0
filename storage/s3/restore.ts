import type { RestoreRequest } from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { S3Errors } from "./s3-errors.js";

/**
 * Archived storage classes (GLACIER, DEEP_ARCHIVE) keep their bytes offline: GetObject answers 403
 * InvalidObjectState until a RestoreObject has completed, and again once the restored copy expires.
 * Both moments are stored instants compared with the Clock when read; nothing runs on a timer.
 */

export const ARCHIVED = new Set(["GLACIER", "DEEP_ARCHIVE"]);

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long a restore takes, by class and tier (the upper end of AWS's published ranges). */
const RESTORE_TIME: Record<string, Record<string, number>> = {
  GLACIER: { Expedited: 5 * MINUTE, Standard: 5 * HOUR, Bulk: 12 * HOUR },
  DEEP_ARCHIVE: { Standard: 12 * HOUR, Bulk: 48 * HOUR },
};

interface Restorable {
  storage_class: string;
  restore_ready_at: number | null;
  restore_expires_at: number | null;
}

export function isRestored(row: Restorable, now: number): boolean {
  return row.restore_ready_at !== null && now >= row.restore_ready_at && (row.restore_expires_at === null || now < row.restore_expires_at);
}

/** GetObject (and copies) of an archived object that is not restored right now: 403 InvalidObjectState. */
export function checkReadable(row: Restorable, now: number): void {
  if (ARCHIVED.has(row.storage_class) && !isRestored(row, now)) {
    throw new ServiceError("InvalidObjectState", "The operation is not valid for the object's storage class", { status: 403, fields: { StorageClass: row.storage_class } });
  }
}

/** The x-amz-restore header: a restore under way, or the restored copy and when it expires. */
export function restoreHeader(row: Restorable, now: number): string | undefined {
  if (row.restore_ready_at === null) return undefined;
  if (now < row.restore_ready_at) return 'ongoing-request="true"';
  if (row.restore_expires_at !== null && now >= row.restore_expires_at) return undefined;
  return `ongoing-request="false", expiry-date="${new Date(row.restore_expires_at!).toUTCString()}"`;
}

/**
 * What a RestoreObject request does to a version: the instants of its restore and the status S3
 * answers (202 when a restore starts, 200 when the restored copy only gets a new expiry).
 */
export function planRestore(row: Restorable, request: RestoreRequest | undefined, now: number): { ready: number; expires: number; status: number } {
  if (!ARCHIVED.has(row.storage_class)) {
    throw new ServiceError("InvalidObjectState", "Restore is not allowed for the object's current storage class", { status: 403, fields: { StorageClass: row.storage_class } });
  }
  if (request?.Type !== undefined || request?.SelectParameters !== undefined || request?.OutputLocation !== undefined) {
    throw new ServiceError("NotImplemented", "S3 Select restores (Type SELECT, SelectParameters, OutputLocation) are not implemented by cloudbox.", { status: 501 });
  }
  const days = request?.Days;
  if (days === undefined) throw S3Errors.malformedXml();
  if (!Number.isInteger(days) || days < 1) throw S3Errors.invalidArgument("The days parameter must be a positive integer", "Days", String(days));
  const tier = request?.GlacierJobParameters?.Tier ?? request?.Tier ?? "Standard";
  const duration = RESTORE_TIME[row.storage_class]![tier];
  if (duration === undefined) throw S3Errors.invalidArgument(`The ${tier} tier is not available for the ${row.storage_class} storage class`, "Tier", tier);
  if (row.restore_ready_at !== null && now < row.restore_ready_at) {
    throw new ServiceError("RestoreAlreadyInProgress", "Object restore is already in progress", { status: 409 });
  }
  const restored = isRestored(row, now);
  const ready = restored ? row.restore_ready_at! : now + duration;
  // The restored copy lasts `days` days from completion, to the next midnight UTC, as AWS rounds it.
  const end = new Date((restored ? now : ready) + days * DAY);
  end.setUTCHours(24, 0, 0, 0);
  return { ready, expires: end.getTime(), status: restored ? 200 : 202 };
}

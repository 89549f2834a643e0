import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { SqsErrors } from "./errors.js";

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

export type BatchFailure = { Id: string; SenderFault: boolean; Code: string; Message: string };

/** A batch entry's failure as the batch result reports it; anything but a ServiceError is a bug. */
export function failure(id: string, error: unknown): BatchFailure {
  if (error instanceof ServiceError) return { Id: id, SenderFault: error.fault === "Sender", Code: error.code, Message: error.message };
  throw error;
}

export function checkRange(name: string, value: number | undefined, min: number, max: number, reason: string): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < min || value > max) throw SqsErrors.invalidParameter(name, value, reason);
}

/** The checks every batch shares: 1 to 10 entries, with distinct, well-formed ids. */
export function checkBatch<T extends { Id?: string }>(entries: T[] | undefined, entryName: string): T[] {
  if (!entries || entries.length === 0) throw SqsErrors.emptyBatch(entryName);
  if (entries.length > 10) throw SqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id ?? "";
    if (!BATCH_ID.test(id)) throw SqsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw SqsErrors.idsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

/** Pagination tokens: the last name of the previous page. */
export function encodeToken(value: string): string {
  return Buffer.from(JSON.stringify({ after: value })).toString("base64");
}

export function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { after?: unknown }).after;
    if (typeof after === "string") return after;
  } catch {
    // not a token of ours
  }
  throw SqsErrors.invalidParameterValue("Invalid NextToken value.");
}

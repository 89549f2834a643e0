import type { Clock } from "../../storage/state/clock.js";
import type { EntityKind, EntityRow, IdentityStore } from "./identity-store.js";
import { IamErrors, validationError } from "./errors.js";
import { checkLength, checkRange } from "./constraints.js";
import type { Tag } from "./entities.js";

/** What the IAM handlers share. */
export interface IamContext {
  store: IdentityStore;
  clock: Clock;
}

const KIND_TEXT: Record<EntityKind, string> = { user: "user", role: "role", group: "group", "instance-profile": "Instance Profile" };

export function noSuchEntity(kind: EntityKind, name: string) {
  return kind === "instance-profile"
    ? IamErrors.noSuchEntity(`Instance Profile ${name} cannot be found.`)
    : IamErrors.noSuchEntity(`The ${KIND_TEXT[kind]} with name ${name} cannot be found.`);
}

export function alreadyExists(kind: EntityKind, name: string) {
  return kind === "instance-profile"
    ? IamErrors.entityAlreadyExists(`Instance Profile ${name} already exists.`)
    : IamErrors.entityAlreadyExists(`${KIND_TEXT[kind][0]!.toUpperCase()}${KIND_TEXT[kind].slice(1)} with name ${name} already exists.`);
}

export function requireEntity(store: IdentityStore, account: string, kind: EntityKind, name: string): EntityRow {
  const row = store.entity(account, kind, name);
  if (!row) throw noSuchEntity(kind, name);
  return row;
}

/**
 * IAM's paging: at most MaxItems (1..1000, default 100) per answer, with IsTruncated and an opaque
 * Marker that the next call passes back. The marker is the position after the last item answered.
 */
export function page<T>(items: T[], input: { Marker?: string; MaxItems?: number }): { items: T[]; IsTruncated: boolean; Marker?: string } {
  checkRange("MaxItems", input.MaxItems, 1, 1000);
  checkLength("Marker", input.Marker, 1, 320);
  let start = 0;
  if (input.Marker !== undefined) {
    const decoded = /^cbx:(\d+)$/.exec(Buffer.from(input.Marker, "base64").toString("utf8"));
    if (!decoded) throw validationError("Invalid Marker.");
    start = Number(decoded[1]);
  }
  const end = start + (input.MaxItems ?? 100);
  const truncated = end < items.length;
  return { items: items.slice(start, end), IsTruncated: truncated, Marker: truncated ? Buffer.from(`cbx:${end}`).toString("base64") : undefined };
}

/** Tags of an IAM resource: at most 50, keys 1..128 and unique regardless of case, values 0..256. */
export function mergeTags(current: Tag[] | undefined, added: { Key?: string; Value?: string }[] | undefined): Tag[] {
  const tags = [...(current ?? [])];
  for (const tag of added ?? []) {
    const key = tag.Key ?? "";
    checkLength("Tags.member.key", key, 1, 128);
    checkLength("Tags.member.value", tag.Value ?? "", 0, 256);
    const i = tags.findIndex((t) => t.Key.toLowerCase() === key.toLowerCase());
    if (i >= 0) tags[i] = { Key: key, Value: tag.Value ?? "" };
    else tags.push({ Key: key, Value: tag.Value ?? "" });
  }
  if (tags.length > 50) throw IamErrors.limitExceeded("The number of tags has reached the maximum limit.");
  return tags;
}

export function checkNewTags(added: { Key?: string; Value?: string }[] | undefined): Tag[] {
  const keys = new Set<string>();
  for (const tag of added ?? []) {
    const key = (tag.Key ?? "").toLowerCase();
    if (keys.has(key)) throw IamErrors.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    keys.add(key);
  }
  return mergeTags([], added);
}

export function removeTags(current: Tag[] | undefined, keys: string[] | undefined): Tag[] {
  const drop = new Set((keys ?? []).map((k) => k.toLowerCase()));
  return (current ?? []).filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** The answer of an operation the model gives no output (DeleteUser, TagRole, …). */
export type NoOutput = Record<string, never>;

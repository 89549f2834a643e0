import type { BucketLifecycleConfiguration, LifecycleRule, LifecycleRuleFilter, Transition } from "@aws-sdk/client-s3";
import { ConfigErrors } from "./config-errors.js";

const MAX_RULES = 1000;
const TRANSITION_CLASSES = new Set(["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"]);
/** The shortest age a transition into these classes accepts (days since creation). */
const MIN_TRANSITION_DAYS: Record<string, number> = { STANDARD_IA: 30, ONEZONE_IA: 30 };

const present = (value: unknown) => value !== undefined;

/** A lifecycle Date must fall on midnight UTC. */
function checkMidnight(date: Date | undefined): void {
  if (date === undefined) return;
  const d = date instanceof Date ? date : new Date(date);
  if (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() || d.getUTCMilliseconds()) throw ConfigErrors.invalidArgument("'Date' must be at midnight GMT", "Date", d.toISOString());
}

function checkPositive(value: number | undefined, message: string, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) throw ConfigErrors.invalidArgument(message, name, String(value));
}

/** A Filter holds exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And (an empty Filter is all objects). */
function checkFilter(filter: LifecycleRuleFilter): { tags: boolean } {
  const parts = [filter.Prefix, filter.Tag, filter.ObjectSizeGreaterThan, filter.ObjectSizeLessThan, filter.And].filter(present).length;
  if (parts > 1) throw ConfigErrors.malformedXml();
  if (filter.Tag && (filter.Tag.Key === undefined || filter.Tag.Value === undefined)) throw ConfigErrors.malformedXml();
  const and = filter.And;
  if (and) {
    const tags = and.Tags ?? [];
    const keys = new Set<string>();
    for (const tag of tags) {
      if (tag.Key === undefined || tag.Value === undefined) throw ConfigErrors.malformedXml();
      if (keys.has(tag.Key)) throw ConfigErrors.invalidRequest("Duplicate Tag Keys are not allowed.");
      keys.add(tag.Key);
    }
    const greater = and.ObjectSizeGreaterThan;
    const less = and.ObjectSizeLessThan;
    if (greater !== undefined && less !== undefined && greater >= less) {
      throw ConfigErrors.invalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan in And operator", "ObjectSizeGreaterThan", String(greater));
    }
    return { tags: tags.length > 0 };
  }
  for (const size of [filter.ObjectSizeGreaterThan, filter.ObjectSizeLessThan]) {
    if (size !== undefined && size < 0) throw ConfigErrors.invalidArgument("Object size must be a non-negative number", "ObjectSize", String(size));
  }
  return { tags: filter.Tag !== undefined };
}

function checkTransitions(transitions: Transition[]): void {
  for (const t of transitions) {
    if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass)) throw ConfigErrors.malformedXml();
    if (present(t.Days) === present(t.Date)) throw ConfigErrors.malformedXml();
    if (t.Days !== undefined && (!Number.isInteger(t.Days) || t.Days < 0)) throw ConfigErrors.invalidArgument("'Days' for Transition action must be a positive integer", "Days", String(t.Days));
    const min = MIN_TRANSITION_DAYS[t.StorageClass];
    if (min !== undefined && t.Days !== undefined && t.Days < min) {
      throw ConfigErrors.invalidArgument(`'Days' in Transition action must be greater than or equal to ${min} for storageClass '${t.StorageClass}'`, "Days", String(t.Days));
    }
    checkMidnight(t.Date);
  }
}

function checkRule(rule: LifecycleRule): void {
  if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw ConfigErrors.malformedXml();
  if (rule.ID !== undefined && rule.ID.length > 255) throw ConfigErrors.invalidArgument("ID length should not exceed allowed limit of 255", "ID", rule.ID);
  // A rule names its objects by the (deprecated) Prefix or by a Filter, never both and never neither.
  if (present(rule.Prefix) === present(rule.Filter)) throw ConfigErrors.malformedXml();
  const { tags } = rule.Filter ? checkFilter(rule.Filter) : { tags: false };
  const expiration = rule.Expiration;
  const actions = [expiration, rule.Transitions?.length ? rule.Transitions : undefined, rule.NoncurrentVersionExpiration, rule.NoncurrentVersionTransitions?.length ? rule.NoncurrentVersionTransitions : undefined, rule.AbortIncompleteMultipartUpload];
  if (!actions.some(present)) throw ConfigErrors.invalidRequest("At least one action needs to be specified in a rule");
  if (expiration) {
    const given = [expiration.Days, expiration.Date, expiration.ExpiredObjectDeleteMarker].filter(present).length;
    if (given !== 1) {
      if (given > 1 && expiration.ExpiredObjectDeleteMarker !== undefined) throw ConfigErrors.invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.");
      throw ConfigErrors.malformedXml();
    }
    checkPositive(expiration.Days, "'Days' for Expiration action must be a positive integer", "Days");
    checkMidnight(expiration.Date);
    if (expiration.ExpiredObjectDeleteMarker && tags) throw ConfigErrors.invalidRequest("Tag-based filter cannot be used with ExpiredObjectDeleteMarker action.");
  }
  checkTransitions(rule.Transitions ?? []);
  if (rule.NoncurrentVersionExpiration) {
    if (rule.NoncurrentVersionExpiration.NoncurrentDays === undefined) throw ConfigErrors.malformedXml();
    checkPositive(rule.NoncurrentVersionExpiration.NoncurrentDays, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", "NoncurrentDays");
    checkPositive(rule.NoncurrentVersionExpiration.NewerNoncurrentVersions, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer", "NewerNoncurrentVersions");
  }
  for (const t of rule.NoncurrentVersionTransitions ?? []) {
    if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass) || t.NoncurrentDays === undefined) throw ConfigErrors.malformedXml();
    if (!Number.isInteger(t.NoncurrentDays) || t.NoncurrentDays < 0) throw ConfigErrors.invalidArgument("'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer", "NoncurrentDays", String(t.NoncurrentDays));
  }
  if (rule.AbortIncompleteMultipartUpload) {
    if (tags) throw ConfigErrors.invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
    const days = rule.AbortIncompleteMultipartUpload.DaysAfterInitiation;
    if (days === undefined) throw ConfigErrors.malformedXml();
    checkPositive(days, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", "DaysAfterInitiation");
  }
}

/**
 * Checks a lifecycle configuration as PutBucketLifecycleConfiguration does and answers its rules. Stored
 * only: expiring and transitioning objects from the Clock is not applied yet.
 */
export function validateLifecycle(config: BucketLifecycleConfiguration | undefined): LifecycleRule[] {
  const rules = config?.Rules ?? [];
  if (rules.length === 0 || rules.length > MAX_RULES) throw ConfigErrors.malformedXml();
  const ids = new Set<string>();
  for (const rule of rules) {
    checkRule(rule);
    if (rule.ID !== undefined && rule.ID !== "") {
      if (ids.has(rule.ID)) throw ConfigErrors.invalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", rule.ID);
      ids.add(rule.ID);
    }
  }
  return rules;
}

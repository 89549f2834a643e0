import type { ReplicationConfiguration } from "@aws-sdk/client-s3";
import { ConfigErrors } from "./config-errors.js";

/**
 * Checks a replication configuration as PutBucketReplication does (a role, 1 to 1,000 rules, unique ids and
 * priorities, destination buckets that exist). Stored only: objects are not replicated yet.
 */
export function validateReplication(config: ReplicationConfiguration | undefined, bucketExists: (name: string) => boolean): ReplicationConfiguration {
  const rules = config?.Rules ?? [];
  if (!config?.Role || rules.length === 0 || rules.length > 1000) throw ConfigErrors.malformedXml();
  const ids = new Set<string>();
  const priorities = new Set<number>();
  for (const rule of rules) {
    if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw ConfigErrors.malformedXml();
    if (rule.ID !== undefined) {
      if (rule.ID.length > 255) throw ConfigErrors.invalidArgument("ID length should not exceed allowed limit of 255", "ID", rule.ID);
      if (ids.has(rule.ID)) throw ConfigErrors.invalidRequest("Rule Id must be unique");
      ids.add(rule.ID);
    }
    if (rule.Priority !== undefined) {
      if (priorities.has(rule.Priority)) throw ConfigErrors.invalidRequest("Found duplicate priority " + rule.Priority + " for rules. Each replication rule must have a unique priority.");
      priorities.add(rule.Priority);
    }
    // The V2 schema (with Filter) requires DeleteMarkerReplication.
    if (rule.Filter && !rule.DeleteMarkerReplication) throw ConfigErrors.invalidRequest("DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
    const target = rule.Destination?.Bucket ?? "";
    const name = target.startsWith("arn:aws:s3:::") ? target.slice("arn:aws:s3:::".length) : "";
    if (!name) throw ConfigErrors.invalidArgument("Invalid bucket ARN.", "Bucket", target);
    if (!bucketExists(name)) throw ConfigErrors.invalidRequest("Destination bucket must exist.");
  }
  return config;
}

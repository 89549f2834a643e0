import type { BucketLoggingStatus, LoggingEnabled } from "@aws-sdk/client-s3";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import { ConfigErrors } from "./config-errors.js";

const LOG_PERMISSIONS = new Set(["FULL_CONTROL", "READ", "WRITE"]);

const invalidTarget = (message: string, target: string) =>
  new ServiceError("InvalidTargetBucketForLogging", message, { fields: { TargetBucket: target } });

/**
 * Checks a logging status as PutBucketLogging does; answers what to store, or undefined for "logging off"
 * (an empty BucketLoggingStatus). The target must exist, belong to the same owner and be in the same
 * region. Stored only: access logs are not written yet.
 */
export function validateLogging(status: BucketLoggingStatus | undefined, target: (name: string) => { account: string; region: string } | undefined, source: { account: string; region: string }): LoggingEnabled | undefined {
  const enabled = status?.LoggingEnabled;
  if (!enabled) return undefined;
  const name = enabled.TargetBucket;
  if (!name || enabled.TargetPrefix === undefined) throw ConfigErrors.malformedXml();
  const bucket = target(name);
  if (!bucket) throw invalidTarget("The target bucket for logging does not exist", name);
  if (bucket.account !== source.account) throw invalidTarget("The owner for the bucket to be logged and the target bucket must be the same.", name);
  if (bucket.region !== source.region) {
    // S3's own spelling of the code.
    throw new ServiceError("CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", { status: 403, fields: { TargetBucketLocation: bucket.region } });
  }
  for (const grant of enabled.TargetGrants ?? []) {
    if (!grant.Permission || !LOG_PERMISSIONS.has(grant.Permission)) throw ConfigErrors.malformedXml();
  }
  return enabled;
}

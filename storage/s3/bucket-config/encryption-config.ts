import type { ServerSideEncryptionConfiguration, ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import { ConfigErrors, notHonoured } from "./config-errors.js";

const ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/** What a bucket encrypts new objects with when nothing is set: SSE-S3 (AES256), as every bucket since January 2023. */
export const DEFAULT_ENCRYPTION: ServerSideEncryptionRule[] = [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }];

/** Checks a default-encryption configuration as PutBucketEncryption does; answers its rules. */
export function validateEncryption(config: ServerSideEncryptionConfiguration | undefined): ServerSideEncryptionRule[] {
  const rules = config?.Rules ?? [];
  if (rules.length !== 1) throw ConfigErrors.malformedXml();
  for (const rule of rules) {
    if (rule.BlockedEncryptionTypes !== undefined) throw notHonoured("BlockedEncryptionTypes in a bucket encryption rule");
    const by = rule.ApplyServerSideEncryptionByDefault;
    if (!by) continue;
    if (!by.SSEAlgorithm || !ALGORITHMS.has(by.SSEAlgorithm)) throw ConfigErrors.malformedXml();
    if (by.KMSMasterKeyID !== undefined && by.SSEAlgorithm === "AES256") {
      throw ConfigErrors.invalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", "ApplyServerSideEncryptionByDefault", "");
    }
  }
  return rules;
}

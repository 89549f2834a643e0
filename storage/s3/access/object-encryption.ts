import { createHash } from "node:crypto";
import type { ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import { notHonoured } from "../bucket-config/config-errors.js";

/** The encryption members of an object write (PutObject, CopyObject, CreateMultipartUpload). */
export interface EncryptionInput {
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
}

const ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/** The ARN of the AWS managed key `aws/s3` of an account and region: stable, so repeated writes name the same key. */
function managedKeyArn(account: string, region: string): string {
  const h = createHash("sha256").update(`aws/s3:${account}:${region}`).digest("hex");
  return `arn:aws:kms:${region}:${account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const keyArn = (id: string, account: string, region: string) => (id.startsWith("arn:") ? id : `arn:aws:kms:${region}:${account}:key/${id}`);

/**
 * Completes a write's encryption as S3 does: headers checked, the bucket's default applied when the write
 * names none, a KMS write given its key's ARN. SSE-C (customer keys) is not honoured: refused.
 */
export function resolveEncryption(input: EncryptionInput, bucketDefault: ServerSideEncryptionRule[] | undefined, account: string, region: string): void {
  if (input.SSECustomerAlgorithm !== undefined) throw notHonoured("server-side encryption with customer-provided keys (SSE-C)");
  if (input.ServerSideEncryption === undefined) {
    if (input.SSEKMSKeyId !== undefined || input.SSEKMSEncryptionContext !== undefined) {
      throw new ServiceError("InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", { fields: { ArgumentName: "x-amz-server-side-encryption", ArgumentValue: "null" } });
    }
    const rule = bucketDefault?.[0];
    const by = rule?.ApplyServerSideEncryptionByDefault;
    if (!by || by.SSEAlgorithm === "AES256") return;
    input.ServerSideEncryption = by.SSEAlgorithm;
    input.SSEKMSKeyId = keyArn(by.KMSMasterKeyID ?? managedKeyArn(account, region), account, region);
    if (rule.BucketKeyEnabled) input.BucketKeyEnabled = true;
    return;
  }
  if (!ALGORITHMS.has(input.ServerSideEncryption)) {
    throw new ServiceError("InvalidArgument", "The encryption method specified is not supported", { fields: { ArgumentName: "x-amz-server-side-encryption", ArgumentValue: input.ServerSideEncryption } });
  }
  if (input.ServerSideEncryption === "AES256") {
    if (input.SSEKMSKeyId !== undefined) throw new ServiceError("InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", { fields: { ArgumentName: "x-amz-server-side-encryption", ArgumentValue: "AES256" } });
    return;
  }
  const byDefault = bucketDefault?.[0]?.ApplyServerSideEncryptionByDefault;
  const defaultKey = byDefault?.SSEAlgorithm === input.ServerSideEncryption ? byDefault.KMSMasterKeyID : undefined;
  input.SSEKMSKeyId = keyArn(input.SSEKMSKeyId ?? defaultKey ?? managedKeyArn(account, region), account, region);
  if (input.BucketKeyEnabled === undefined && bucketDefault?.[0]?.BucketKeyEnabled) input.BucketKeyEnabled = true;
}

/** The response members that echo a write's encryption. */
export function encryptionOutput(input: EncryptionInput): Record<string, unknown> {
  const out: Record<string, unknown> = { ServerSideEncryption: input.ServerSideEncryption ?? "AES256" };
  if (input.SSEKMSKeyId !== undefined) out.SSEKMSKeyId = input.SSEKMSKeyId;
  if (input.BucketKeyEnabled) out.BucketKeyEnabled = true;
  if (input.SSEKMSEncryptionContext !== undefined) out.SSEKMSEncryptionContext = input.SSEKMSEncryptionContext;
  return out;
}

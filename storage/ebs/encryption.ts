import { createHash } from "node:crypto";
import type {
  DisableEbsEncryptionByDefaultRequest, DisableEbsEncryptionByDefaultResult, EnableEbsEncryptionByDefaultRequest, EnableEbsEncryptionByDefaultResult,
  GetEbsDefaultKmsKeyIdRequest, GetEbsDefaultKmsKeyIdResult, GetEbsEncryptionByDefaultRequest, GetEbsEncryptionByDefaultResult,
  ModifyEbsDefaultKmsKeyIdRequest, ModifyEbsDefaultKmsKeyIdResult, ResetEbsDefaultKmsKeyIdRequest, ResetEbsDefaultKmsKeyIdResult,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { EbsStore } from "./store.js";
import { dryRun } from "./ec2-query.js";

/** The ARN of the account's AWS-managed `aws/ebs` key in a region (stable, so volumes agree). */
export function defaultKmsKeyId(account: string, region: string): string {
  const h = createHash("sha256").update(`aws/ebs:${account}:${region}`).digest("hex");
  return `arn:aws:kms:${region}:${account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Whether a new volume or snapshot is encrypted and with which key: asked for, inherited from an
 * encrypted source, or forced by the account's encryption-by-default setting (which also names the
 * default key).
 */
export function resolveEncryption(
  store: EbsStore, account: string, region: string,
  request: { encrypted?: boolean | undefined; kmsKeyId?: string | undefined; sourceEncrypted?: boolean; sourceKmsKeyId?: string | null | undefined },
): { encrypted: boolean; kmsKeyId: string | null } {
  const defaults = store.encryptionDefaults(account, region);
  if (request.kmsKeyId && !request.encrypted && !request.sourceEncrypted && !defaults.enabled) {
    throw new ServiceError("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
  }
  const encrypted = request.encrypted === true || request.sourceEncrypted === true || defaults.enabled;
  if (!encrypted) return { encrypted: false, kmsKeyId: null };
  return { encrypted: true, kmsKeyId: request.kmsKeyId ?? request.sourceKmsKeyId ?? defaults.kmsKeyId ?? defaultKmsKeyId(account, region) };
}

export function encryptionHandlers(store: EbsStore) {
  const { db } = store.env;
  return {
    GetEbsEncryptionByDefault(input: GetEbsEncryptionByDefaultRequest, ctx: OperationContext): GetEbsEncryptionByDefaultResult {
      dryRun(input);
      return { EbsEncryptionByDefault: store.encryptionDefaults(ctx.account, ctx.region).enabled, SseType: "none" };
    },
    EnableEbsEncryptionByDefault(input: EnableEbsEncryptionByDefaultRequest, ctx: OperationContext): EnableEbsEncryptionByDefaultResult {
      dryRun(input);
      db.transaction(() => store.setEncryptionByDefault(ctx.account, ctx.region, true));
      return { EbsEncryptionByDefault: true };
    },
    DisableEbsEncryptionByDefault(input: DisableEbsEncryptionByDefaultRequest, ctx: OperationContext): DisableEbsEncryptionByDefaultResult {
      dryRun(input);
      db.transaction(() => store.setEncryptionByDefault(ctx.account, ctx.region, false));
      return { EbsEncryptionByDefault: false };
    },
    GetEbsDefaultKmsKeyId(input: GetEbsDefaultKmsKeyIdRequest, ctx: OperationContext): GetEbsDefaultKmsKeyIdResult {
      dryRun(input);
      return { KmsKeyId: store.encryptionDefaults(ctx.account, ctx.region).kmsKeyId ?? "alias/aws/ebs" };
    },
    ModifyEbsDefaultKmsKeyId(input: ModifyEbsDefaultKmsKeyIdRequest, ctx: OperationContext): ModifyEbsDefaultKmsKeyIdResult {
      const key = input.KmsKeyId;
      if (!key) throw new ServiceError("MissingParameter", "The request must contain the parameter KmsKeyId");
      if (!/^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+|alias\/.+|[0-9a-f-]{36})$/.test(key)) {
        throw new ServiceError("InvalidParameterValue", `Value (${key}) for parameter kmsKeyId is invalid. Specify a key ID, key ARN, alias name or alias ARN.`);
      }
      dryRun(input);
      db.transaction(() => store.setDefaultKmsKey(ctx.account, ctx.region, key));
      return { KmsKeyId: key };
    },
    ResetEbsDefaultKmsKeyId(input: ResetEbsDefaultKmsKeyIdRequest, ctx: OperationContext): ResetEbsDefaultKmsKeyIdResult {
      dryRun(input);
      db.transaction(() => store.setDefaultKmsKey(ctx.account, ctx.region, null));
      return { KmsKeyId: "alias/aws/ebs" };
    },
  };
}

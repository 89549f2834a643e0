import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { page, requireEntity } from "./iam-context.js";
import { checkEntityName, checkLength } from "./constraints.js";
import { IamErrors, validationError } from "./errors.js";
import { accessKeyId, secretAccessKey } from "./ids.js";

const MAX_KEYS_PER_USER = 2;

/** IAM users' long-term keys: each authenticates as its user in every service until deleted or made Inactive. */
export function accessKeyHandlers({ store, clock }: IamContext) {
  /** The user named, or else the calling user; root's own keys are not IAM's to manage here. */
  function userName(ctx: OperationContext, name: string | undefined): string {
    if (name !== undefined) {
      checkEntityName("UserName", name, 128);
      return requireEntity(store, ctx.account, "user", name).name;
    }
    const m = /^arn:aws:iam::\d{12}:user(?:\/.*)?\/([^/]+)$/.exec(ctx.caller.arn);
    if (!m) throw validationError("Must specify userName when calling with non-User credentials");
    return m[1]!;
  }

  function key(ctx: OperationContext, keyId: string | undefined, user: string) {
    checkLength("AccessKeyId", keyId, 16, 128);
    const row = store.accessKey(keyId!);
    if (!row || row.account !== ctx.account || row.user_name.toLowerCase() !== user.toLowerCase()) {
      throw IamErrors.noSuchEntity(`The Access Key with id ${keyId} cannot be found.`);
    }
    return row;
  }

  return {
    CreateAccessKey(input: Iam.CreateAccessKeyRequest, ctx: OperationContext): Iam.CreateAccessKeyResponse {
      return store.transaction(() => {
        const user = userName(ctx, input.UserName);
        if (store.accessKeysOf(ctx.account, user).length >= MAX_KEYS_PER_USER) throw IamErrors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`);
        const row = { key_id: accessKeyId("AKIA"), account: ctx.account, user_name: user, secret: secretAccessKey(), status: "Active" as const, created_at: clock.now() };
        store.insertAccessKey(row);
        return { AccessKey: { UserName: user, AccessKeyId: row.key_id, Status: row.status, SecretAccessKey: row.secret, CreateDate: new Date(row.created_at) } };
      });
    },

    ListAccessKeys(input: Iam.ListAccessKeysRequest, ctx: OperationContext): Iam.ListAccessKeysResponse {
      const user = userName(ctx, input.UserName);
      const { items, IsTruncated, Marker } = page(store.accessKeysOf(ctx.account, user), input);
      return { AccessKeyMetadata: items.map((k) => ({ UserName: k.user_name, AccessKeyId: k.key_id, Status: k.status, CreateDate: new Date(k.created_at) })), IsTruncated, Marker };
    },

    UpdateAccessKey(input: Iam.UpdateAccessKeyRequest, ctx: OperationContext): NoOutput {
      if (input.Status !== "Active" && input.Status !== "Inactive") throw validationError(`1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
      store.transaction(() => store.setAccessKeyStatus(key(ctx, input.AccessKeyId, userName(ctx, input.UserName)).key_id, input.Status!));
      return {};
    },

    DeleteAccessKey(input: Iam.DeleteAccessKeyRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => store.deleteAccessKey(key(ctx, input.AccessKeyId, userName(ctx, input.UserName)).key_id));
      return {};
    },

    /** Last use is not recorded (that would be a write per request): keys answer as never used. */
    GetAccessKeyLastUsed(input: Iam.GetAccessKeyLastUsedRequest, ctx: OperationContext): Iam.GetAccessKeyLastUsedResponse {
      checkLength("AccessKeyId", input.AccessKeyId, 16, 128);
      const row = store.accessKey(input.AccessKeyId!);
      if (!row || row.account !== ctx.account) throw IamErrors.noSuchEntity(`The Access Key with id ${input.AccessKeyId} cannot be found.`);
      return { UserName: row.user_name, AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } };
    },
  };
}

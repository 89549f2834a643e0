import type * as Sts from "@aws-sdk/client-sts";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { StsContext } from "./session-rules.js";
import { checkSessionName, packedPolicySize, sessionExtras } from "./session-rules.js";
import { checkLength, checkPattern, checkRange } from "./constraints.js";
import { StsErrors, validationError } from "./errors.js";
import { issueCredentials } from "./sessions.js";
import { federatedUserArn } from "./arns.js";
import type { IdentityStore } from "./identity-store.js";

function isRoot(ctx: OperationContext): boolean {
  return ctx.caller.arn.endsWith(":root");
}

/**
 * Session credentials cannot mint more: GetSessionToken and GetFederationToken need long-term keys.
 * The key decides, not the ARN: a GetSessionToken session keeps its user's ARN.
 */
function requireLongTermKey(store: IdentityStore, ctx: OperationContext, operation: string): void {
  const keyId = ctx.caller.accessKeyId;
  if (keyId !== undefined && store.session(keyId)) throw StsErrors.accessDenied(`Cannot call ${operation} with session credentials`);
}

/** Durations of user sessions: 900 s to 36 hours; an account's root gets at most an hour. */
function userSessionDuration(requested: number | undefined, ctx: OperationContext): number {
  checkRange("DurationSeconds", requested, 900, 129600);
  if (isRoot(ctx) && requested !== undefined && requested > 3600) throw validationError("The requested DurationSeconds exceeds the 1 hour session limit for the account's root user.");
  return requested ?? (isRoot(ctx) ? 3600 : 43200);
}

export function tokenHandlers({ store, clock }: StsContext) {
  return {
    /** Temporary credentials standing for the calling user (or root) itself, MFA or not. */
    GetSessionToken(input: Sts.GetSessionTokenRequest, ctx: OperationContext): Sts.GetSessionTokenResponse {
      requireLongTermKey(store, ctx, "GetSessionToken");
      checkLength("SerialNumber", input.SerialNumber, 9, 256);
      checkPattern("TokenCode", input.TokenCode, /^\d{6}$/, "[\\d]*");
      const duration = userSessionDuration(input.DurationSeconds, ctx);
      const Credentials = store.transaction(() => issueCredentials(store, clock, {
        account: ctx.caller.account, arn: ctx.caller.arn, userId: ctx.caller.userId, kind: "session", durationSeconds: duration, details: {},
      }));
      return { Credentials };
    },

    /** Credentials for a federated user named by the caller: `arn:aws:sts::ACCOUNT:federated-user/NAME`. */
    GetFederationToken(input: Sts.GetFederationTokenRequest, ctx: OperationContext): Sts.GetFederationTokenResponse {
      requireLongTermKey(store, ctx, "GetFederationToken");
      checkSessionName("Name", input.Name, 32);
      const extras = sessionExtras(input);
      const duration = userSessionDuration(input.DurationSeconds, ctx);
      const arn = federatedUserArn(ctx.caller.account, input.Name!);
      const userId = `${ctx.caller.account}:${input.Name}`;
      const Credentials = store.transaction(() => issueCredentials(store, clock, {
        account: ctx.caller.account, arn, userId, kind: "federated", durationSeconds: duration, details: extras,
      }));
      return { Credentials, FederatedUser: { FederatedUserId: userId, Arn: arn }, PackedPolicySize: packedPolicySize(extras) ?? 0 };
    },
  };
}

import type * as Sts from "@aws-sdk/client-sts";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { StsContext } from "./session-rules.js";
import { checkSessionName, findRole, packedPolicySize, roleSessionDuration, sessionExtras } from "./session-rules.js";
import { checkLength, checkPattern } from "./constraints.js";
import { issueCredentials, sessionDetails } from "./sessions.js";
import { assumedRoleArn } from "./arns.js";
import { checkTrust, notAuthorized } from "./trust.js";
import { principalTagKeys } from "./principal-tags.js";
import { refuseUnhonoured } from "./errors.js";

/** AssumeRole: the role must exist and trust the caller (its account, user or role, with the ExternalId it asks for). */
export function assumeRoleHandlers({ store, clock }: StsContext) {
  return {
    AssumeRole(input: Sts.AssumeRoleRequest, ctx: OperationContext): Sts.AssumeRoleResponse {
      refuseUnhonoured(input as unknown as Record<string, unknown>, ["ProvidedContexts"]);
      checkSessionName("RoleSessionName", input.RoleSessionName);
      checkLength("ExternalId", input.ExternalId, 2, 1224);
      checkPattern("ExternalId", input.ExternalId, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*");
      checkLength("SerialNumber", input.SerialNumber, 9, 256);
      checkLength("TokenCode", input.TokenCode, 6, 6);
      checkPattern("TokenCode", input.TokenCode, /^\d{6}$/, "[\\d]*");
      const extras = sessionExtras(input);
      const role = findRole(store, input.RoleArn!);
      if (!role) throw notAuthorized(ctx.caller.arn, "sts:AssumeRole", input.RoleArn!);
      const callerSession = ctx.caller.accessKeyId?.startsWith("ASIA") ? store.session(ctx.caller.accessKeyId) : undefined;
      const callerRole = callerSession?.kind === "assumed-role" ? sessionDetails(callerSession).roleArn : undefined;
      const trustRequest = {
        principal: { type: "AWS" as const, id: ctx.caller.arn, account: ctx.caller.account },
        action: "sts:AssumeRole",
        resource: role.arn,
        context: {
          "sts:ExternalId": input.ExternalId,
          "sts:RoleSessionName": input.RoleSessionName,
          "sts:SourceIdentity": input.SourceIdentity,
          "aws:PrincipalAccount": ctx.caller.account,
          "aws:PrincipalArn": callerRole ?? ctx.caller.arn,
          "aws:MultiFactorAuthPresent": input.SerialNumber && input.TokenCode ? "true" : "false",
          ...principalTagKeys(store, ctx.caller),
          ...Object.fromEntries((extras.tags ?? []).map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
          "aws:TagKeys": extras.tags?.map((t) => t.Key),
        },
      };
      checkTrust(role.attrs.AssumeRolePolicyDocument, trustRequest, ctx.caller.arn);
      // Passing session tags is a second permission the trust policy must grant, as in AWS.
      if (extras.tags || extras.transitiveTagKeys) checkTrust(role.attrs.AssumeRolePolicyDocument, { ...trustRequest, action: "sts:TagSession" }, ctx.caller.arn);
      const duration = roleSessionDuration(input.DurationSeconds, role.attrs, callerRole !== undefined);
      const arn = assumedRoleArn(role.row.account, role.row.name, input.RoleSessionName!);
      const userId = `${role.row.id}:${input.RoleSessionName}`;
      const Credentials = store.transaction(() => issueCredentials(store, clock, {
        account: role.row.account, arn, userId, kind: "assumed-role", durationSeconds: duration, details: { roleArn: role.arn, ...extras },
      }));
      return { Credentials, AssumedRoleUser: { AssumedRoleId: userId, Arn: arn }, PackedPolicySize: packedPolicySize(extras), SourceIdentity: extras.sourceIdentity };
    },
  };
}

import type { Caller } from "../../sdk-compat/protocol/operation-handler.js";
import type { AuthorizationRequest, Policy } from "./policy-engine.js";
import { evaluate, parsePolicy } from "./policy-engine.js";
import { StsErrors } from "./errors.js";

/**
 * Checks a role's trust policy for an AssumeRole* call: the policy must allow the caller (or the
 * identity provider) the action, with the call's condition keys; else AccessDenied, worded as STS
 * words it (which also answers an unknown role, so that roles cannot be probed).
 */
export function checkTrust(trustPolicy: string | undefined, request: AuthorizationRequest, callerArn: string, alternativeIds: string[] = []): void {
  let policy: Policy | undefined;
  try {
    policy = trustPolicy === undefined ? undefined : parsePolicy(trustPolicy);
  } catch {
    policy = undefined;
  }
  if (policy) {
    // A session's principal is both its role and its assumed-role ARN: trust policies name either.
    const decisions = [request.principal.id, ...alternativeIds].map((id) => evaluate([policy!], { ...request, principal: { ...request.principal, id } }));
    if (!decisions.includes("Deny") && decisions.includes("Allow")) return;
  }
  throw notAuthorized(callerArn, request.action, request.resource);
}

export function notAuthorized(callerArn: string, action: string, resource: string) {
  return StsErrors.accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`);
}

/** The trust policy principal of a caller: sessions are their role, others their own ARN. */
export function awsPrincipal(caller: Caller, roleArn: string | undefined): AuthorizationRequest["principal"] {
  return { type: "AWS", id: roleArn ?? caller.arn, account: caller.account };
}

import type { AuthorizationRequest, Policy } from "./policy/index.js";
import { evaluate, parsePolicy } from "./policy/index.js";
import { StsErrors } from "./errors.js";

/**
 * Checks a role's trust policy for an AssumeRole* call with the shared evaluator: the policy must
 * allow the caller (or the identity provider) the action with the call's condition keys, and deny
 * nothing; else AccessDenied, worded as STS words it (which also answers an unknown role, so that
 * roles cannot be probed). A session caller is matched by its session ARN, its role and its account
 * alike: the evaluator knows an assumed-role ARN stands for its role.
 */
export function checkTrust(trustPolicy: string | undefined, request: AuthorizationRequest, callerArn: string): void {
  let policy: Policy | undefined;
  try {
    policy = trustPolicy === undefined ? undefined : parsePolicy(trustPolicy);
  } catch {
    // IAM checked the document when it was stored; one it cannot read trusts nobody.
    policy = undefined;
  }
  if (policy && evaluate([policy], request) === "Allow") return;
  throw notAuthorized(callerArn, request.action, request.resource);
}

export function notAuthorized(callerArn: string, action: string, resource: string) {
  return StsErrors.accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`);
}

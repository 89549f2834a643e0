/**
 * The one evaluator of the AWS policy language, used by every resource policy and grant (S3 bucket
 * policies, SQS queue policies, SNS topic policies, EC2 launch/create-volume permissions) and, later, IAM
 * identity policies. Domain code: no HTTP, no storage; callers parse the text they store and evaluate it.
 */
export type { Decision, Policy, Statement, ConditionClause, PrincipalSet, PrincipalKind, Effect, AuthorizationRequest } from "./policy-types.js";
export { parsePolicy } from "./parse-policy.js";
export { PolicySyntaxError } from "./policy-syntax-error.js";
export { evaluate } from "./evaluate.js";
export { wildcardMatch, arnMatch } from "./wildcard.js";

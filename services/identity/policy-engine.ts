// The one place identity imports the policy evaluator from: the shared evaluator replaces the
// fallback here, by changing this line, once both are on one branch.
export { parsePolicy, evaluate, PolicySyntaxError } from "./policy-fallback.js";
export type { Policy, Decision, AuthorizationRequest } from "./policy-fallback.js";

import { arnMatch, wildcardMatch } from "./wildcard.js";
import { clauseHolds, parseOperator } from "./condition-operators.js";
import { arnAccount, callerIdentities, notPrincipalMatches, principalMatches } from "./principal-match.js";
import { substituteVariables } from "./policy-variables.js";
import type { AuthorizationRequest, Decision, Policy, Statement } from "./policy-types.js";

type Lookup = (key: string) => string | string[] | undefined;

/**
 * The request's condition keys by lower-cased name (keys are case-insensitive), with the principal keys
 * AWS fills in for every signed request (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
 * aws:username for users) unless the caller supplied them.
 */
function contextLookup(request: AuthorizationRequest): Lookup {
  const keys = new Map<string, string | string[]>();
  const { principal } = request;
  if (principal.type === "AWS") {
    const account = principal.account ?? arnAccount(principal.id);
    keys.set("aws:principalarn", principal.id);
    if (account) keys.set("aws:principalaccount", account);
    const user = /:user\/(?:.*\/)?([^/]+)$/.exec(principal.id);
    keys.set("aws:principaltype", principal.id.endsWith(":root") ? "Account" : user ? "User" : principal.id.includes(":assumed-role/") ? "AssumedRole" : "AWS");
    if (user) keys.set("aws:username", user[1]!);
  } else if (principal.type === "Service") {
    keys.set("aws:principalservicename", principal.id);
  } else if (principal.type === "Anonymous") {
    keys.set("aws:principaltype", "Anonymous");
  }
  for (const [key, value] of Object.entries(request.context ?? {})) if (value !== undefined) keys.set(key.toLowerCase(), value);
  return (key) => keys.get(key.toLowerCase());
}

const actionListMatches = (patterns: string[], action: string) => patterns.some((pattern) => wildcardMatch(pattern, action, true));

function resourceListMatches(patterns: string[], resource: string, lookup: Lookup, variables: boolean): boolean {
  return patterns.some((raw) => {
    const pattern = variables ? substituteVariables(raw, lookup) : raw;
    return pattern !== undefined && (pattern === "*" || arnMatch(pattern, resource));
  });
}

function conditionsHold(statement: Statement, lookup: Lookup, variables: boolean): boolean {
  return statement.conditions.every((clause) => {
    const operator = parseOperator(clause.operator)!;
    const values = variables ? clause.values.map((v) => substituteVariables(v, lookup)).filter((v): v is string => v !== undefined) : clause.values;
    return clauseHolds(operator, values, lookup(clause.key));
  });
}

/** Whether a statement applies to the request: principal, action, resource and every condition. */
function statementApplies(statement: Statement, request: AuthorizationRequest, lookup: Lookup, variables: boolean): boolean {
  const identities = callerIdentities(request.principal);
  if (statement.principal && !principalMatches(statement.principal, identities)) return false;
  if (statement.notPrincipal && !notPrincipalMatches(statement.notPrincipal, identities)) return false;
  if (statement.action && !actionListMatches(statement.action, request.action)) return false;
  if (statement.notAction && actionListMatches(statement.notAction, request.action)) return false;
  if (statement.resource && !resourceListMatches(statement.resource, request.resource, lookup, variables)) return false;
  if (statement.notResource && resourceListMatches(statement.notResource, request.resource, lookup, variables)) return false;
  return conditionsHold(statement, lookup, variables);
}

/**
 * The decision of a set of policies on one request, as AWS makes it: an explicit Deny in any applicable
 * statement wins, otherwise any applicable Allow allows, otherwise the request is implicitly denied.
 * Which decision a service then requires (an Allow for cross-account access, no Deny for its owner) is
 * the service's rule, not the evaluator's.
 */
export function evaluate(policies: Policy[], request: AuthorizationRequest): Decision {
  const lookup = contextLookup(request);
  let allowed = false;
  for (const policy of policies) {
    const variables = policy.version === "2012-10-17";
    for (const statement of policy.statements) {
      if (!statementApplies(statement, request, lookup, variables)) continue;
      if (statement.effect === "Deny") return "Deny";
      allowed = true;
    }
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

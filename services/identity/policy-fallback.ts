// A small evaluator of the AWS policy language behind the interface of the shared evaluator
// (services/identity/policy/), written so trust policies can be checked before that one lands.
// It covers what trust policies use: Effect, Principal/NotPrincipal, Action/NotAction,
// Resource/NotResource and the string, ARN, Bool and Null condition operators.

export type Decision = "Allow" | "Deny" | "ImplicitDeny";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Policy {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export class PolicySyntaxError extends Error {
  override readonly name = "PolicySyntaxError";
}

export interface AuthorizationRequest {
  principal: { type: "AWS" | "Service" | "Federated" | "Anonymous"; id: string; account?: string };
  action: string;
  resource: string;
  context?: Record<string, string | string[] | undefined>;
}

const STATEMENT_FIELDS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

function isStringOrList(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string"));
}

export function parsePolicy(text: string): Policy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new PolicySyntaxError("Syntax errors in policy.");
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) throw new PolicySyntaxError("Syntax errors in policy.");
  const { Version, Id, Statement, ...rest } = document as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new PolicySyntaxError(`Syntax errors in policy.`);
  if (Version !== undefined && Version !== "2012-10-17" && Version !== "2008-10-17") throw new PolicySyntaxError("The policy must contain a valid version string");
  if (Statement === undefined) throw new PolicySyntaxError("Missing required field Statement");
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  if (statements.length === 0) throw new PolicySyntaxError("Missing required field Statement");
  for (const statement of statements) {
    if (!statement || typeof statement !== "object" || Array.isArray(statement)) throw new PolicySyntaxError("Syntax errors in policy.");
    const s = statement as Record<string, unknown>;
    for (const key of Object.keys(s)) if (!STATEMENT_FIELDS.has(key)) throw new PolicySyntaxError(`Syntax errors in policy.`);
    if (s["Effect"] === undefined) throw new PolicySyntaxError("Missing required field Effect");
    if (s["Effect"] !== "Allow" && s["Effect"] !== "Deny") throw new PolicySyntaxError(`Invalid effect: ${String(s["Effect"])}`);
    if (s["Action"] === undefined && s["NotAction"] === undefined) throw new PolicySyntaxError("Missing required field Action");
    for (const field of ["Action", "NotAction", "Resource", "NotResource"]) {
      if (s[field] !== undefined && !isStringOrList(s[field])) throw new PolicySyntaxError("Syntax errors in policy.");
    }
    const condition = s["Condition"];
    if (condition !== undefined) {
      if (!condition || typeof condition !== "object" || Array.isArray(condition)) throw new PolicySyntaxError("Syntax errors in policy.");
      for (const block of Object.values(condition)) {
        if (!block || typeof block !== "object" || Array.isArray(block)) throw new PolicySyntaxError("Syntax errors in policy.");
      }
    }
  }
  return { Version: Version as string | undefined, Id: Id as string | undefined, Statement: statements as PolicyStatement[] };
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function principalMatches(principal: unknown, request: AuthorizationRequest): boolean {
  if (principal === "*") return true;
  if (!principal || typeof principal !== "object") return false;
  const { type, id, account } = request.principal;
  for (const [kind, values] of Object.entries(principal as Record<string, string | string[]>)) {
    if (kind !== type) continue;
    for (const value of list(values)) {
      if (value === "*" || value === id) return true;
      if (kind === "AWS" && account !== undefined && (value === account || value === `arn:aws:iam::${account}:root`)) return true;
    }
  }
  return false;
}

function conditionHolds(operator: string, key: string, expected: string[], context: AuthorizationRequest["context"]): boolean {
  const found = Object.entries(context ?? {}).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  let op = operator;
  let qualifier: "any" | "all" | undefined;
  if (op.startsWith("ForAnyValue:")) [qualifier, op] = ["any", op.slice(12)];
  else if (op.startsWith("ForAllValues:")) [qualifier, op] = ["all", op.slice(13)];
  const ifExists = op.endsWith("IfExists");
  if (ifExists) op = op.slice(0, -8);
  if (op === "Null") return (found === undefined) === (expected[0] === "true");
  if (found === undefined) return ifExists || op.startsWith("StringNot") || op.startsWith("ArnNot") || qualifier === "all";
  const values = Array.isArray(found) ? found : [found];
  const one = (value: string): boolean => {
    switch (op) {
      case "StringEquals": case "ArnEquals": return expected.includes(value);
      case "StringNotEquals": case "ArnNotEquals": return !expected.includes(value);
      case "StringEqualsIgnoreCase": return expected.some((e) => e.toLowerCase() === value.toLowerCase());
      case "StringNotEqualsIgnoreCase": return !expected.some((e) => e.toLowerCase() === value.toLowerCase());
      case "StringLike": case "ArnLike": return expected.some((e) => wildcard(e, value, false));
      case "StringNotLike": case "ArnNotLike": return !expected.some((e) => wildcard(e, value, false));
      case "Bool": return expected.some((e) => e.toLowerCase() === value.toLowerCase());
      default: return false;
    }
  };
  return qualifier === "all" ? values.every(one) : values.some(one);
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request)) return false;
  if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, request)) return false;
  if (statement.Action !== undefined && !list(statement.Action).some((a) => wildcard(a, request.action, true))) return false;
  if (statement.NotAction !== undefined && list(statement.NotAction).some((a) => wildcard(a, request.action, true))) return false;
  if (statement.Resource !== undefined && !list(statement.Resource).some((r) => wildcard(r, request.resource, false))) return false;
  if (statement.NotResource !== undefined && list(statement.NotResource).some((r) => wildcard(r, request.resource, false))) return false;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(block)) {
      if (!conditionHolds(operator, key, list(expected).map(String), request.context)) return false;
    }
  }
  return true;
}

/** An explicit Deny wins over any Allow; nothing that applies is an implicit deny. */
export function evaluate(policies: Policy[], request: AuthorizationRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      if (!statementApplies(statement, request)) continue;
      if (statement.Effect === "Deny") return "Deny";
      allowed = true;
    }
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

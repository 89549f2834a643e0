import { PolicySyntaxError } from "./policy-syntax-error.js";
import { operatorAcceptsValue, parseOperator } from "./condition-operators.js";
import type { ConditionClause, Policy, PrincipalKind, PrincipalSet, Statement } from "./policy-types.js";

const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
const POLICY_FIELDS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_FIELDS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const PRINCIPAL_KINDS: readonly PrincipalKind[] = ["AWS", "Service", "Federated", "CanonicalUser"];

const fail = (message: string): never => {
  throw new PolicySyntaxError(message);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A scalar-or-list element as a list of non-empty strings; `what` names the element in the error. */
function stringList(value: unknown, what: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) fail(`Policy has an empty ${what} list`);
  return items.map((item) => (typeof item === "string" && item.length > 0 ? item : fail(`Policy has invalid ${what}`)));
}

/** An action is `*` or `service:Action` (wildcards allowed in the action part). */
function actions(value: unknown): string[] {
  const list = stringList(value, "action");
  for (const action of list) if (action !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) fail("Policy has invalid action");
  return list;
}

function resources(value: unknown): string[] {
  const list = stringList(value, "resource");
  for (const resource of list) if (resource !== "*" && !resource.startsWith("arn:")) fail("Policy has invalid resource");
  return list;
}

/**
 * `"*"` or an object of principal kinds. AWS principals are `*`, a 12-digit account, or an IAM/STS ARN;
 * a wildcard inside a principal is not allowed (AWS refuses it), only `*` on its own.
 */
function principals(value: unknown): PrincipalSet {
  if (value === "*") return "*";
  if (!isObject(value)) return fail("Invalid principal in policy");
  const set: Partial<Record<PrincipalKind, string[]>> = {};
  for (const [kind, entries] of Object.entries(value)) {
    if (!(PRINCIPAL_KINDS as readonly string[]).includes(kind)) fail("Invalid principal in policy");
    const list = stringList(entries, "principal");
    for (const entry of list) {
      if (entry === "*") continue;
      if (entry.includes("*") || entry.includes("?")) fail("Invalid principal in policy");
      if (kind === "AWS" && !/^\d{12}$/.test(entry) && !/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/.test(entry)) fail("Invalid principal in policy");
    }
    set[kind as PrincipalKind] = list;
  }
  if (Object.keys(set).length === 0) fail("Invalid principal in policy");
  return set;
}

const scalarText = (value: unknown): string | undefined => {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
};

/** `{ Operator: { key: value | [values] } }`, every operator known and every value fit for it. */
function conditions(value: unknown): ConditionClause[] {
  if (!isObject(value)) return fail("Policy has an invalid condition block");
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(value)) {
    const parsed = parseOperator(operator);
    if (!parsed) fail(`Invalid Condition type : ${operator}`);
    if (!isObject(keys) || Object.keys(keys).length === 0) fail(`Policy has an invalid condition block for ${operator}`);
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const items = Array.isArray(raw) ? raw : [raw];
      const values = items.map((item) => scalarText(item) ?? fail(`Policy has an invalid condition value for ${key}`));
      if (values.length === 0) fail(`Policy has an empty condition value list for ${key}`);
      for (const v of values) if (!operatorAcceptsValue(parsed!.base, v)) fail(`Invalid value for ${operator} condition key ${key}: ${v}`);
      clauses.push({ operator, key: key.toLowerCase(), values });
    }
  }
  return clauses;
}

function statement(raw: unknown): Statement {
  if (!isObject(raw)) return fail("Policy has an invalid statement");
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) fail(`Unknown field ${field}`);
  const effect = raw["Effect"];
  if (effect === undefined) fail("Missing required field Effect");
  if (effect !== "Allow" && effect !== "Deny") fail(`Invalid effect: ${String(effect)}`);
  if (raw["Principal"] !== undefined && raw["NotPrincipal"] !== undefined) fail("Policy statement cannot have both Principal and NotPrincipal");
  if (raw["Action"] !== undefined && raw["NotAction"] !== undefined) fail("Policy statement cannot have both Action and NotAction");
  if (raw["Resource"] !== undefined && raw["NotResource"] !== undefined) fail("Policy statement cannot have both Resource and NotResource");
  if (raw["Action"] === undefined && raw["NotAction"] === undefined) fail("Missing required field Action");
  const sid = raw["Sid"];
  if (sid !== undefined && typeof sid !== "string") fail("Policy has an invalid Sid");
  const parsed: Statement = { effect: effect as Statement["effect"], conditions: [] };
  if (sid !== undefined) parsed.sid = sid as string;
  if (raw["Principal"] !== undefined) parsed.principal = principals(raw["Principal"]);
  if (raw["NotPrincipal"] !== undefined) parsed.notPrincipal = principals(raw["NotPrincipal"]);
  if (raw["Action"] !== undefined) parsed.action = actions(raw["Action"]);
  if (raw["NotAction"] !== undefined) parsed.notAction = actions(raw["NotAction"]);
  if (raw["Resource"] !== undefined) parsed.resource = resources(raw["Resource"]);
  if (raw["NotResource"] !== undefined) parsed.notResource = resources(raw["NotResource"]);
  if (raw["Condition"] !== undefined) parsed.conditions = conditions(raw["Condition"]);
  return parsed;
}

/**
 * Parses a policy document. Checks the grammar only (which elements a given service requires, such as
 * a Principal in resource policies or a Resource, is the service's to check on the parsed statements).
 */
export function parsePolicy(text: string): Policy {
  if (!text.trimStart().startsWith("{")) fail("Policies must be valid JSON and the first byte must be '{'");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    fail("This policy contains invalid Json");
  }
  if (!isObject(document)) return fail("This policy contains invalid Json");
  for (const field of Object.keys(document)) if (!POLICY_FIELDS.has(field)) fail(`Unknown field ${field}`);
  const version = document["Version"];
  if (version !== undefined && (typeof version !== "string" || !VERSIONS.has(version))) fail(`The policy version ${String(version)} is not supported; use 2012-10-17`);
  const id = document["Id"];
  if (id !== undefined && typeof id !== "string") fail("Policy has an invalid Id");
  const rawStatements = document["Statement"];
  if (rawStatements === undefined) fail("Missing required field Statement");
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  // An empty Statement list is a document that allows nothing; services that refuse one (IAM) check it.
  const policy: Policy = { statements: list.map(statement) };
  if (version !== undefined) policy.version = version as string;
  if (id !== undefined) policy.id = id as string;
  return policy;
}

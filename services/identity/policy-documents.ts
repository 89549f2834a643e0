import type { IdentityStore } from "./identity-store.js";
import { IamErrors } from "./errors.js";
import { parsePolicy } from "./policy-engine.js";
import type { Policy } from "./policy-engine.js";

/** Policy sizes IAM enforces, in characters without whitespace, and the quota names its errors give. */
export const POLICY_QUOTAS = {
  trust: { size: 2048, quota: "ACLSizePerRole" },
  managed: { size: 6144, quota: "PolicySize" },
  user: { size: 2048, quota: "UserPolicySize" },
  group: { size: 5120, quota: "GroupPolicySize" },
  role: { size: 10240, quota: "RolePolicySize" },
} as const;

function parseOrMalformed(text: string): Policy {
  try {
    return parsePolicy(text);
  } catch (error) {
    throw IamErrors.malformedPolicyDocument((error as Error).message);
  }
}

function checkSize(text: string, kind: keyof typeof POLICY_QUOTAS): void {
  const { size, quota } = POLICY_QUOTAS[kind];
  if (text.replace(/\s/g, "").length > size) throw IamErrors.limitExceeded(`Cannot exceed quota for ${quota}: ${size}`);
}

function values(value: unknown): string[] {
  return typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** An AWS principal a trust policy may name: everyone, an account, or a user, role or session that exists. */
function checkAwsPrincipal(store: IdentityStore, principal: string): void {
  if (principal === "*" || /^\d{12}$/.test(principal) || /^arn:aws:iam::\d{12}:root$/.test(principal)) return;
  if (/^arn:aws:sts::\d{12}:(assumed-role|federated-user)\/.+$/.test(principal)) return;
  const m = /^arn:aws:iam::(\d{12}):(user|role)(?:\/[\x21-\x7E]*)?\/([\w+=,.@-]+)$/.exec(principal);
  if (m && store.entity(m[1]!, m[2] as "user" | "role", m[3]!)) return;
  throw IamErrors.malformedPolicyDocument(`Invalid principal in policy: "AWS":"${principal}"`);
}

/** A role's trust policy: every statement names a principal, none names a resource. */
export function checkTrustPolicy(store: IdentityStore, text: string): void {
  checkSize(text, "trust");
  const policy = parseOrMalformed(text);
  for (const statement of policy.Statement) {
    if (statement.Resource !== undefined || statement.NotResource !== undefined) throw IamErrors.malformedPolicyDocument("Has prohibited field Resource");
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw IamErrors.malformedPolicyDocument("Missing required field Principal");
    const principal = statement.Principal ?? statement.NotPrincipal;
    if (principal !== "*") {
      if (!principal || typeof principal !== "object" || Array.isArray(principal)) throw IamErrors.malformedPolicyDocument("Syntax errors in policy.");
      for (const [type, ids] of Object.entries(principal as Record<string, unknown>)) {
        if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(type)) throw IamErrors.malformedPolicyDocument(`Invalid principal in policy: "${type}"`);
        if (values(ids).length === 0) throw IamErrors.malformedPolicyDocument("Syntax errors in policy.");
        if (type === "AWS") for (const id of values(ids)) checkAwsPrincipal(store, id);
      }
    }
    for (const action of values(statement.Action ?? statement.NotAction)) {
      if (action !== "*" && !/^sts:/i.test(action)) throw IamErrors.malformedPolicyDocument(`AssumeRole policy may only specify STS AssumeRole actions.`);
    }
  }
}

/** An identity (managed or inline) policy: statements name resources and no principal. */
export function checkIdentityPolicy(text: string, kind: "managed" | "user" | "group" | "role"): void {
  checkSize(text, kind);
  const policy = parseOrMalformed(text);
  for (const statement of policy.Statement) {
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined) throw IamErrors.malformedPolicyDocument("Policy document should not specify a principal.");
    if (statement.Resource === undefined && statement.NotResource === undefined) throw IamErrors.malformedPolicyDocument("Policy statement must contain resources.");
    for (const action of values(statement.Action ?? statement.NotAction)) {
      if (action !== "*" && !/^[a-z0-9-]+:[\w*?-]+$/i.test(action)) throw IamErrors.malformedPolicyDocument(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.`);
    }
  }
}

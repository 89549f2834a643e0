import type { IdentityStore } from "./identity-store.js";
import { IamErrors } from "./errors.js";
import { parsePolicy } from "./policy/index.js";
import type { Policy } from "./policy/index.js";

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

/** An AWS principal a trust policy may name: everyone, an account, or a user, role or session that exists. */
function checkAwsPrincipal(store: IdentityStore, principal: string): void {
  if (principal === "*" || /^\d{12}$/.test(principal) || /^arn:aws:iam::\d{12}:root$/.test(principal)) return;
  if (/^arn:aws:sts::\d{12}:(assumed-role|federated-user)\/.+$/.test(principal)) return;
  const m = /^arn:aws:iam::(\d{12}):(user|role)(?:\/[\x21-\x7E]*)?\/([\w+=,.@-]+)$/.exec(principal);
  if (m && store.entity(m[1]!, m[2] as "user" | "role", m[3]!)) return;
  throw IamErrors.malformedPolicyDocument(`Invalid principal in policy: "AWS":"${principal}"`);
}

/** A role's trust policy: every statement names a principal, none names a resource, every action is STS's. */
export function checkTrustPolicy(store: IdentityStore, text: string): void {
  checkSize(text, "trust");
  const policy = parseOrMalformed(text);
  for (const statement of policy.statements) {
    if (statement.resource !== undefined || statement.notResource !== undefined) throw IamErrors.malformedPolicyDocument("Has prohibited field Resource");
    const principal = statement.principal ?? statement.notPrincipal;
    if (principal === undefined) throw IamErrors.malformedPolicyDocument("Missing required field Principal");
    if (principal !== "*") for (const id of principal.AWS ?? []) checkAwsPrincipal(store, id);
    for (const action of statement.action ?? statement.notAction ?? []) {
      if (action !== "*" && !/^sts:/i.test(action)) throw IamErrors.malformedPolicyDocument(`AssumeRole policy may only specify STS AssumeRole actions.`);
    }
  }
}

/** An identity (managed or inline) policy: statements name resources and no principal. */
export function checkIdentityPolicy(text: string, kind: "managed" | "user" | "group" | "role"): void {
  checkSize(text, kind);
  const policy = parseOrMalformed(text);
  for (const statement of policy.statements) {
    if (statement.principal !== undefined || statement.notPrincipal !== undefined) throw IamErrors.malformedPolicyDocument("Policy document should not specify a principal.");
    if (statement.resource === undefined && statement.notResource === undefined) throw IamErrors.malformedPolicyDocument("Policy statement must contain resources.");
  }
}

import type { PublicAccessBlockConfiguration } from "@aws-sdk/client-s3";
import type { Policy } from "../../../services/identity/policy/index.js";

/** Condition keys that pin a statement to known principals or sources, so a `*` principal under them is not public. */
const RESTRICTING_KEYS = new Set([
  "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:principalaccount",
  "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths", "aws:userid", "aws:sourceip", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
]);

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/**
 * Whether a policy is public as S3 judges it (GetBucketPolicyStatus, BlockPublicPolicy, RestrictPublicBuckets):
 * some Allow reaches any principal, unless a condition pins it to specific accounts, ARNs, networks or
 * addresses (an address range that is the whole internet pins nothing).
 */
export function isPublicPolicy(policy: Policy): boolean {
  return policy.statements.some((statement) => {
    if (statement.effect !== "Allow") return false;
    const p = statement.principal;
    const everyone = statement.notPrincipal !== undefined || p === "*" || !!(p && (p.AWS?.includes("*") || p.CanonicalUser?.includes("*")));
    if (!everyone) return false;
    const pinned = statement.conditions.some((c) => RESTRICTING_KEYS.has(c.key) && !c.operator.toLowerCase().startsWith("not") && !c.values.includes("*") && !(c.key === "aws:sourceip" && c.values.some((v) => OPEN_CIDRS.has(v))));
    return !pinned;
  });
}

export type PublicAccessBlock = Required<{ [K in keyof PublicAccessBlockConfiguration]: boolean }>;

export function publicAccessBlockOf(text: string | null): PublicAccessBlock | undefined {
  if (text === null) return undefined;
  const c = JSON.parse(text) as PublicAccessBlockConfiguration;
  return { BlockPublicAcls: !!c.BlockPublicAcls, IgnorePublicAcls: !!c.IgnorePublicAcls, BlockPublicPolicy: !!c.BlockPublicPolicy, RestrictPublicBuckets: !!c.RestrictPublicBuckets };
}

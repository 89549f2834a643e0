import type { Clock } from "../../storage/state/clock.js";
import type { EntityRow, IdentityStore } from "./identity-store.js";
import type { RoleAttrs } from "./entities.js";
import { attrsOf } from "./entities.js";
import { parseRoleArn } from "./arns.js";
import { checkLength, checkPattern, checkRange } from "./constraints.js";
import { StsErrors, validationError } from "./errors.js";
import { parsePolicy } from "./policy/index.js";
import type { SessionDetails } from "./sessions.js";

/** What the STS handlers share: the identity store and the clock. */
export interface StsContext {
  store: IdentityStore;
  clock: Clock;
}

export interface AssumableRole {
  row: EntityRow;
  attrs: RoleAttrs;
  arn: string;
}

/** The role an ARN names, path included; undefined when there is none (callers answer AccessDenied). */
export function findRole(store: IdentityStore, roleArn: string): AssumableRole | undefined {
  checkLength("RoleArn", roleArn, 20, 2048);
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw validationError(`${roleArn} is invalid`);
  const row = store.entity(parsed.account, "role", parsed.name);
  if (!row || row.path !== parsed.path) return undefined;
  return { row, attrs: attrsOf<RoleAttrs>(row), arn: roleArn };
}

export function checkSessionName(member: string, name: string | undefined, max = 64): void {
  checkLength(member, name, 2, max);
  checkPattern(member, name, /^[\w+=,.@-]*$/, "[\\w+=,.@-]*");
}

/** DurationSeconds of a role session: 900 up to the role's MaxSessionDuration, an hour when roles chain. */
export function roleSessionDuration(requested: number | undefined, role: RoleAttrs, chained: boolean): number {
  checkRange("DurationSeconds", requested, 900, 43200);
  const duration = requested ?? 3600;
  if (chained && duration > 3600) throw validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  if (duration > role.MaxSessionDuration) throw validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  return duration;
}

/** Session tags (at most 50; keys 1..128, values 0..256) and the session policy, checked as STS does. */
export function sessionExtras(input: {
  Tags?: { Key?: string; Value?: string }[];
  TransitiveTagKeys?: string[];
  Policy?: string;
  PolicyArns?: { arn?: string }[];
  SourceIdentity?: string;
}): SessionDetails {
  const details: SessionDetails = {};
  if (input.Tags) {
    if (input.Tags.length > 50) throw validationError(`1 validation error detected: Value '[...]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`);
    const seen = new Set<string>();
    for (const tag of input.Tags) {
      checkLength("Tags.member.key", tag.Key ?? "", 1, 128);
      checkLength("Tags.member.value", tag.Value ?? "", 0, 256);
      const key = (tag.Key ?? "").toLowerCase();
      if (seen.has(key)) throw validationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      seen.add(key);
    }
    details.tags = input.Tags.map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
  }
  if (input.TransitiveTagKeys) {
    const keys = new Set((details.tags ?? []).map((t) => t.Key.toLowerCase()));
    for (const key of input.TransitiveTagKeys) {
      if (!keys.has(key.toLowerCase())) throw validationError("The specified transitive tag key must be included in the requested tags.");
    }
    details.transitiveTagKeys = input.TransitiveTagKeys;
  }
  if (input.Policy !== undefined) {
    checkLength("Policy", input.Policy, 1, 2048);
    try {
      parsePolicy(input.Policy);
    } catch (error) {
      throw StsErrors.malformedPolicyDocument((error as Error).message);
    }
    details.policy = input.Policy;
  }
  if (input.PolicyArns) {
    if (input.PolicyArns.length > 10) throw validationError("1 validation error detected: Value '[...]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    details.policyArns = input.PolicyArns.map((p) => p.arn ?? "");
  }
  if (input.SourceIdentity !== undefined) {
    checkLength("SourceIdentity", input.SourceIdentity, 2, 64);
    checkPattern("SourceIdentity", input.SourceIdentity, /^[\w+=,.@-]*$/, "[\\w+=,.@-]*");
    details.sourceIdentity = input.SourceIdentity;
  }
  return details;
}

/** AWS answers the size of the packed session policy and tags as a percentage of what fits. */
export function packedPolicySize(details: SessionDetails): number | undefined {
  if (!details.policy && !details.tags && !details.policyArns) return undefined;
  const size = (details.policy?.replace(/\s/g, "").length ?? 0) + JSON.stringify(details.tags ?? []).length + (details.policyArns?.length ?? 0) * 64;
  return Math.max(1, Math.min(100, Math.ceil((size / 2048) * 100)));
}

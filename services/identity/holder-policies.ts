import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { page, requireEntity } from "./iam-context.js";
import type { PolicyHolder } from "./identity-store.js";
import { checkEntityName, checkPath } from "./constraints.js";
import { IamErrors } from "./errors.js";
import { encodedDocument } from "./entities.js";
import { checkIdentityPolicy } from "./policy-documents.js";
import { requireAttachable } from "./managed-policies.js";
import type { RoleAttrs } from "./entities.js";
import { attrsOf } from "./entities.js";

// Inline policies and attached managed policies of users, groups and roles: the same twelve
// operations three times over, which IAM names by the holder (PutUserPolicy, AttachRolePolicy, …).

const MAX_ATTACHED = 10;
const QUOTA_NAME: Record<PolicyHolder, string> = { user: "PoliciesPerUser", group: "PoliciesPerGroup", role: "PoliciesPerRole" };

type Named = Record<string, unknown> & { PolicyName?: string; PolicyDocument?: string; PolicyArn?: string; PathPrefix?: string; Marker?: string; MaxItems?: number };

export function holderPolicyHandlers({ store }: IamContext) {
  const handlers: Record<string, (input: Named, ctx: OperationContext) => unknown> = {};
  for (const kind of ["user", "group", "role"] as const) {
    const Kind = kind[0]!.toUpperCase() + kind.slice(1);
    const nameMember = `${Kind}Name`;
    const owner = (input: Named, ctx: OperationContext) => {
      const name = input[nameMember] as string;
      checkEntityName(nameMember, name, kind === "group" ? 128 : 64);
      const row = requireEntity(store, ctx.account, kind, name);
      if (kind === "role" && attrsOf<RoleAttrs>(row).ServiceLinked && ctx.operation !== `Get${Kind}Policy` && !ctx.operation.startsWith("List")) {
        throw IamErrors.unmodifiable(`Cannot perform the operation on the protected role '${row.name}' - this role is only modifiable by AWS`);
      }
      return row;
    };

    handlers[`Put${Kind}Policy`] = (input, ctx) => {
      checkEntityName("PolicyName", input.PolicyName, 128);
      checkIdentityPolicy(input.PolicyDocument!, kind);
      store.transaction(() => store.putInlinePolicy(ctx.account, kind, owner(input, ctx).name, input.PolicyName!, input.PolicyDocument!));
      return {};
    };
    handlers[`Get${Kind}Policy`] = (input, ctx) => {
      const row = owner(input, ctx);
      const policy = store.inlinePolicy(ctx.account, kind, row.name, input.PolicyName!);
      if (!policy) throw IamErrors.noSuchEntity(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      return { [nameMember]: row.name, PolicyName: policy.policy_name, PolicyDocument: encodedDocument(policy.document) };
    };
    handlers[`Delete${Kind}Policy`] = (input, ctx) => {
      store.transaction(() => {
        const row = owner(input, ctx);
        if (!store.deleteInlinePolicy(ctx.account, kind, row.name, input.PolicyName!)) throw IamErrors.noSuchEntity(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      });
      return {};
    };
    handlers[`List${Kind}Policies`] = (input, ctx) => {
      const { items, IsTruncated, Marker } = page(store.inlinePolicyNames(ctx.account, kind, owner(input, ctx).name), input);
      return { PolicyNames: items, IsTruncated, Marker };
    };
    handlers[`Attach${Kind}Policy`] = (input, ctx) => {
      store.transaction(() => {
        const row = owner(input, ctx);
        requireAttachable(store, ctx.account, input.PolicyArn!);
        const attached = store.attachedPolicies(ctx.account, kind, row.name);
        if (!attached.includes(input.PolicyArn!) && attached.length >= MAX_ATTACHED) throw IamErrors.limitExceeded(`Cannot exceed quota for ${QUOTA_NAME[kind]}: ${MAX_ATTACHED}`);
        store.attach(ctx.account, kind, row.name, input.PolicyArn!);
      });
      return {};
    };
    handlers[`Detach${Kind}Policy`] = (input, ctx) => {
      store.transaction(() => {
        const row = owner(input, ctx);
        if (!store.detach(ctx.account, kind, row.name, input.PolicyArn!)) throw IamErrors.noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
      });
      return {};
    };
    handlers[`ListAttached${Kind}Policies`] = (input, ctx) => {
      checkPath("PathPrefix", input.PathPrefix);
      const prefix = input.PathPrefix ?? "/";
      const attached = store.attachedPolicies(ctx.account, kind, owner(input, ctx).name)
        .map((arn) => ({ arn, path: arn.slice(arn.indexOf(":policy") + 7, arn.lastIndexOf("/") + 1) }))
        .filter((p) => p.path.startsWith(prefix))
        .map((p) => ({ PolicyName: p.arn.slice(p.arn.lastIndexOf("/") + 1), PolicyArn: p.arn }));
      const { items, IsTruncated, Marker } = page(attached, input);
      return { AttachedPolicies: items, IsTruncated, Marker };
    };
  }
  return handlers;
}

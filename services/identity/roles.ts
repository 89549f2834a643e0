import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { alreadyExists, checkNewTags, mergeTags, page, removeTags, requireEntity } from "./iam-context.js";
import type { EntityRow } from "./identity-store.js";
import type { RoleAttrs } from "./entities.js";
import { attrsOf, roleOf } from "./entities.js";
import { checkEntityName, checkLength, checkPath, checkPattern, checkRange } from "./constraints.js";
import { IamErrors } from "./errors.js";
import { uniqueId } from "./ids.js";
import { checkTrustPolicy } from "./policy-documents.js";
import { requireAttachable } from "./managed-policies.js";
import { serviceLinkedRoleName } from "./service-linked-roles.js";

export function roleHandlers({ store, clock }: IamContext) {
  function role(ctx: OperationContext, name: string | undefined): EntityRow {
    checkEntityName("RoleName", name, 64);
    return requireEntity(store, ctx.account, "role", name!);
  }

  function change(ctx: OperationContext, name: string | undefined, edit: (attrs: RoleAttrs, row: EntityRow) => void, allowServiceLinked = false): void {
    store.transaction(() => {
      const row = role(ctx, name);
      const attrs = attrsOf<RoleAttrs>(row);
      if (attrs.ServiceLinked && !allowServiceLinked) throw IamErrors.unmodifiable(`Cannot perform the operation on the protected role '${row.name}' - this role is only modifiable by AWS`);
      edit(attrs, row);
      store.updateEntity(ctx.account, "role", row.name, { attrs: JSON.stringify(attrs) });
    });
  }

  function create(ctx: OperationContext, name: string, path: string, attrs: RoleAttrs): Iam.Role {
    return store.transaction(() => {
      if (store.entity(ctx.account, "role", name)) throw alreadyExists("role", name);
      const row: EntityRow = { account: ctx.account, kind: "role", name, id: uniqueId("AROA"), path, created_at: clock.now(), attrs: JSON.stringify(attrs) };
      store.insertEntity(row);
      return roleOf(row, true);
    });
  }

  function deleteRole(ctx: OperationContext, row: EntityRow): void {
    if (store.profilesOfRole(ctx.account, row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must remove roles from instance profile first.");
    if (store.inlinePolicyNames(ctx.account, "role", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must delete policies first.");
    if (store.attachedPolicies(ctx.account, "role", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must detach all policies first.");
    store.deleteEntity(ctx.account, "role", row.name);
  }

  return {
    CreateRole(input: Iam.CreateRoleRequest, ctx: OperationContext): Iam.CreateRoleResponse {
      checkEntityName("RoleName", input.RoleName, 64);
      checkPath("Path", input.Path);
      checkLength("Description", input.Description, 0, 1000);
      checkPattern("Description", input.Description, /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*");
      checkRange("MaxSessionDuration", input.MaxSessionDuration, 3600, 43200);
      checkTrustPolicy(store, input.AssumeRolePolicyDocument!);
      const tags = checkNewTags(input.Tags);
      if (input.PermissionsBoundary) requireAttachable(store, ctx.account, input.PermissionsBoundary);
      const attrs: RoleAttrs = {
        AssumeRolePolicyDocument: input.AssumeRolePolicyDocument!, Description: input.Description, MaxSessionDuration: input.MaxSessionDuration ?? 3600,
        PermissionsBoundary: input.PermissionsBoundary, Tags: tags,
      };
      return { Role: create(ctx, input.RoleName!, input.Path ?? "/", attrs) };
    },

    GetRole(input: Iam.GetRoleRequest, ctx: OperationContext): Iam.GetRoleResponse {
      return { Role: roleOf(role(ctx, input.RoleName), true) };
    },

    ListRoles(input: Iam.ListRolesRequest, ctx: OperationContext): Iam.ListRolesResponse {
      checkPath("PathPrefix", input.PathPrefix);
      const { items, IsTruncated, Marker } = page(store.entities(ctx.account, "role", input.PathPrefix), input);
      return { Roles: items.map((r) => roleOf(r)), IsTruncated, Marker };
    },

    UpdateRole(input: Iam.UpdateRoleRequest, ctx: OperationContext): Iam.UpdateRoleResponse {
      checkLength("Description", input.Description, 0, 1000);
      checkRange("MaxSessionDuration", input.MaxSessionDuration, 3600, 43200);
      change(ctx, input.RoleName, (attrs) => {
        if (input.Description !== undefined) attrs.Description = input.Description;
        if (input.MaxSessionDuration !== undefined) attrs.MaxSessionDuration = input.MaxSessionDuration;
      });
      return {};
    },

    UpdateRoleDescription(input: Iam.UpdateRoleDescriptionRequest, ctx: OperationContext): Iam.UpdateRoleDescriptionResponse {
      checkLength("Description", input.Description, 0, 1000);
      change(ctx, input.RoleName, (attrs) => (attrs.Description = input.Description), true);
      return { Role: roleOf(role(ctx, input.RoleName), true) };
    },

    UpdateAssumeRolePolicy(input: Iam.UpdateAssumeRolePolicyRequest, ctx: OperationContext): NoOutput {
      checkTrustPolicy(store, input.PolicyDocument!);
      change(ctx, input.RoleName, (attrs) => (attrs.AssumeRolePolicyDocument = input.PolicyDocument!));
      return {};
    },

    DeleteRole(input: Iam.DeleteRoleRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = role(ctx, input.RoleName);
        if (attrsOf<RoleAttrs>(row).ServiceLinked) throw IamErrors.unmodifiable(`Cannot perform the operation on the protected role '${row.name}' - this role is only modifiable by AWS`);
        deleteRole(ctx, row);
      });
      return {};
    },

    TagRole(input: Iam.TagRoleRequest, ctx: OperationContext): NoOutput {
      change(ctx, input.RoleName, (attrs) => (attrs.Tags = mergeTags(attrs.Tags, input.Tags)), true);
      return {};
    },

    UntagRole(input: Iam.UntagRoleRequest, ctx: OperationContext): NoOutput {
      change(ctx, input.RoleName, (attrs) => (attrs.Tags = removeTags(attrs.Tags, input.TagKeys)), true);
      return {};
    },

    ListRoleTags(input: Iam.ListRoleTagsRequest, ctx: OperationContext): Iam.ListRoleTagsResponse {
      const { items, IsTruncated, Marker } = page(attrsOf<RoleAttrs>(role(ctx, input.RoleName)).Tags ?? [], input);
      return { Tags: items, IsTruncated, Marker };
    },

    PutRolePermissionsBoundary(input: Iam.PutRolePermissionsBoundaryRequest, ctx: OperationContext): NoOutput {
      requireAttachable(store, ctx.account, input.PermissionsBoundary!);
      change(ctx, input.RoleName, (attrs) => (attrs.PermissionsBoundary = input.PermissionsBoundary));
      return {};
    },

    DeleteRolePermissionsBoundary(input: Iam.DeleteRolePermissionsBoundaryRequest, ctx: OperationContext): NoOutput {
      change(ctx, input.RoleName, (attrs) => delete attrs.PermissionsBoundary);
      return {};
    },

    /** A role a service owns: trusted by that service, under /aws-service-role/SERVICE/, changeable only by it. */
    CreateServiceLinkedRole(input: Iam.CreateServiceLinkedRoleRequest, ctx: OperationContext): Iam.CreateServiceLinkedRoleResponse {
      const service = input.AWSServiceName!;
      checkPattern("AWSServiceName", service, /^[\w+=,.@-]+$/, "[\\w+=,.@-]+");
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(service)) throw IamErrors.invalidInput(`Service ${service} is not a valid AWS service name.`);
      checkPattern("CustomSuffix", input.CustomSuffix, /^[\w+=,.@-]+$/, "[\\w+=,.@-]+");
      const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: [service] }, Action: ["sts:AssumeRole"] }] });
      const attrs: RoleAttrs = { AssumeRolePolicyDocument: trust, Description: input.Description, MaxSessionDuration: 3600, ServiceLinked: service };
      const name = serviceLinkedRoleName(service, input.CustomSuffix);
      // IAM words a second service-linked role of a service as bad input, not as a duplicate entity.
      if (store.entity(ctx.account, "role", name)) throw IamErrors.invalidInput(`Service role name ${name} has been taken in this account, please try a different suffix.`);
      return { Role: create(ctx, name, `/aws-service-role/${service}/`, attrs) };
    },

    /** Deletion is immediate in cloudbox: the task it answers is already done. */
    DeleteServiceLinkedRole(input: Iam.DeleteServiceLinkedRoleRequest, ctx: OperationContext): Iam.DeleteServiceLinkedRoleResponse {
      return store.transaction(() => {
        const row = role(ctx, input.RoleName);
        const attrs = attrsOf<RoleAttrs>(row);
        if (!attrs.ServiceLinked) throw IamErrors.invalidInput(`Role ${row.name} is not a service-linked role.`);
        deleteRole(ctx, row);
        return { DeletionTaskId: `task/aws-service-role/${attrs.ServiceLinked}/${row.name}/${uniqueId("AROA").slice(4).toLowerCase()}` };
      });
    },

    GetServiceLinkedRoleDeletionStatus(input: Iam.GetServiceLinkedRoleDeletionStatusRequest): Iam.GetServiceLinkedRoleDeletionStatusResponse {
      if (!/^task\/aws-service-role\/[^/]+\/[^/]+\/[^/]+$/.test(input.DeletionTaskId ?? "")) throw IamErrors.invalidInput(`Invalid deletion task id ${input.DeletionTaskId}.`);
      return { Status: "SUCCEEDED" };
    },
  };
}

import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { alreadyExists, checkNewTags, mergeTags, page, removeTags, requireEntity } from "./iam-context.js";
import type { EntityRow, IdentityStore } from "./identity-store.js";
import type { ProfileAttrs } from "./entities.js";
import { arnOf, attrsOf, instanceProfileOf } from "./entities.js";
import { checkEntityName, checkPath } from "./constraints.js";
import { IamErrors } from "./errors.js";
import { uniqueId } from "./ids.js";
import { parseIamArn } from "./arns.js";

/** What EC2 asks of IAM at launch: does this instance profile exist, and what are its ARN and id. */
export interface InstanceProfileLookup {
  find(account: string, ref: { Arn?: string; Name?: string }): { Arn: string; Id: string } | undefined;
}

export function instanceProfileLookup(store: IdentityStore): InstanceProfileLookup {
  return {
    find(account, ref) {
      let name = ref.Name;
      if (ref.Arn !== undefined) {
        const parsed = parseIamArn(ref.Arn, "instance-profile");
        if (!parsed || parsed.account !== account) return undefined;
        const row = store.entity(account, "instance-profile", parsed.name);
        if (!row || row.path !== parsed.path || (name !== undefined && name.toLowerCase() !== row.name.toLowerCase())) return undefined;
        return { Arn: arnOf(row), Id: row.id };
      }
      const row = name === undefined ? undefined : store.entity(account, "instance-profile", name);
      return row ? { Arn: arnOf(row), Id: row.id } : undefined;
    },
  };
}

export function instanceProfileHandlers({ store, clock }: IamContext) {
  function profile(ctx: OperationContext, name: string | undefined): EntityRow {
    checkEntityName("InstanceProfileName", name, 128);
    return requireEntity(store, ctx.account, "instance-profile", name!);
  }
  function answer(ctx: OperationContext, row: EntityRow, withTags = false): Iam.InstanceProfile {
    const roles = store.profileRoles(ctx.account, row.name).map((r) => store.entity(ctx.account, "role", r)).filter((r) => r !== undefined);
    return instanceProfileOf(row, roles, withTags);
  }
  function retag(ctx: OperationContext, name: string | undefined, edit: (attrs: ProfileAttrs) => void): void {
    store.transaction(() => {
      const row = profile(ctx, name);
      const attrs = attrsOf<ProfileAttrs>(row);
      edit(attrs);
      store.updateEntity(ctx.account, "instance-profile", row.name, { attrs: JSON.stringify(attrs) });
    });
  }

  return {
    CreateInstanceProfile(input: Iam.CreateInstanceProfileRequest, ctx: OperationContext): Iam.CreateInstanceProfileResponse {
      checkEntityName("InstanceProfileName", input.InstanceProfileName, 128);
      checkPath("Path", input.Path);
      const tags = checkNewTags(input.Tags);
      return store.transaction(() => {
        if (store.entity(ctx.account, "instance-profile", input.InstanceProfileName!)) throw alreadyExists("instance-profile", input.InstanceProfileName!);
        const row: EntityRow = {
          account: ctx.account, kind: "instance-profile", name: input.InstanceProfileName!, id: uniqueId("AIPA"), path: input.Path ?? "/",
          created_at: clock.now(), attrs: JSON.stringify({ Tags: tags } satisfies ProfileAttrs),
        };
        store.insertEntity(row);
        return { InstanceProfile: answer(ctx, row, true) };
      });
    },

    GetInstanceProfile(input: Iam.GetInstanceProfileRequest, ctx: OperationContext): Iam.GetInstanceProfileResponse {
      return { InstanceProfile: answer(ctx, profile(ctx, input.InstanceProfileName), true) };
    },

    ListInstanceProfiles(input: Iam.ListInstanceProfilesRequest, ctx: OperationContext): Iam.ListInstanceProfilesResponse {
      checkPath("PathPrefix", input.PathPrefix);
      const { items, IsTruncated, Marker } = page(store.entities(ctx.account, "instance-profile", input.PathPrefix), input);
      return { InstanceProfiles: items.map((r) => answer(ctx, r)), IsTruncated, Marker };
    },

    ListInstanceProfilesForRole(input: Iam.ListInstanceProfilesForRoleRequest, ctx: OperationContext): Iam.ListInstanceProfilesForRoleResponse {
      checkEntityName("RoleName", input.RoleName, 64);
      const role = requireEntity(store, ctx.account, "role", input.RoleName!);
      const profiles = store.profilesOfRole(ctx.account, role.name).map((p) => store.entity(ctx.account, "instance-profile", p)).filter((p) => p !== undefined);
      const { items, IsTruncated, Marker } = page(profiles, input);
      return { InstanceProfiles: items.map((r) => answer(ctx, r)), IsTruncated, Marker };
    },

    DeleteInstanceProfile(input: Iam.DeleteInstanceProfileRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = profile(ctx, input.InstanceProfileName);
        if (store.profileRoles(ctx.account, row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        store.deleteEntity(ctx.account, "instance-profile", row.name);
      });
      return {};
    },

    /** An instance profile holds one role at most, as in AWS. */
    AddRoleToInstanceProfile(input: Iam.AddRoleToInstanceProfileRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = profile(ctx, input.InstanceProfileName);
        checkEntityName("RoleName", input.RoleName, 64);
        const role = requireEntity(store, ctx.account, "role", input.RoleName!);
        if (store.profileRoles(ctx.account, row.name).length >= 1) throw IamErrors.limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
        store.addProfileRole(ctx.account, row.name, role.name);
      });
      return {};
    },

    RemoveRoleFromInstanceProfile(input: Iam.RemoveRoleFromInstanceProfileRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = profile(ctx, input.InstanceProfileName);
        checkEntityName("RoleName", input.RoleName, 64);
        const role = requireEntity(store, ctx.account, "role", input.RoleName!);
        if (!store.removeProfileRole(ctx.account, row.name, role.name)) throw IamErrors.noSuchEntity(`The role with name ${role.name} cannot be found in instance profile ${row.name}.`);
      });
      return {};
    },

    TagInstanceProfile(input: Iam.TagInstanceProfileRequest, ctx: OperationContext): NoOutput {
      retag(ctx, input.InstanceProfileName, (attrs) => (attrs.Tags = mergeTags(attrs.Tags, input.Tags)));
      return {};
    },

    UntagInstanceProfile(input: Iam.UntagInstanceProfileRequest, ctx: OperationContext): NoOutput {
      retag(ctx, input.InstanceProfileName, (attrs) => (attrs.Tags = removeTags(attrs.Tags, input.TagKeys)));
      return {};
    },

    ListInstanceProfileTags(input: Iam.ListInstanceProfileTagsRequest, ctx: OperationContext): Iam.ListInstanceProfileTagsResponse {
      const { items, IsTruncated, Marker } = page(attrsOf<ProfileAttrs>(profile(ctx, input.InstanceProfileName)).Tags ?? [], input);
      return { Tags: items, IsTruncated, Marker };
    },
  };
}

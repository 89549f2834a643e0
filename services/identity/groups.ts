import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { alreadyExists, page, requireEntity } from "./iam-context.js";
import { groupOf, userOf } from "./entities.js";
import { checkEntityName, checkPath } from "./constraints.js";
import { IamErrors } from "./errors.js";
import { uniqueId } from "./ids.js";

const MAX_GROUPS_PER_USER = 10;

export function groupHandlers({ store, clock }: IamContext) {
  function group(ctx: OperationContext, name: string | undefined) {
    checkEntityName("GroupName", name, 128);
    return requireEntity(store, ctx.account, "group", name!);
  }
  function user(ctx: OperationContext, name: string | undefined) {
    checkEntityName("UserName", name, 64);
    return requireEntity(store, ctx.account, "user", name!);
  }

  return {
    CreateGroup(input: Iam.CreateGroupRequest, ctx: OperationContext): Iam.CreateGroupResponse {
      checkEntityName("GroupName", input.GroupName, 128);
      checkPath("Path", input.Path);
      return store.transaction(() => {
        if (store.entity(ctx.account, "group", input.GroupName!)) throw alreadyExists("group", input.GroupName!);
        const row = { account: ctx.account, kind: "group" as const, name: input.GroupName!, id: uniqueId("AGPA"), path: input.Path ?? "/", created_at: clock.now(), attrs: "{}" };
        store.insertEntity(row);
        return { Group: groupOf(row) };
      });
    },

    GetGroup(input: Iam.GetGroupRequest, ctx: OperationContext): Iam.GetGroupResponse {
      const row = group(ctx, input.GroupName);
      const members = store.groupMembers(ctx.account, row.name).map((name) => store.entity(ctx.account, "user", name)).filter((u) => u !== undefined);
      const { items, IsTruncated, Marker } = page(members, input);
      return { Group: groupOf(row), Users: items.map((u) => userOf(u)), IsTruncated, Marker };
    },

    ListGroups(input: Iam.ListGroupsRequest, ctx: OperationContext): Iam.ListGroupsResponse {
      checkPath("PathPrefix", input.PathPrefix);
      const { items, IsTruncated, Marker } = page(store.entities(ctx.account, "group", input.PathPrefix), input);
      return { Groups: items.map(groupOf), IsTruncated, Marker };
    },

    UpdateGroup(input: Iam.UpdateGroupRequest, ctx: OperationContext): NoOutput {
      checkEntityName("NewGroupName", input.NewGroupName, 128);
      checkPath("NewPath", input.NewPath);
      store.transaction(() => {
        const row = group(ctx, input.GroupName);
        const newName = input.NewGroupName;
        if (newName && newName.toLowerCase() !== row.name.toLowerCase() && store.entity(ctx.account, "group", newName)) throw alreadyExists("group", newName);
        store.updateEntity(ctx.account, "group", row.name, { name: newName, path: input.NewPath });
        if (newName) store.renameHolder(ctx.account, "group", row.name, newName);
      });
      return {};
    },

    DeleteGroup(input: Iam.DeleteGroupRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = group(ctx, input.GroupName);
        if (store.groupMembers(ctx.account, row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must remove users from group first.");
        if (store.inlinePolicyNames(ctx.account, "group", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must delete policies first.");
        if (store.attachedPolicies(ctx.account, "group", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must detach all policies first.");
        store.deleteEntity(ctx.account, "group", row.name);
      });
      return {};
    },

    AddUserToGroup(input: Iam.AddUserToGroupRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const g = group(ctx, input.GroupName);
        const u = user(ctx, input.UserName);
        const groups = store.groupsOfUser(ctx.account, u.name);
        if (!groups.some((name) => name.toLowerCase() === g.name.toLowerCase()) && groups.length >= MAX_GROUPS_PER_USER) {
          throw IamErrors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}`);
        }
        store.addToGroup(ctx.account, g.name, u.name);
      });
      return {};
    },

    RemoveUserFromGroup(input: Iam.RemoveUserFromGroupRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const g = group(ctx, input.GroupName);
        const u = user(ctx, input.UserName);
        if (!store.removeFromGroup(ctx.account, g.name, u.name)) throw IamErrors.noSuchEntity(`The user with name ${u.name} cannot be found in group ${g.name}.`);
      });
      return {};
    },

    ListGroupsForUser(input: Iam.ListGroupsForUserRequest, ctx: OperationContext): Iam.ListGroupsForUserResponse {
      const u = user(ctx, input.UserName);
      const groups = store.groupsOfUser(ctx.account, u.name).map((name) => store.entity(ctx.account, "group", name)).filter((g) => g !== undefined);
      const { items, IsTruncated, Marker } = page(groups, input);
      return { Groups: items.map(groupOf), IsTruncated, Marker };
    },
  };
}

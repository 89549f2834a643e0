import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { alreadyExists, checkNewTags, mergeTags, page, removeTags, requireEntity } from "./iam-context.js";
import type { UserAttrs } from "./entities.js";
import { attrsOf, userOf } from "./entities.js";
import { checkEntityName, checkPath } from "./constraints.js";
import { IamErrors } from "./errors.js";
import { uniqueId } from "./ids.js";
import { requireAttachable } from "./managed-policies.js";

export function userHandlers({ store, clock }: IamContext) {
  function user(ctx: OperationContext, name: string | undefined) {
    // Without a UserName, IAM answers about the caller itself (its root when a plain key signed).
    if (name === undefined) {
      const m = /^arn:aws:iam::\d{12}:user(?:\/.*)?\/([^/]+)$/.exec(ctx.caller.arn);
      if (!m) return undefined;
      name = m[1]!;
    }
    checkEntityName("UserName", name, 64);
    return requireEntity(store, ctx.account, "user", name);
  }

  return {
    CreateUser(input: Iam.CreateUserRequest, ctx: OperationContext): Iam.CreateUserResponse {
      checkEntityName("UserName", input.UserName, 64);
      checkPath("Path", input.Path);
      const tags = checkNewTags(input.Tags);
      if (input.PermissionsBoundary) requireAttachable(store, ctx.account, input.PermissionsBoundary);
      return store.transaction(() => {
        if (store.entity(ctx.account, "user", input.UserName!)) throw alreadyExists("user", input.UserName!);
        const attrs: UserAttrs = { PermissionsBoundary: input.PermissionsBoundary, Tags: tags };
        const row = { account: ctx.account, kind: "user" as const, name: input.UserName!, id: uniqueId("AIDA"), path: input.Path ?? "/", created_at: clock.now(), attrs: JSON.stringify(attrs) };
        store.insertEntity(row);
        return { User: userOf(row, true) };
      });
    },

    GetUser(input: Iam.GetUserRequest, ctx: OperationContext): Iam.GetUserResponse {
      const row = user(ctx, input.UserName);
      if (!row) {
        // The root user: IAM answers it by account id, with the account's creation date unknown to cloudbox.
        return { User: { Path: "/", UserName: undefined, UserId: ctx.account, Arn: `arn:aws:iam::${ctx.account}:root`, CreateDate: new Date(0) } as Iam.User };
      }
      return { User: userOf(row, true) };
    },

    ListUsers(input: Iam.ListUsersRequest, ctx: OperationContext): Iam.ListUsersResponse {
      checkPath("PathPrefix", input.PathPrefix);
      const { items, IsTruncated, Marker } = page(store.entities(ctx.account, "user", input.PathPrefix), input);
      return { Users: items.map((r) => userOf(r)), IsTruncated, Marker };
    },

    UpdateUser(input: Iam.UpdateUserRequest, ctx: OperationContext): NoOutput {
      checkEntityName("NewUserName", input.NewUserName, 64);
      checkPath("NewPath", input.NewPath);
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        const newName = input.NewUserName;
        if (newName && newName.toLowerCase() !== row.name.toLowerCase() && store.entity(ctx.account, "user", newName)) throw alreadyExists("user", newName);
        store.updateEntity(ctx.account, "user", row.name, { name: newName, path: input.NewPath });
        if (newName) store.renameHolder(ctx.account, "user", row.name, newName);
      });
      return {};
    },

    DeleteUser(input: Iam.DeleteUserRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        if (store.accessKeysOf(ctx.account, row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must delete access keys first.");
        if (store.inlinePolicyNames(ctx.account, "user", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must delete policies first.");
        if (store.attachedPolicies(ctx.account, "user", row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must detach all policies first.");
        if (store.groupsOfUser(ctx.account, row.name).length) throw IamErrors.deleteConflict("Cannot delete entity, must remove users from group first.");
        store.deleteEntity(ctx.account, "user", row.name);
      });
      return {};
    },

    TagUser(input: Iam.TagUserRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        const attrs = attrsOf<UserAttrs>(row);
        attrs.Tags = mergeTags(attrs.Tags, input.Tags);
        store.updateEntity(ctx.account, "user", row.name, { attrs: JSON.stringify(attrs) });
      });
      return {};
    },

    UntagUser(input: Iam.UntagUserRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        const attrs = attrsOf<UserAttrs>(row);
        attrs.Tags = removeTags(attrs.Tags, input.TagKeys);
        store.updateEntity(ctx.account, "user", row.name, { attrs: JSON.stringify(attrs) });
      });
      return {};
    },

    ListUserTags(input: Iam.ListUserTagsRequest, ctx: OperationContext): Iam.ListUserTagsResponse {
      const row = user(ctx, input.UserName)!;
      const { items, IsTruncated, Marker } = page(attrsOf<UserAttrs>(row).Tags ?? [], input);
      return { Tags: items, IsTruncated, Marker };
    },

    PutUserPermissionsBoundary(input: Iam.PutUserPermissionsBoundaryRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        requireAttachable(store, ctx.account, input.PermissionsBoundary!);
        const attrs = attrsOf<UserAttrs>(row);
        attrs.PermissionsBoundary = input.PermissionsBoundary;
        store.updateEntity(ctx.account, "user", row.name, { attrs: JSON.stringify(attrs) });
      });
      return {};
    },

    DeleteUserPermissionsBoundary(input: Iam.DeleteUserPermissionsBoundaryRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = user(ctx, input.UserName)!;
        const attrs = attrsOf<UserAttrs>(row);
        delete attrs.PermissionsBoundary;
        store.updateEntity(ctx.account, "user", row.name, { attrs: JSON.stringify(attrs) });
      });
      return {};
    },
  };
}

import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { CommonErrors } from "../../sdk-compat/errors/service-error.js";
import type { IamContext } from "./iam-context.js";
import { checkNewTags, mergeTags, page, removeTags } from "./iam-context.js";
import type { IdentityStore, PolicyRow } from "./identity-store.js";
import type { Tag } from "./entities.js";
import { encodedDocument } from "./entities.js";
import { checkEntityName, checkLength, checkPath, checkPattern } from "./constraints.js";
import { IamErrors, validationError } from "./errors.js";
import { uniqueId } from "./ids.js";
import { iamArn } from "./arns.js";
import { checkIdentityPolicy } from "./policy-documents.js";
import type { AwsManagedPolicy } from "./aws-managed-policies.js";
import { AWS_MANAGED_POLICIES, awsManagedPolicy } from "./aws-managed-policies.js";

export type ManagedPolicy = { kind: "customer"; row: PolicyRow } | { kind: "aws"; data: AwsManagedPolicy };

function notFound(arn: string) {
  return IamErrors.noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
}

function checkPolicyArn(arn: string | undefined): void {
  checkLength("PolicyArn", arn, 20, 2048);
  if (arn !== undefined && !/^arn:aws:iam::(\d{12}|aws):policy\//.test(arn)) throw validationError(`ARN ${arn} is not valid.`);
}

/** A managed policy the caller's account can use: its own, or one of AWS's. */
export function findPolicy(store: IdentityStore, account: string, arn: string): ManagedPolicy | undefined {
  checkPolicyArn(arn);
  const aws = awsManagedPolicy(arn);
  if (aws) return { kind: "aws", data: aws };
  const row = store.policy(arn);
  return row && row.account === account ? { kind: "customer", row } : undefined;
}

export function requireAttachable(store: IdentityStore, account: string, arn: string): ManagedPolicy {
  const policy = findPolicy(store, account, arn);
  if (!policy) throw notFound(arn);
  return policy;
}

function policyOf(store: IdentityStore, account: string, policy: ManagedPolicy, withDetails = false): Iam.Policy {
  const arn = policy.kind === "aws" ? policy.data.arn : policy.row.arn;
  const attachments = store.policyAttachments(account, arn).length;
  if (policy.kind === "aws") {
    const d = policy.data;
    return {
      PolicyName: d.name, PolicyId: d.id, Arn: d.arn, Path: d.path, DefaultVersionId: "v1", AttachmentCount: attachments, PermissionsBoundaryUsageCount: 0,
      IsAttachable: true, Description: withDetails ? d.description : undefined, CreateDate: new Date(d.createdAt), UpdateDate: new Date(d.createdAt),
    };
  }
  const r = policy.row;
  const tags = JSON.parse(r.tags) as Tag[];
  return {
    PolicyName: r.name, PolicyId: r.id, Arn: r.arn, Path: r.path, DefaultVersionId: r.default_version, AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: 0, IsAttachable: true, Description: withDetails ? r.description ?? undefined : undefined,
    CreateDate: new Date(r.created_at), UpdateDate: new Date(r.updated_at), Tags: withDetails && tags.length ? tags : undefined,
  };
}

const MAX_VERSIONS = 5;

export function managedPolicyHandlers({ store, clock }: IamContext) {
  function customer(ctx: OperationContext, arn: string | undefined): PolicyRow {
    const policy = findPolicy(store, ctx.account, arn!);
    if (!policy) throw notFound(arn!);
    if (policy.kind === "aws") throw IamErrors.unmodifiable(`Cannot modify an AWS managed policy: ${arn}`);
    return policy.row;
  }

  function versionOf(row: { document: string; version_id: string; created_at: number }, defaultVersion: string, withDocument: boolean): Iam.PolicyVersion {
    return { Document: withDocument ? encodedDocument(row.document) : undefined, VersionId: row.version_id, IsDefaultVersion: row.version_id === defaultVersion, CreateDate: new Date(row.created_at) };
  }

  return {
    CreatePolicy(input: Iam.CreatePolicyRequest, ctx: OperationContext): Iam.CreatePolicyResponse {
      checkEntityName("PolicyName", input.PolicyName, 128);
      checkPath("Path", input.Path);
      checkLength("Description", input.Description, 0, 1000);
      checkIdentityPolicy(input.PolicyDocument!, "managed");
      const tags = checkNewTags(input.Tags);
      return store.transaction(() => {
        if (store.policyByName(ctx.account, input.PolicyName!)) throw IamErrors.entityAlreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
        const now = clock.now();
        const row: PolicyRow = {
          arn: iamArn(ctx.account, "policy", input.Path ?? "/", input.PolicyName!), account: ctx.account, name: input.PolicyName!, id: uniqueId("ANPA"),
          path: input.Path ?? "/", description: input.Description ?? null, default_version: "v1", next_version: 2, created_at: now, updated_at: now, tags: JSON.stringify(tags),
        };
        store.insertPolicy(row);
        store.insertPolicyVersion({ policy_arn: row.arn, version_id: "v1", document: input.PolicyDocument!, created_at: now });
        const policy = policyOf(store, ctx.account, { kind: "customer", row });
        return { Policy: { ...policy, Tags: tags.length ? tags : undefined } };
      });
    },

    GetPolicy(input: Iam.GetPolicyRequest, ctx: OperationContext): Iam.GetPolicyResponse {
      const policy = findPolicy(store, ctx.account, input.PolicyArn!);
      if (!policy) throw notFound(input.PolicyArn!);
      return { Policy: policyOf(store, ctx.account, policy, true) };
    },

    ListPolicies(input: Iam.ListPoliciesRequest, ctx: OperationContext): Iam.ListPoliciesResponse {
      if (input.PolicyUsageFilter !== undefined) throw CommonErrors.notImplemented("ListPolicies with PolicyUsageFilter");
      checkPath("PathPrefix", input.PathPrefix);
      const scope = input.Scope ?? "All";
      const all: ManagedPolicy[] = [
        ...(scope === "Local" ? [] : AWS_MANAGED_POLICIES.map((data) => ({ kind: "aws" as const, data }))),
        ...(scope === "AWS" ? [] : store.policies(ctx.account).map((row) => ({ kind: "customer" as const, row }))),
      ];
      const prefix = input.PathPrefix ?? "/";
      const listed = all.map((p) => policyOf(store, ctx.account, p))
        .filter((p) => p.Path!.startsWith(prefix) && (!input.OnlyAttached || p.AttachmentCount! > 0));
      const { items, IsTruncated, Marker } = page(listed, input);
      return { Policies: items, IsTruncated, Marker };
    },

    DeletePolicy(input: Iam.DeletePolicyRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        if (store.policyAttachments(ctx.account, row.arn).length) throw IamErrors.deleteConflict("Cannot delete a policy attached to entities.");
        if (store.policyVersions(row.arn).length > 1) throw IamErrors.deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
        store.deletePolicy(row.arn);
      });
      return {};
    },

    CreatePolicyVersion(input: Iam.CreatePolicyVersionRequest, ctx: OperationContext): Iam.CreatePolicyVersionResponse {
      checkIdentityPolicy(input.PolicyDocument!, "managed");
      return store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        if (store.policyVersions(row.arn).length >= MAX_VERSIONS) {
          throw IamErrors.limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
        }
        const now = clock.now();
        const version = { policy_arn: row.arn, version_id: `v${row.next_version}`, document: input.PolicyDocument!, created_at: now };
        store.insertPolicyVersion(version);
        const defaultVersion = input.SetAsDefault ? version.version_id : row.default_version;
        store.updatePolicy(row.arn, { next_version: row.next_version + 1, default_version: defaultVersion, updated_at: input.SetAsDefault ? now : undefined });
        return { PolicyVersion: versionOf(version, defaultVersion, false) };
      });
    },

    GetPolicyVersion(input: Iam.GetPolicyVersionRequest, ctx: OperationContext): Iam.GetPolicyVersionResponse {
      checkPattern("VersionId", input.VersionId, /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
      const policy = findPolicy(store, ctx.account, input.PolicyArn!);
      if (!policy) throw notFound(input.PolicyArn!);
      if (policy.kind === "aws") {
        if (input.VersionId !== "v1") throw IamErrors.noSuchEntity(`Policy ${input.PolicyArn} version ${input.VersionId} does not exist or is not attachable.`);
        return { PolicyVersion: versionOf({ document: policy.data.document, version_id: "v1", created_at: policy.data.createdAt }, "v1", true) };
      }
      const version = store.policyVersion(policy.row.arn, input.VersionId!);
      if (!version) throw IamErrors.noSuchEntity(`Policy ${input.PolicyArn} version ${input.VersionId} does not exist or is not attachable.`);
      return { PolicyVersion: versionOf(version, policy.row.default_version, true) };
    },

    ListPolicyVersions(input: Iam.ListPolicyVersionsRequest, ctx: OperationContext): Iam.ListPolicyVersionsResponse {
      const policy = findPolicy(store, ctx.account, input.PolicyArn!);
      if (!policy) throw notFound(input.PolicyArn!);
      const versions = policy.kind === "aws"
        ? [versionOf({ document: policy.data.document, version_id: "v1", created_at: policy.data.createdAt }, "v1", false)]
        : store.policyVersions(policy.row.arn).map((v) => versionOf(v, policy.row.default_version, false));
      const { items, IsTruncated, Marker } = page(versions, input);
      return { Versions: items, IsTruncated, Marker };
    },

    DeletePolicyVersion(input: Iam.DeletePolicyVersionRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        if (!store.policyVersion(row.arn, input.VersionId!)) throw IamErrors.noSuchEntity(`Policy ${row.arn} version ${input.VersionId} does not exist or is not attachable.`);
        if (row.default_version === input.VersionId) throw IamErrors.deleteConflict("Cannot delete the default version of a policy.");
        store.deletePolicyVersion(row.arn, input.VersionId!);
      });
      return {};
    },

    SetDefaultPolicyVersion(input: Iam.SetDefaultPolicyVersionRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        if (!store.policyVersion(row.arn, input.VersionId!)) throw IamErrors.noSuchEntity(`Policy ${row.arn} version ${input.VersionId} does not exist or is not attachable.`);
        store.updatePolicy(row.arn, { default_version: input.VersionId, updated_at: clock.now() });
      });
      return {};
    },

    TagPolicy(input: Iam.TagPolicyRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        store.updatePolicy(row.arn, { tags: JSON.stringify(mergeTags(JSON.parse(row.tags) as Tag[], input.Tags)) });
      });
      return {};
    },

    UntagPolicy(input: Iam.UntagPolicyRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const row = customer(ctx, input.PolicyArn);
        store.updatePolicy(row.arn, { tags: JSON.stringify(removeTags(JSON.parse(row.tags) as Tag[], input.TagKeys)) });
      });
      return {};
    },

    ListPolicyTags(input: Iam.ListPolicyTagsRequest, ctx: OperationContext): Iam.ListPolicyTagsResponse {
      const row = customer(ctx, input.PolicyArn);
      const { items, IsTruncated, Marker } = page(JSON.parse(row.tags) as Tag[], input);
      return { Tags: items, IsTruncated, Marker };
    },

    ListEntitiesForPolicy(input: Iam.ListEntitiesForPolicyRequest, ctx: OperationContext): Iam.ListEntitiesForPolicyResponse {
      if (input.PolicyUsageFilter !== undefined) throw CommonErrors.notImplemented("ListEntitiesForPolicy with PolicyUsageFilter");
      const policy = findPolicy(store, ctx.account, input.PolicyArn!);
      if (!policy) throw notFound(input.PolicyArn!);
      const arn = policy.kind === "aws" ? policy.data.arn : policy.row.arn;
      const filter = input.EntityFilter;
      const result: Iam.ListEntitiesForPolicyResponse = { PolicyGroups: [], PolicyUsers: [], PolicyRoles: [] };
      for (const { kind, owner } of store.policyAttachments(ctx.account, arn)) {
        const entity = store.entity(ctx.account, kind, owner);
        if (!entity) continue;
        if (kind === "user" && (!filter || filter === "User")) result.PolicyUsers!.push({ UserName: entity.name, UserId: entity.id });
        if (kind === "group" && (!filter || filter === "Group")) result.PolicyGroups!.push({ GroupName: entity.name, GroupId: entity.id });
        if (kind === "role" && (!filter || filter === "Role")) result.PolicyRoles!.push({ RoleName: entity.name, RoleId: entity.id });
      }
      result.IsTruncated = false;
      return result;
    },
  };
}

import type * as Iam from "@aws-sdk/client-iam";
import type { EntityRow } from "./identity-store.js";
import { iamArn } from "./arns.js";

// What each kind of IAM entity keeps in its row's attrs (JSON), and how it is answered.

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserAttrs {
  PermissionsBoundary?: string;
  Tags?: Tag[];
}

export interface RoleAttrs {
  /** The trust policy as the caller sent it; answered URL-encoded, as IAM does. */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags?: Tag[];
  /** The service of a service-linked role (`elasticbeanstalk.amazonaws.com`): such a role is the service's to change. */
  ServiceLinked?: string;
}

export interface GroupAttrs {
  Tags?: Tag[];
}

export interface ProfileAttrs {
  Tags?: Tag[];
}

export function attrsOf<T>(row: EntityRow): T {
  return JSON.parse(row.attrs) as T;
}

const TYPE_IN_ARN: Record<EntityRow["kind"], string> = { user: "user", role: "role", group: "group", "instance-profile": "instance-profile" };

export function arnOf(row: EntityRow): string {
  return iamArn(row.account, TYPE_IN_ARN[row.kind], row.path, row.name);
}

function boundary(arn: string | undefined): Iam.AttachedPermissionsBoundary | undefined {
  return arn ? { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn } : undefined;
}

function tags(list: Tag[] | undefined): Tag[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

export function userOf(row: EntityRow, withDetails = false): Iam.User {
  const attrs = attrsOf<UserAttrs>(row);
  const user: Iam.User = { Path: row.path, UserName: row.name, UserId: row.id, Arn: arnOf(row), CreateDate: new Date(row.created_at) };
  if (withDetails) {
    user.PermissionsBoundary = boundary(attrs.PermissionsBoundary);
    user.Tags = tags(attrs.Tags);
  }
  return user;
}

/** The trust policy as IAM answers it: URL-encoded JSON text (boto3 decodes it; SDK v3 users call decodeURIComponent). */
export function encodedDocument(document: string): string {
  return encodeURIComponent(document);
}

export function roleOf(row: EntityRow, withDetails = false): Iam.Role {
  const attrs = attrsOf<RoleAttrs>(row);
  const role: Iam.Role = {
    Path: row.path, RoleName: row.name, RoleId: row.id, Arn: arnOf(row), CreateDate: new Date(row.created_at),
    AssumeRolePolicyDocument: encodedDocument(attrs.AssumeRolePolicyDocument), Description: attrs.Description, MaxSessionDuration: attrs.MaxSessionDuration,
  };
  if (withDetails) {
    role.PermissionsBoundary = boundary(attrs.PermissionsBoundary);
    role.Tags = tags(attrs.Tags);
    role.RoleLastUsed = {};
  }
  return role;
}

export function groupOf(row: EntityRow): Iam.Group {
  return { Path: row.path, GroupName: row.name, GroupId: row.id, Arn: arnOf(row), CreateDate: new Date(row.created_at) };
}

export function instanceProfileOf(row: EntityRow, roles: EntityRow[], withTags = false): Iam.InstanceProfile {
  return {
    Path: row.path, InstanceProfileName: row.name, InstanceProfileId: row.id, Arn: arnOf(row), CreateDate: new Date(row.created_at),
    Roles: roles.map((r) => roleOf(r)),
    Tags: withTags ? tags(attrsOf<ProfileAttrs>(row).Tags) : undefined,
  };
}

import type { Grant, Grantee } from "@aws-sdk/client-s3";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import { notHonoured } from "../bucket-config/config-errors.js";

/** An access control list as stored: the owner's canonical id (the account id in cloudbox) and its grants. */
export interface StoredAcl {
  owner: string;
  grants: Grant[];
}

export type Permission = "FULL_CONTROL" | "READ" | "WRITE" | "READ_ACP" | "WRITE_ACP";

export const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
export const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
const GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);
const PERMISSIONS = new Set<string>(["FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP"]);

/** cloudbox names every account's canonical user by its account id, as ListBuckets' Owner does. */
export const DISPLAY_NAME = "cloudbox";

const user = (id: string, permission: Permission): Grant => ({ Grantee: { Type: "CanonicalUser", ID: id, DisplayName: DISPLAY_NAME }, Permission: permission });
const group = (uri: string, permission: Permission): Grant => ({ Grantee: { Type: "Group", URI: uri }, Permission: permission });

export const ownerOnly = (owner: string): StoredAcl => ({ owner, grants: [user(owner, "FULL_CONTROL")] });

export const Errors = {
  invalidArgument: (message: string, name: string, value: string) => new ServiceError("InvalidArgument", message, { fields: { ArgumentName: name, ArgumentValue: value } }),
  malformedAcl: () => new ServiceError("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema"),
  unresolvableEmail: (email: string) => new ServiceError("UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record.", { fields: { EmailAddressProvided: email } }),
  invalidGroup: (uri: string) => Errors.invalidArgument("Invalid group uri", "uri", uri),
  invalidId: (id: string) => Errors.invalidArgument("Invalid id", "CanonicalUser/ID", id),
};

/**
 * The ACL a canned name stands for. `bucketOwner` is the owner of the bucket an object is written to
 * (the bucket-owner-* ACLs grant to it).
 */
export function cannedAcl(name: string, owner: string, bucketOwner: string): StoredAcl {
  const acl = ownerOnly(owner);
  switch (name) {
    case "private":
      break;
    case "public-read":
      acl.grants.push(group(ALL_USERS, "READ"));
      break;
    case "public-read-write":
      acl.grants.push(group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE"));
      break;
    case "authenticated-read":
      acl.grants.push(group(AUTHENTICATED_USERS, "READ"));
      break;
    case "log-delivery-write":
      acl.grants.push(group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP"));
      break;
    case "bucket-owner-read":
      if (bucketOwner !== owner) acl.grants.push(user(bucketOwner, "READ"));
      break;
    case "bucket-owner-full-control":
      if (bucketOwner !== owner) acl.grants.push(user(bucketOwner, "FULL_CONTROL"));
      break;
    case "aws-exec-read":
      // Grants read to EC2's own principal, which cloudbox has no equivalent of.
      throw notHonoured("the aws-exec-read canned ACL");
    default:
      throw Errors.invalidArgument("", "x-amz-acl", name);
  }
  return acl;
}

/** An account named by an email grant: cloudbox resolves `ACCOUNT@…` (a 12-digit local part) to that account. */
function accountOfEmail(email: string): string {
  const local = /^(\d{12})@[^@\s]+$/.exec(email);
  if (!local) throw Errors.unresolvableEmail(email);
  return local[1]!;
}

/** Grantees as stored: emails resolved to canonical users (AWS does the same), groups and ids checked. */
function normalizeGrantee(grantee: Grantee | undefined): Grantee {
  if (!grantee) throw Errors.malformedAcl();
  // The xsi:type attribute names the kind; a body without it is read by the member it carries.
  const type = grantee.Type ?? (grantee.ID !== undefined ? "CanonicalUser" : grantee.EmailAddress !== undefined ? "AmazonCustomerByEmail" : grantee.URI !== undefined ? "Group" : undefined);
  switch (type) {
    case "CanonicalUser":
      if (!grantee.ID || !/^\d{12}$/.test(grantee.ID)) throw Errors.invalidId(grantee.ID ?? "");
      return { Type: "CanonicalUser", ID: grantee.ID, DisplayName: DISPLAY_NAME };
    case "AmazonCustomerByEmail":
      return { Type: "CanonicalUser", ID: accountOfEmail(grantee.EmailAddress ?? ""), DisplayName: DISPLAY_NAME };
    case "Group":
      if (!grantee.URI || !GROUPS.has(grantee.URI)) throw Errors.invalidGroup(grantee.URI ?? "");
      return { Type: "Group", URI: grantee.URI };
    default:
      throw Errors.malformedAcl();
  }
}

/** An explicit ACL from a request body (PutBucketAcl / PutObjectAcl's AccessControlPolicy). */
export function aclFromBody(grants: Grant[] | undefined, owner: string | undefined, expectedOwner: string): StoredAcl {
  if (owner !== undefined && owner !== expectedOwner) throw new ServiceError("AccessDenied", "Access Denied", { status: 403 });
  return {
    owner: expectedOwner,
    grants: (grants ?? []).map((grant) => {
      if (!grant.Permission || !PERMISSIONS.has(grant.Permission)) throw Errors.malformedAcl();
      return { Grantee: normalizeGrantee(grant.Grantee), Permission: grant.Permission };
    }),
  };
}

/** `x-amz-grant-*` headers: `id="…", emailAddress="…", uri="…"` lists, one header per permission. */
export interface GrantHeaders {
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
}

const HEADER_PERMISSIONS: [keyof GrantHeaders, Permission, string][] = [
  ["GrantFullControl", "FULL_CONTROL", "x-amz-grant-full-control"], ["GrantRead", "READ", "x-amz-grant-read"], ["GrantReadACP", "READ_ACP", "x-amz-grant-read-acp"],
  ["GrantWrite", "WRITE", "x-amz-grant-write"], ["GrantWriteACP", "WRITE_ACP", "x-amz-grant-write-acp"],
];

export const hasGrantHeaders = (input: GrantHeaders) => HEADER_PERMISSIONS.some(([member]) => input[member] !== undefined);

export function aclFromGrantHeaders(input: GrantHeaders, owner: string): StoredAcl {
  const grants: Grant[] = [];
  for (const [member, permission, header] of HEADER_PERMISSIONS) {
    const value = input[member];
    if (value === undefined) continue;
    for (const part of value.split(",")) {
      const m = /^\s*(id|emailAddress|uri)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
      if (!m) throw Errors.invalidArgument("Invalid grant header", header, value);
      const kind = m[1]!.toLowerCase();
      const grantee: Grantee = kind === "id" ? { Type: "CanonicalUser", ID: m[2] } : kind === "uri" ? { Type: "Group", URI: m[2] } : { Type: "AmazonCustomerByEmail", EmailAddress: m[2] };
      grants.push({ Grantee: normalizeGrantee(grantee), Permission: permission });
    }
  }
  return { owner, grants };
}

/** The ACL a request's x-amz-acl or x-amz-grant-* headers give, or undefined when it names none; both at once is refused. */
export function aclFromHeaders(input: GrantHeaders & { ACL?: string }, owner: string, bucketOwner: string): StoredAcl | undefined {
  const grants = hasGrantHeaders(input);
  if (input.ACL !== undefined && grants) throw new ServiceError("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed");
  if (input.ACL !== undefined) return cannedAcl(input.ACL, owner, bucketOwner);
  return grants ? aclFromGrantHeaders(input, owner) : undefined;
}

/** Whether any grant gives AllUsers or AuthenticatedUsers a permission: what Block Public Access calls public. */
export const isPublicAcl = (acl: StoredAcl) => acl.grants.some((g) => g.Grantee?.URI === ALL_USERS || g.Grantee?.URI === AUTHENTICATED_USERS);

/**
 * Whether an ACL gives the caller a permission: FULL_CONTROL covers all; AllUsers covers everyone,
 * AuthenticatedUsers every signed caller, a canonical user its account.
 */
export function aclAllows(acl: StoredAcl, caller: { account?: string }, permission: Permission, ignorePublic: boolean): boolean {
  return acl.grants.some((grant) => {
    if (grant.Permission !== permission && grant.Permission !== "FULL_CONTROL") return false;
    const grantee = grant.Grantee;
    if (grantee?.Type === "Group") {
      if (ignorePublic) return false;
      return grantee.URI === ALL_USERS || (grantee.URI === AUTHENTICATED_USERS && caller.account !== undefined);
    }
    return grantee?.ID !== undefined && grantee.ID === caller.account;
  });
}

/** Whether an ACL gives exactly what bucket-owner-full-control or private would: the ACLs BucketOwnerEnforced still accepts. */
export function isOwnerOnly(acl: StoredAcl, bucketOwner: string): boolean {
  return acl.grants.every((g) => g.Grantee?.Type === "CanonicalUser" && (g.Grantee.ID === acl.owner || g.Grantee.ID === bucketOwner) && g.Permission === "FULL_CONTROL");
}

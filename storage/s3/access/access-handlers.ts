import type {
  PutBucketAclRequest, PutObjectAclRequest, PutBucketPolicyRequest, PutBucketOwnershipControlsRequest, PutPublicAccessBlockRequest,
  PutBucketRequestPaymentRequest, PutBucketEncryptionRequest, ServerSideEncryptionRule,
} from "@aws-sdk/client-s3";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import { parsePolicy, PolicySyntaxError, wildcardMatch } from "../../../services/identity/policy/index.js";
import type { Policy } from "../../../services/identity/policy/index.js";
import type { S3Store } from "../s3-store.js";
import { S3Errors } from "../s3-errors.js";
import type { AccessStore, BucketAccessRow } from "./access-store.js";
import type { StoredAcl } from "./acl.js";
import { aclFromBody, aclFromHeaders, DISPLAY_NAME, isOwnerOnly, isPublicAcl, ownerOnly } from "./acl.js";
import { aclsEnabled } from "./authorizer.js";
import { isPublicPolicy, publicAccessBlockOf } from "./public-access.js";
import { ConfigErrors, NoSuchConfiguration, notHonoured } from "../bucket-config/config-errors.js";
import { DEFAULT_ENCRYPTION, validateEncryption } from "../bucket-config/encryption-config.js";

type Out = Record<string, unknown>;
type BucketFor = (name: string, ctx: OperationContext) => BucketAccessRow;

const OWNERSHIPS = new Set(["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]);
/** A bucket policy's largest size, in bytes. */
const MAX_POLICY_BYTES = 20 * 1024;

export const AccessErrors = {
  aclNotSupported: () => new ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs"),
  aclWithEnforcedOwnership: () => new ServiceError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"),
  malformedPolicy: (message: string) => new ServiceError("MalformedPolicy", message),
  missingAcl: () => new ServiceError("MissingSecurityHeader", "Your request was missing a required header", { fields: { MissingHeaderName: "x-amz-acl" } }),
  invalidOwnership: (value: string) => new ServiceError("InvalidArgument", "Invalid x-amz-object-ownership header: " + value, { fields: { ArgumentName: "x-amz-object-ownership", ArgumentValue: value } }),
};

export function checkOwnershipValue(value: string | undefined): void {
  if (value !== undefined && !OWNERSHIPS.has(value)) throw AccessErrors.invalidOwnership(value);
}

/**
 * Whether an ACL may be set on this bucket (or an object in it): BucketOwnerEnforced accepts only the
 * owner's full control; Block Public Access refuses public grants.
 */
export function checkAclAllowed(row: BucketAccessRow, acl: StoredAcl): void {
  if (!aclsEnabled(row) && !isOwnerOnly(acl, row.account)) throw AccessErrors.aclNotSupported();
  if (publicAccessBlockOf(row.public_access_block)?.BlockPublicAcls && isPublicAcl(acl)) throw S3Errors.accessDenied();
}

const aclOutput = (acl: StoredAcl): Out => ({ Owner: { ID: acl.owner, DisplayName: DISPLAY_NAME }, Grants: acl.grants });

/** The ACL a PutBucketAcl / PutObjectAcl request gives: by header, by grant headers or by body, exactly one. */
function requestedAcl(input: PutBucketAclRequest | PutObjectAclRequest, owner: string, bucketOwner: string): StoredAcl {
  const fromHeaders = aclFromHeaders(input, owner, bucketOwner);
  const body = input.AccessControlPolicy;
  if (fromHeaders && body) throw new ServiceError("UnexpectedContent", "This request does not support content");
  if (fromHeaders) return fromHeaders;
  if (!body) throw AccessErrors.missingAcl();
  return aclFromBody(body.Grants, body.Owner?.ID, owner);
}

/** Checks a policy as PutBucketPolicy does: the policy language, S3 actions, and resources within this bucket. */
function validatePolicy(text: string, bucket: string): Policy {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw AccessErrors.malformedPolicy("Policies must be less than 20 KB");
  let policy: Policy;
  try {
    policy = parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw AccessErrors.malformedPolicy(error.message);
    throw error;
  }
  for (const statement of policy.statements) {
    for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
      if (action !== "*" && !action.toLowerCase().startsWith("s3:")) throw AccessErrors.malformedPolicy("Policy has invalid action");
    }
    for (const resource of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
      const named = resource.startsWith("arn:aws:s3:::") ? resource.slice("arn:aws:s3:::".length).split("/")[0]! : undefined;
      if (named === undefined || !wildcardMatch(named, bucket, false)) throw AccessErrors.malformedPolicy("Policy has invalid resource");
    }
    if (!statement.resource && !statement.notResource) throw AccessErrors.malformedPolicy("Missing required field Resource");
    if (!statement.principal && !statement.notPrincipal) throw AccessErrors.malformedPolicy("Missing required field Principal");
  }
  return policy;
}

/** ACLs, bucket policies, ownership controls, Block Public Access, Requester Pays and default encryption. */
export function accessHandlers(deps: { access: AccessStore; store: S3Store; bucketFor: BucketFor }) {
  const { access, store, bucketFor } = deps;

  function objectOf(bucket: BucketAccessRow, input: { Key?: string; VersionId?: string }) {
    if (input.VersionId !== undefined) throw notHonoured("versionId on object ACL operations");
    const object = store.object(bucket.id, input.Key!);
    if (!object) throw S3Errors.noSuchKey(input.Key!);
    return object;
  }

  return {
    PutBucketAcl(input: PutBucketAclRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const acl = requestedAcl(input, bucket.account, bucket.account);
      checkAclAllowed(bucket, acl);
      access.set(bucket.id, "acl", isOwnerOnly(acl, bucket.account) && acl.grants.length <= 1 ? null : JSON.stringify(acl));
      return {};
    },
    GetBucketAcl(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      return aclOutput(bucket.acl ? (JSON.parse(bucket.acl) as StoredAcl) : ownerOnly(bucket.account));
    },
    PutObjectAcl(input: PutObjectAclRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const object = objectOf(bucket, input);
      const owner = access.objectAclOf(bucket.id, input.Key!, object)?.owner ?? bucket.account;
      const acl = requestedAcl(input, owner, bucket.account);
      checkAclAllowed(bucket, acl);
      access.setObjectAcl(bucket.id, input.Key!, object, acl);
      return {};
    },
    GetObjectAcl(input: { Bucket?: string; Key?: string; VersionId?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const object = objectOf(bucket, input);
      return aclOutput(access.objectAclOf(bucket.id, input.Key!, object) ?? ownerOnly(bucket.account));
    },

    PutBucketPolicy(input: PutBucketPolicyRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (input.ConfirmRemoveSelfBucketAccess !== undefined) throw notHonoured("x-amz-confirm-remove-self-bucket-access");
      const text = input.Policy ?? "";
      const policy = validatePolicy(text, bucket.name);
      if (publicAccessBlockOf(bucket.public_access_block)?.BlockPublicPolicy && isPublicPolicy(policy)) {
        throw new ServiceError("AccessDenied", `User: ${ctx.caller.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket.name}" because public policies are blocked by the BlockPublicPolicy block public access setting.`, { status: 403 });
      }
      access.set(bucket.id, "policy", text);
      return {};
    },
    GetBucketPolicy(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (bucket.policy === null) throw NoSuchConfiguration.policy(bucket.name);
      return { Policy: bucket.policy };
    },
    DeleteBucketPolicy(input: { Bucket?: string }, ctx: OperationContext): Out {
      access.set(bucketFor(input.Bucket!, ctx).id, "policy", null);
      return {};
    },
    GetBucketPolicyStatus(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (bucket.policy === null) throw NoSuchConfiguration.policy(bucket.name);
      return { PolicyStatus: { IsPublic: isPublicPolicy(parsePolicy(bucket.policy)) } };
    },

    PutBucketOwnershipControls(input: PutBucketOwnershipControlsRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const rules = input.OwnershipControls?.Rules ?? [];
      const ownership = rules[0]?.ObjectOwnership;
      if (rules.length !== 1 || !ownership || !OWNERSHIPS.has(ownership)) throw ConfigErrors.malformedXml();
      // Enforcing bucket ownership disables ACLs: a bucket ACL that grants others must go first.
      if (ownership === "BucketOwnerEnforced" && bucket.acl && !isOwnerOnly(JSON.parse(bucket.acl) as StoredAcl, bucket.account)) throw AccessErrors.aclWithEnforcedOwnership();
      access.set(bucket.id, "ownership", ownership === "BucketOwnerEnforced" ? null : ownership);
      return {};
    },
    GetBucketOwnershipControls(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (bucket.ownership === "") throw NoSuchConfiguration.ownershipControls(bucket.name);
      return { OwnershipControls: { Rules: [{ ObjectOwnership: bucket.ownership ?? "BucketOwnerEnforced" }] } };
    },
    // Without ownership controls a bucket behaves as ObjectWriter: ACLs apply.
    DeleteBucketOwnershipControls(input: { Bucket?: string }, ctx: OperationContext): Out {
      access.set(bucketFor(input.Bucket!, ctx).id, "ownership", "");
      return {};
    },

    PutPublicAccessBlock(input: PutPublicAccessBlockRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const c = input.PublicAccessBlockConfiguration;
      if (!c || (c.BlockPublicAcls === undefined && c.IgnorePublicAcls === undefined && c.BlockPublicPolicy === undefined && c.RestrictPublicBuckets === undefined)) {
        throw new ServiceError("InvalidRequest", "Must specify at least one configuration.");
      }
      const stored = { BlockPublicAcls: !!c.BlockPublicAcls, IgnorePublicAcls: !!c.IgnorePublicAcls, BlockPublicPolicy: !!c.BlockPublicPolicy, RestrictPublicBuckets: !!c.RestrictPublicBuckets };
      access.set(bucket.id, "public_access_block", JSON.stringify(stored));
      return {};
    },
    GetPublicAccessBlock(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const block = publicAccessBlockOf(bucket.public_access_block);
      if (!block) throw NoSuchConfiguration.publicAccessBlock(bucket.name);
      return { PublicAccessBlockConfiguration: block };
    },
    DeletePublicAccessBlock(input: { Bucket?: string }, ctx: OperationContext): Out {
      access.set(bucketFor(input.Bucket!, ctx).id, "public_access_block", null);
      return {};
    },

    PutBucketRequestPayment(input: PutBucketRequestPaymentRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const payer = input.RequestPaymentConfiguration?.Payer;
      if (payer !== "Requester" && payer !== "BucketOwner") throw ConfigErrors.malformedXml();
      access.set(bucket.id, "request_payer", payer === "Requester" ? payer : null);
      return {};
    },
    GetBucketRequestPayment(input: { Bucket?: string }, ctx: OperationContext): Out {
      return { Payer: bucketFor(input.Bucket!, ctx).request_payer ?? "BucketOwner" };
    },

    PutBucketEncryption(input: PutBucketEncryptionRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      access.set(bucket.id, "encryption", JSON.stringify(validateEncryption(input.ServerSideEncryptionConfiguration)));
      return {};
    },
    GetBucketEncryption(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      return { ServerSideEncryptionConfiguration: { Rules: bucket.encryption ? (JSON.parse(bucket.encryption) as ServerSideEncryptionRule[]) : DEFAULT_ENCRYPTION } };
    },
    // Deleting the configuration returns the bucket to the default, SSE-S3.
    DeleteBucketEncryption(input: { Bucket?: string }, ctx: OperationContext): Out {
      access.set(bucketFor(input.Bucket!, ctx).id, "encryption", null);
      return {};
    },
  };
}

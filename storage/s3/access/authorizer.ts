import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import type { AuthorizationRequest, Decision, Policy } from "../../../services/identity/policy/index.js";
import { evaluate, parsePolicy } from "../../../services/identity/policy/index.js";
import type { Clock } from "../../state/clock.js";
import type { S3Store } from "../s3-store.js";
import { S3Errors } from "../s3-errors.js";
import type { AccessStore, BucketAccessRow } from "./access-store.js";
import type { StoredAcl } from "./acl.js";
import { aclAllows, ownerOnly } from "./acl.js";
import type { S3Action } from "./s3-actions.js";
import { COPY_SOURCE, s3ActionOf } from "./s3-actions.js";
import { isPublicPolicy, publicAccessBlockOf } from "./public-access.js";
import { parseCopySource } from "../copy-source.js";

type Input = Record<string, unknown>;

/** Who a request is, for policies and ACLs: a signed caller is its principal; an unsigned one is anonymous. */
export interface Requester {
  principal: AuthorizationRequest["principal"];
  /** The caller's account; undefined for anonymous requests. */
  account?: string;
}

export function requesterOf(ctx: OperationContext): Requester {
  if (ctx.caller.accessKeyId === undefined) return { principal: { type: "Anonymous", id: "*" } };
  // cloudbox's canonical user ids are account ids, so a policy's CanonicalUser principal names an account.
  return { principal: { type: "AWS", id: ctx.caller.arn, account: ctx.caller.account, canonicalUser: ctx.caller.account }, account: ctx.caller.account };
}

/** ACLs decide access unless the bucket's ownership is BucketOwnerEnforced (the default of new buckets). */
export const aclsEnabled = (row: BucketAccessRow) => row.ownership !== null && row.ownership !== "BucketOwnerEnforced";

const nothingConfigured = (row: BucketAccessRow) => row.acl === null && row.policy === null && row.public_access_block === null && row.request_payer === null && row.ownership === null;

/**
 * The access check of every S3 request on a bucket: a bucket policy (an explicit Deny wins, even for the owner),
 * then the owner's account, then an Allow of the policy, then the bucket's or object's ACL (unless the bucket's
 * ownership is BucketOwnerEnforced), each as Block Public Access leaves it. With nothing configured it is one
 * read: the owner's signed requests pass, other accounts are refused; an unsigned request to a bucket of the
 * default account acts as that account (cloudbox's behaviour before access control, kept for unsigned tools).
 */
export class Authorizer {
  constructor(private readonly access: AccessStore, private readonly store: S3Store, private readonly clock: Clock) {}

  /** The bucket a request names, if the request may do what it asks on it; NoSuchBucket or AccessDenied otherwise. */
  bucketFor(name: string, ctx: OperationContext, input: Input | undefined): BucketAccessRow {
    const row = this.access.bucket(name);
    if (!row) throw S3Errors.noSuchBucket(name);
    if (input && (input.ExpectedBucketOwner !== undefined || input.ExpectedSourceBucketOwner !== undefined)) checkExpectedOwners(name, row.account, input);
    const signed = ctx.caller.accessKeyId !== undefined;
    if (row.account === ctx.account && (signed || nothingConfigured(row)) && row.policy === null) return row;
    // A copy reads its source and writes its target; when both are in one bucket, one call checks both.
    const copySource = input && typeof input.CopySource === "string" ? parseCopySource(input.CopySource) : undefined;
    // Parsed once per request: a DeleteObjects batch checks up to 1,000 keys against it.
    const policy = row.policy !== null ? parsePolicy(row.policy) : undefined;
    if (copySource?.bucket === name) this.check(row, policy, ctx, input!, COPY_SOURCE, copySource.key);
    if (copySource && name !== input!.Bucket) return row;
    const action = s3ActionOf(ctx.operation, input?.VersionId !== undefined);
    for (const key of keysOf(input)) this.check(row, policy, ctx, input ?? {}, action, key);
    return row;
  }

  private check(row: BucketAccessRow, policy: Policy | undefined, ctx: OperationContext, input: Input, action: S3Action, key: string | undefined): void {
    const requester = requesterOf(ctx);
    const owner = requester.account === row.account;
    const resource = action.object && key !== undefined ? `arn:aws:s3:::${row.name}/${key}` : `arn:aws:s3:::${row.name}`;
    const block = publicAccessBlockOf(row.public_access_block);
    let decision: Decision = "ImplicitDeny";
    if (policy) {
      decision = evaluate([policy], { principal: requester.principal, action: action.action, resource, context: this.conditionKeys(ctx, input, requester, row) });
      if (decision === "Deny") throw S3Errors.accessDenied();
      // RestrictPublicBuckets: a public policy lets in only the owner's account (and AWS services).
      if (decision === "Allow" && !owner && block?.RestrictPublicBuckets && isPublicPolicy(policy)) decision = "ImplicitDeny";
    }
    if (row.request_payer === "Requester" && !owner && input.RequestPayer !== "requester") throw S3Errors.accessDenied();
    if (owner || decision === "Allow") return;
    if (aclsEnabled(row)) {
      if (action.permission && this.aclFor(row, action, key)?.some((acl) => aclAllows(acl, requester, action.permission!, !!block?.IgnorePublicAcls))) return;
    }
    throw S3Errors.accessDenied();
  }

  /** The ACL an action's permission is read from: the bucket's, or the object's (its owner's FULL_CONTROL when it was given none). */
  private aclFor(row: BucketAccessRow, action: S3Action, key: string | undefined): StoredAcl[] | undefined {
    if (action.aclOn === "bucket") return [row.acl ? (JSON.parse(row.acl) as StoredAcl) : ownerOnly(row.account)];
    if (key === undefined) return undefined;
    const object = this.store.object(row.id, key);
    if (!object) return undefined;
    return [this.access.objectAclOf(row.id, key, object) ?? ownerOnly(row.account)];
  }

  /** The condition keys S3 supplies for a request, as far as cloudbox knows them. */
  private conditionKeys(ctx: OperationContext, input: Input, requester: Requester, row: BucketAccessRow): AuthorizationRequest["context"] {
    const keys: Record<string, string | undefined> = {
      "aws:SecureTransport": ctx.baseUrl.startsWith("https:") ? "true" : "false",
      "aws:CurrentTime": new Date(this.clock.now()).toISOString(),
      "aws:EpochTime": String(Math.floor(this.clock.now() / 1000)),
      "aws:userid": requester.account !== undefined ? ctx.caller.userId : undefined,
      "s3:x-amz-acl": typeof input.ACL === "string" ? input.ACL : undefined,
      "s3:prefix": typeof input.Prefix === "string" ? input.Prefix : undefined,
      "s3:delimiter": typeof input.Delimiter === "string" ? input.Delimiter : undefined,
      "s3:max-keys": input.MaxKeys !== undefined ? String(input.MaxKeys) : undefined,
      "s3:VersionId": typeof input.VersionId === "string" ? input.VersionId : undefined,
      "s3:x-amz-server-side-encryption": typeof input.ServerSideEncryption === "string" ? input.ServerSideEncryption : undefined,
      "s3:x-amz-storage-class": typeof input.StorageClass === "string" ? input.StorageClass : undefined,
      "s3:ResourceAccount": row.account,
    };
    return keys;
  }
}

/**
 * x-amz-expected-bucket-owner names the target's owner, x-amz-source-expected-bucket-owner a copy source's;
 * either, when it names another account, refuses the request.
 */
function checkExpectedOwners(name: string, account: string, input: Input): void {
  if (name === input.Bucket && input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== account) throw S3Errors.accessDenied();
  if (input.ExpectedSourceBucketOwner !== undefined && typeof input.CopySource === "string" && parseCopySource(input.CopySource).bucket === name && input.ExpectedSourceBucketOwner !== account) throw S3Errors.accessDenied();
}

/** The keys a request acts on: its Key, or each key of a DeleteObjects batch. */
function keysOf(input: Input | undefined): (string | undefined)[] {
  if (!input) return [undefined];
  const batch = (input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects;
  if (batch?.length) return batch.map((o) => o.Key);
  return [typeof input.Key === "string" ? input.Key : undefined];
}

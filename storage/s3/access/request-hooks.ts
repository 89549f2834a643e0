import type { OperationContext, ServiceHandlers } from "../../../sdk-compat/protocol/operation-handler.js";
import type { ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import type { S3Store } from "../s3-store.js";
import type { AccessStore, BucketAccessRow } from "./access-store.js";
import type { StoredAcl } from "./acl.js";
import { aclFromHeaders, isOwnerOnly } from "./acl.js";
import type { Authorizer } from "./authorizer.js";
import { aclsEnabled } from "./authorizer.js";
import { AccessErrors, checkAclAllowed, checkOwnershipValue } from "./access-handlers.js";
import type { EncryptionInput } from "./object-encryption.js";
import { encryptionOutput, resolveEncryption } from "./object-encryption.js";

type Input = Record<string, unknown>;
type Out = Record<string, unknown>;

/** The writes that create an object's bytes and so take the bucket's default encryption and an ACL. */
const OBJECT_WRITES = new Set(["PutObject", "CopyObject", "CreateMultipartUpload"]);

/**
 * What S3 does around the object and bucket handlers for access control and encryption, so that those
 * handlers stay free of it: every handler's input is known to the access check by its context (a bucket's
 * ACL or policy may depend on the key, the ACL header or the prefix); ACL headers on CreateBucket and on
 * object writes are checked before and stored after the write; the bucket's default encryption completes an
 * object write's input and is echoed in its answer.
 */
export class RequestHooks {
  /** The typed input of each request in flight, by its context: what the access check reads besides the bucket. */
  private readonly inputs = new WeakMap<OperationContext, Input>();

  constructor(private readonly access: AccessStore, private readonly store: S3Store, private readonly authorizer: Authorizer) {}

  /** The access check every handler calls, with the default encryption applied to an object write's input. */
  readonly bucketFor = (name: string, ctx: OperationContext): BucketAccessRow => {
    const input = this.inputs.get(ctx);
    const row = this.authorizer.bucketFor(name, ctx, input);
    if (input && name === input.Bucket && OBJECT_WRITES.has(ctx.operation)) {
      resolveEncryption(input as EncryptionInput, row.encryption ? (JSON.parse(row.encryption) as ServerSideEncryptionRule[]) : undefined, row.account, row.region);
    }
    return row;
  };

  wrap(handlers: ServiceHandlers): ServiceHandlers {
    const wrapped: ServiceHandlers = {};
    for (const [operation, handler] of Object.entries(handlers)) {
      const after = this.afterHook(operation);
      wrapped[operation] = (input: Input, ctx: OperationContext) => {
        this.inputs.set(ctx, input);
        const state = after ? this.before(operation, input, ctx) : undefined;
        const answered = handler(input, ctx);
        if (!after) return answered;
        return answered instanceof Promise ? answered.then((out: Out) => after(input, ctx, out, state)) : after(input, ctx, answered as Out, state);
      };
    }
    return wrapped;
  }

  /** Checks made before the handler runs; answers what the after-hook needs (the ACL to store). */
  private before(operation: string, input: Input, ctx: OperationContext): StoredAcl | undefined {
    if (operation === "CreateBucket") {
      checkOwnershipValue(input.ObjectOwnership as string | undefined);
      const acl = aclFromHeaders(input, ctx.account, ctx.account);
      const ownership = (input.ObjectOwnership as string | undefined) ?? "BucketOwnerEnforced";
      if (acl && ownership === "BucketOwnerEnforced" && !isOwnerOnly(acl, ctx.account)) throw AccessErrors.aclWithEnforcedOwnership();
      return acl;
    }
    if (operation === "CompleteMultipartUpload") return this.access.uploadAclOf(input.UploadId as string);
    if (OBJECT_WRITES.has(operation) && (input.ACL !== undefined || input.GrantRead !== undefined || input.GrantFullControl !== undefined || input.GrantReadACP !== undefined || input.GrantWriteACP !== undefined)) {
      const row = this.access.bucket(input.Bucket as string);
      if (!row) return undefined; // the handler answers NoSuchBucket
      // Under BucketOwnerPreferred, bucket-owner-full-control hands the object to the bucket's owner.
      const owner = row.ownership === "BucketOwnerPreferred" && input.ACL === "bucket-owner-full-control" ? row.account : ctx.account;
      const acl = aclFromHeaders(input, owner, row.account)!;
      checkAclAllowed(row, acl);
      // With ACLs disabled the bucket's owner owns every object, whoever wrote it: nothing to keep.
      return aclsEnabled(row) ? acl : undefined;
    }
    return undefined;
  }

  private afterHook(operation: string): ((input: Input, ctx: OperationContext, out: Out, acl: StoredAcl | undefined) => Out) | undefined {
    switch (operation) {
      case "CreateBucket":
        return (input, ctx, out, acl) => {
          const row = this.access.bucket(input.Bucket as string)!;
          const ownership = input.ObjectOwnership as string | undefined;
          if (ownership !== undefined && ownership !== "BucketOwnerEnforced") this.access.set(row.id, "ownership", ownership);
          if (acl && !(isOwnerOnly(acl, ctx.account) && acl.grants.length <= 1)) this.access.set(row.id, "acl", JSON.stringify(acl));
          return out;
        };
      case "PutObject":
      case "CopyObject":
      case "CompleteMultipartUpload":
        return (input, _ctx, out, acl) => {
          if (acl) this.storeObjectAcl(input, acl);
          if (operation !== "CompleteMultipartUpload" && input.ServerSideEncryption !== undefined) Object.assign(out, encryptionOutput(input as EncryptionInput));
          return out;
        };
      case "CreateMultipartUpload":
        return (input, _ctx, out, acl) => {
          if (acl && typeof out.UploadId === "string") this.access.setUploadAcl(out.UploadId, acl);
          if (input.ServerSideEncryption !== undefined) Object.assign(out, encryptionOutput(input as EncryptionInput));
          return out;
        };
      default:
        return undefined;
    }
  }

  private storeObjectAcl(input: Input, acl: StoredAcl): void {
    const row = this.access.bucket(input.Bucket as string);
    const object = row && this.store.object(row.id, input.Key as string);
    if (row && object) this.access.setObjectAcl(row.id, input.Key as string, object, acl);
  }
}

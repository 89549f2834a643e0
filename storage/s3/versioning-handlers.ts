import type { GetBucketVersioningRequest, GetBucketVersioningOutput, PutBucketVersioningRequest } from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";

/** PutBucketVersioning / GetBucketVersioning: the bucket's state, which never returns to "never versioned". */
export function versioningHandlers(store: S3Store, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  return {
    PutBucketVersioning(input: PutBucketVersioningRequest, ctx: OperationContext): Record<string, never> {
      const bucket = bucketFor(input.Bucket!, ctx);
      // MFA delete needs a device cloudbox does not have: refused, not accepted and ignored.
      if (input.MFA !== undefined) throw S3Errors.headerNotImplemented("x-amz-mfa");
      const config = input.VersioningConfiguration;
      if (!config) throw S3Errors.malformedXml();
      const mfaDelete = config.MFADelete as string | undefined;
      if (mfaDelete !== undefined && mfaDelete !== "Disabled") {
        if (mfaDelete === "Enabled") throw new ServiceError("NotImplemented", "MfaDelete is not implemented by cloudbox: versions are deleted without an MFA device.", { status: 501, fields: { Header: "MfaDelete" } });
        throw S3Errors.malformedXml();
      }
      const status = config.Status as string | undefined;
      if (status === undefined) return {};
      if (status !== "Enabled" && status !== "Suspended") throw S3Errors.malformedXml();
      if (status === "Suspended" && bucket.object_lock !== null) {
        throw new ServiceError("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.", { status: 409 });
      }
      store.s.setVersioning.run(status, bucket.id);
      return {};
    },

    GetBucketVersioning(input: GetBucketVersioningRequest, ctx: OperationContext): GetBucketVersioningOutput {
      const bucket = bucketFor(input.Bucket!, ctx);
      return bucket.versioning === null ? {} : { Status: bucket.versioning as GetBucketVersioningOutput["Status"] };
    },
  };
}

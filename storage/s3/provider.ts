import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../state/environment.js";
import type { BucketRow } from "./s3-store.js";
import { S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { bucketHandlers } from "./bucket-handlers.js";
import { objectHandlers } from "./object-handlers.js";
import { listingHandlers } from "./listing.js";
import { multipartHandlers } from "./multipart-handlers.js";
import { versioningHandlers } from "./versioning-handlers.js";
import { versionListingHandlers } from "./version-listing.js";
import { taggingHandlers } from "./tagging-handlers.js";
import { objectLockHandlers } from "./object-lock-handlers.js";
import { objectAttributeHandlers } from "./object-attributes.js";

/** S3: a global namespace of buckets per account, immutable objects in the blob store, multipart uploads. */
export function createS3Provider(env: DomainEnvironment): ServiceProvider {
  const store = new S3Store(env.db, env.blobs);
  const bucketFor = (name: string, ctx: OperationContext): BucketRow => {
    const bucket = store.bucket(name);
    if (!bucket) throw S3Errors.noSuchBucket(name);
    if (bucket.account !== ctx.account) throw S3Errors.accessDenied();
    return bucket;
  };
  return {
    handlers: {
      ...bucketHandlers(store, env.clock, bucketFor),
      ...objectHandlers({ store, clock: env.clock, bucketFor }),
      ...listingHandlers(store, bucketFor),
      ...multipartHandlers(store, env.clock, bucketFor),
      ...versioningHandlers(store, bucketFor),
      ...versionListingHandlers(store, env.clock, bucketFor),
      ...taggingHandlers(store, bucketFor),
      ...objectLockHandlers(store, env.clock, bucketFor),
      ...objectAttributeHandlers(store, env.clock, bucketFor),
    },
  };
}

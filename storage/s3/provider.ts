import type { ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../state/environment.js";
import type { QueueDelivery } from "../../messaging/sqs/queue-delivery.js";
import { S3Store } from "./s3-store.js";
import { bucketHandlers } from "./bucket-handlers.js";
import { objectHandlers } from "./object-handlers.js";
import { listingHandlers } from "./listing.js";
import { multipartHandlers } from "./multipart-handlers.js";
import { BucketConfigStore } from "./bucket-config/config-store.js";
import { configHandlers } from "./bucket-config/config-handlers.js";
import { AccessStore } from "./access/access-store.js";
import { Authorizer } from "./access/authorizer.js";
import { RequestHooks } from "./access/request-hooks.js";
import { accessHandlers } from "./access/access-handlers.js";

export interface S3Deps {
  /** SQS's delivery interface (notification destinations are checked through it), looked up when needed. */
  queues?: () => QueueDelivery | undefined;
}

/** S3: a global namespace of buckets per account, immutable objects in the blob store, multipart uploads. */
export function createS3Provider(env: DomainEnvironment, deps: S3Deps = {}): ServiceProvider {
  const store = new S3Store(env.db, env.blobs);
  const configs = new BucketConfigStore(env.db);
  const access = new AccessStore(env.db);
  // The access check of every request on a bucket (storage/s3/access/authorizer.ts).
  const hooks = new RequestHooks(access, store, new Authorizer(access, store, env.clock));
  const bucketFor = hooks.bucketFor;
  return {
    handlers: hooks.wrap({
      ...bucketHandlers(store, env.clock, bucketFor),
      ...objectHandlers({ store, clock: env.clock, bucketFor }),
      ...listingHandlers(store, bucketFor),
      ...multipartHandlers(store, env.clock, bucketFor),
      ...configHandlers({ store, configs, clock: env.clock, bucketFor, queues: deps.queues ?? (() => undefined) }),
      ...accessHandlers({ access, store, bucketFor }),
    }),
  };
}

import type { CORSRule } from "@aws-sdk/client-s3";
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
import { EventSequence } from "./notifications/event-sequence.js";
import { Notifier } from "./notifications/notifier.js";

/**
 * The narrow interface S3 offers the edge, which answers CORS (preflights and the headers on every answer):
 * a bucket's CORS rules; undefined when there is no such bucket.
 */
export interface S3CorsRules {
  rulesOf(bucket: string): { rules: CORSRule[] | undefined } | undefined;
}

export interface S3Provider extends ServiceProvider {
  cors: S3CorsRules;
}

export function isS3Provider(provider: ServiceProvider | undefined): provider is S3Provider {
  return typeof (provider as Partial<S3Provider> | undefined)?.cors?.rulesOf === "function";
}

export interface S3Deps {
  /** SQS's delivery interface (notification destinations are checked and events delivered through it), looked up when needed. */
  queues?: () => QueueDelivery | undefined;
}
import { versioningHandlers } from "./versioning-handlers.js";
import { versionListingHandlers } from "./version-listing.js";
import { taggingHandlers } from "./tagging-handlers.js";
import { objectLockHandlers } from "./object-lock-handlers.js";
import { objectAttributeHandlers } from "./object-attributes.js";

/** S3: a global namespace of buckets per account, immutable objects in the blob store, multipart uploads. */
export function createS3Provider(env: DomainEnvironment, deps: S3Deps = {}): S3Provider {
  const store = new S3Store(env.db, env.blobs);
  const configs = new BucketConfigStore(env.db);
  const access = new AccessStore(env.db);
  // The access check of every request on a bucket (storage/s3/access/authorizer.ts).
  const hooks = new RequestHooks(access, store, new Authorizer(access, store, env.clock));
  const bucketFor = hooks.bucketFor;
  const queues = deps.queues ?? (() => undefined);
  // Event notifications go out around everything else, once a write and its ACL have committed.
  const notifier = new Notifier({ store, configs, sequence: new EventSequence(env.db), clock: env.clock, queues });
  return {
    handlers: notifier.wrap(hooks.wrap({
      ...bucketHandlers(store, env.clock, bucketFor),
      ...objectHandlers({ store, clock: env.clock, bucketFor }),
      ...listingHandlers(store, bucketFor),
      ...multipartHandlers(store, env.clock, bucketFor),
      ...versioningHandlers(store, bucketFor),
      ...versionListingHandlers(store, env.clock, bucketFor),
      ...taggingHandlers(store, bucketFor),
      ...objectLockHandlers(store, env.clock, bucketFor),
      ...objectAttributeHandlers(store, env.clock, bucketFor),
      ...configHandlers({ store, configs, clock: env.clock, bucketFor, queues }),
      ...accessHandlers({ access, store, bucketFor }),
    })),
    cors: {
      rulesOf(name) {
        const bucket = store.bucket(name);
        return bucket ? { rules: configs.read<CORSRule[]>(bucket.id, "cors") } : undefined;
      },
    },
  };
}

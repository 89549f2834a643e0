import { randomBytes } from "node:crypto";
import type {
  AnalyticsConfiguration, CORSRule, IntelligentTieringConfiguration, InventoryConfiguration, LifecycleRule, LoggingEnabled, MetricsConfiguration,
  NotificationConfiguration, ReplicationConfiguration, WebsiteConfiguration,
  PutBucketCorsRequest, PutBucketWebsiteRequest, PutBucketLifecycleConfigurationRequest, PutBucketLoggingRequest,
  PutBucketAccelerateConfigurationRequest, PutBucketReplicationRequest, PutBucketNotificationConfigurationRequest,
  PutBucketInventoryConfigurationRequest, PutBucketAnalyticsConfigurationRequest, PutBucketMetricsConfigurationRequest,
  PutBucketIntelligentTieringConfigurationRequest, PutBucketAbacRequest,
} from "@aws-sdk/client-s3";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import type { QueueDelivery } from "../../../messaging/sqs/queue-delivery.js";
import type { Clock } from "../../state/clock.js";
import type { BucketRow, S3Store } from "../s3-store.js";
import type { BucketConfigStore } from "./config-store.js";
import { ConfigErrors, NoSuchConfiguration, notHonoured } from "./config-errors.js";
import { validateCors } from "./cors-config.js";
import { validateLifecycle } from "./lifecycle-config.js";
import { validateWebsite } from "./website-config.js";
import { validateLogging } from "./logging-config.js";
import { validateNotification } from "./notification-config.js";
import { validateReplication } from "./replication-config.js";
import type { IdConfigKind } from "./id-configs.js";
import { checkConfigId, ID_CONFIG_LIMITS, validateAnalytics, validateInventory, validateIntelligentTiering, validateMetrics } from "./id-configs.js";
import { decodeToken, encodeToken } from "../listing.js";

type Out = Record<string, unknown>;
type BucketFor = (name: string, ctx: OperationContext) => BucketRow;

export interface ConfigDeps {
  store: S3Store;
  configs: BucketConfigStore;
  clock: Clock;
  bucketFor: BucketFor;
  /** SQS's delivery interface, looked up when needed (start order does not matter). */
  queues: () => QueueDelivery | undefined;
}

const LIST_PAGE = 100;
const TRANSITION_SIZES = new Set(["varies_by_storage_class", "all_storage_classes_128K"]);

/** A rule id S3 makes up for a lifecycle rule that has none. */
const generatedRuleId = () => randomBytes(36).toString("base64").replace(/[+/=]/g, "").slice(0, 48);

/** Put/Get/Delete/List for the configurations a bucket holds several of, by id. */
function idConfigHandlers<T extends { Id?: string }>(deps: ConfigDeps, kind: IdConfigKind, name: string, validate: (config: T | undefined) => T, listMember: string) {
  const { configs, bucketFor } = deps;
  return {
    [`PutBucket${name}Configuration`](input: { Bucket?: string; Id?: string } & Record<string, unknown>, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const config = validate(input[`${name}Configuration`] as T | undefined);
      const id = checkConfigId(input.Id, config.Id);
      if (configs.read(bucket.id, kind, id) === undefined && configs.page(bucket.id, kind, "", ID_CONFIG_LIMITS[kind]).length >= ID_CONFIG_LIMITS[kind]) {
        throw ConfigErrors.invalidArgument(`You are attempting to create a new configuration but have already reached the ${ID_CONFIG_LIMITS[kind]}-configuration limit.`);
      }
      configs.write(bucket.id, kind, config, id);
      return {};
    },
    [`GetBucket${name}Configuration`](input: { Bucket?: string; Id?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const config = configs.read<T>(bucket.id, kind, input.Id ?? "");
      if (!config) throw NoSuchConfiguration.byId();
      return { [`${name}Configuration`]: config };
    },
    [`DeleteBucket${name}Configuration`](input: { Bucket?: string; Id?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (!configs.delete(bucket.id, kind, input.Id ?? "")) throw NoSuchConfiguration.byId();
      return {};
    },
    [`ListBucket${name}Configurations`](input: { Bucket?: string; ContinuationToken?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const after = input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken).value : "";
      const page = configs.page<T>(bucket.id, kind, after, LIST_PAGE + 1);
      const out: Out = { IsTruncated: page.length > LIST_PAGE, [listMember]: page.slice(0, LIST_PAGE) };
      if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
      if (page.length > LIST_PAGE) out.NextContinuationToken = encodeToken("k", page[LIST_PAGE - 1]!.Id!);
      return out;
    },
  };
}

/** The bucket sub-resources that are set and read back: each validated as S3 does, each absent one answered with S3's own error. */
export function configHandlers(deps: ConfigDeps) {
  const { store, configs, clock, bucketFor } = deps;
  const exists = (name: string) => store.bucket(name) !== undefined;
  return {
    PutBucketCors(input: PutBucketCorsRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      configs.write(bucket.id, "cors", validateCors(input.CORSConfiguration));
      return {};
    },
    GetBucketCors(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const rules = configs.read<CORSRule[]>(bucket.id, "cors");
      if (!rules) throw NoSuchConfiguration.cors(bucket.name);
      return { CORSRules: rules };
    },
    DeleteBucketCors(input: { Bucket?: string }, ctx: OperationContext): Out {
      configs.delete(bucketFor(input.Bucket!, ctx).id, "cors");
      return {};
    },

    PutBucketWebsite(input: PutBucketWebsiteRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      configs.write(bucket.id, "website", validateWebsite(input.WebsiteConfiguration));
      return {};
    },
    GetBucketWebsite(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const website = configs.read<WebsiteConfiguration>(bucket.id, "website");
      if (!website) throw NoSuchConfiguration.website(bucket.name);
      return { ...website };
    },
    DeleteBucketWebsite(input: { Bucket?: string }, ctx: OperationContext): Out {
      configs.delete(bucketFor(input.Bucket!, ctx).id, "website");
      return {};
    },

    PutBucketLifecycleConfiguration(input: PutBucketLifecycleConfigurationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const size = input.TransitionDefaultMinimumObjectSize ?? "all_storage_classes_128K";
      if (!TRANSITION_SIZES.has(size)) throw ConfigErrors.invalidRequest("Invalid TransitionDefaultMinimumObjectSize found: " + size);
      const rules = validateLifecycle(input.LifecycleConfiguration).map((rule) => (rule.ID ? rule : { ...rule, ID: generatedRuleId() }));
      configs.write(bucket.id, "lifecycle", { rules, size });
      return { TransitionDefaultMinimumObjectSize: size };
    },
    GetBucketLifecycleConfiguration(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const lifecycle = configs.read<{ rules: LifecycleRule[]; size: string }>(bucket.id, "lifecycle");
      if (!lifecycle) throw NoSuchConfiguration.lifecycle(bucket.name);
      return { Rules: lifecycle.rules, TransitionDefaultMinimumObjectSize: lifecycle.size };
    },
    DeleteBucketLifecycle(input: { Bucket?: string }, ctx: OperationContext): Out {
      configs.delete(bucketFor(input.Bucket!, ctx).id, "lifecycle");
      return {};
    },

    PutBucketLogging(input: PutBucketLoggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const enabled = validateLogging(input.BucketLoggingStatus, (name) => store.bucket(name), bucket);
      if (enabled) configs.write(bucket.id, "logging", enabled);
      else configs.delete(bucket.id, "logging");
      return {};
    },
    GetBucketLogging(input: { Bucket?: string }, ctx: OperationContext): Out {
      const enabled = configs.read<LoggingEnabled>(bucketFor(input.Bucket!, ctx).id, "logging");
      return enabled ? { LoggingEnabled: enabled } : {};
    },

    PutBucketAccelerateConfiguration(input: PutBucketAccelerateConfigurationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const status = input.AccelerateConfiguration?.Status;
      if (status !== "Enabled" && status !== "Suspended") throw ConfigErrors.malformedXml();
      if (bucket.name.includes(".")) throw ConfigErrors.invalidRequest("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
      configs.write(bucket.id, "accelerate", status);
      return {};
    },
    // A bucket that never had acceleration set answers an empty configuration.
    GetBucketAccelerateConfiguration(input: { Bucket?: string }, ctx: OperationContext): Out {
      const status = configs.read<string>(bucketFor(input.Bucket!, ctx).id, "accelerate");
      return status ? { Status: status } : {};
    },

    PutBucketReplication(input: PutBucketReplicationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (input.Token !== undefined) throw notHonoured("the x-amz-bucket-object-lock-token header on PutBucketReplication");
      configs.write(bucket.id, "replication", validateReplication(input.ReplicationConfiguration, exists));
      return {};
    },
    GetBucketReplication(input: { Bucket?: string }, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const replication = configs.read<ReplicationConfiguration>(bucket.id, "replication");
      if (!replication) throw NoSuchConfiguration.replication(bucket.name);
      return { ReplicationConfiguration: replication };
    },
    DeleteBucketReplication(input: { Bucket?: string }, ctx: OperationContext): Out {
      configs.delete(bucketFor(input.Bucket!, ctx).id, "replication");
      return {};
    },

    PutBucketNotificationConfiguration(input: PutBucketNotificationConfigurationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (input.SkipDestinationValidation) throw notHonoured("x-amz-skip-destination-validation");
      const config = validateNotification(input.NotificationConfiguration, deps.queues(), bucket, ctx.requestId, clock.now());
      const empty = !config.QueueConfigurations?.length && !config.TopicConfigurations?.length && !config.EventBridgeConfiguration;
      if (empty) configs.delete(bucket.id, "notification");
      else configs.write(bucket.id, "notification", config);
      return {};
    },
    GetBucketNotificationConfiguration(input: { Bucket?: string }, ctx: OperationContext): Out {
      return { ...(configs.read<NotificationConfiguration>(bucketFor(input.Bucket!, ctx).id, "notification") ?? {}) };
    },

    PutBucketAbac(input: PutBucketAbacRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const status = input.AbacStatus?.Status;
      if (status !== "Enabled" && status !== "Disabled") throw ConfigErrors.malformedXml();
      // Attribute-based access control decides requests by tags: cloudbox's evaluator does not yet.
      if (status === "Enabled") throw notHonoured("attribute-based access control (AbacStatus Enabled)");
      configs.delete(bucket.id, "abac");
      return {};
    },
    GetBucketAbac(input: { Bucket?: string }, ctx: OperationContext): Out {
      bucketFor(input.Bucket!, ctx);
      return { AbacStatus: { Status: "Disabled" } };
    },

    ...idConfigHandlers<InventoryConfiguration>(deps, "inventory", "Inventory", (c) => validateInventory(c, exists), "InventoryConfigurationList"),
    ...idConfigHandlers<AnalyticsConfiguration>(deps, "analytics", "Analytics", validateAnalytics, "AnalyticsConfigurationList"),
    ...idConfigHandlers<MetricsConfiguration>(deps, "metrics", "Metrics", validateMetrics, "MetricsConfigurationList"),
    ...idConfigHandlers<IntelligentTieringConfiguration>(deps, "intelligent-tiering", "IntelligentTiering", validateIntelligentTiering, "IntelligentTieringConfigurationList"),
  };
}

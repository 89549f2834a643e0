import type { AnalyticsConfiguration, IntelligentTieringConfiguration, InventoryConfiguration, MetricsConfiguration } from "@aws-sdk/client-s3";
import { ConfigErrors } from "./config-errors.js";

/** The four configurations a bucket holds several of, each named by an id in the query string. */
export type IdConfigKind = "inventory" | "analytics" | "metrics" | "intelligent-tiering";

/** How many of each a bucket may hold (AWS's quotas). */
export const ID_CONFIG_LIMITS: Record<IdConfigKind, number> = { inventory: 1000, analytics: 1000, metrics: 1000, "intelligent-tiering": 1000 };

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The query-string id and the body's Id must agree, and be a valid name. */
export function checkConfigId(queryId: string | undefined, bodyId: string | undefined): string {
  if (!queryId || !ID_PATTERN.test(queryId)) throw ConfigErrors.invalidArgument("The id is not valid.", "id", queryId ?? "");
  if (bodyId !== queryId) throw ConfigErrors.invalidArgument("The ID in the request body does not match the ID in the query string.", "id", queryId);
  return queryId;
}

const INVENTORY_FORMATS = new Set(["CSV", "ORC", "Parquet"]);
const INVENTORY_FREQUENCIES = new Set(["Daily", "Weekly"]);
const INVENTORY_VERSIONS = new Set(["All", "Current"]);

export function validateInventory(config: InventoryConfiguration | undefined, bucketExists: (name: string) => boolean): InventoryConfiguration {
  if (!config) throw ConfigErrors.malformedXml();
  const destination = config.Destination?.S3BucketDestination;
  if (!destination?.Bucket || !destination.Format || !INVENTORY_FORMATS.has(destination.Format)) throw ConfigErrors.malformedXml();
  if (config.IsEnabled === undefined || !config.IncludedObjectVersions || !INVENTORY_VERSIONS.has(config.IncludedObjectVersions)) throw ConfigErrors.malformedXml();
  if (!config.Schedule?.Frequency || !INVENTORY_FREQUENCIES.has(config.Schedule.Frequency)) throw ConfigErrors.malformedXml();
  const name = destination.Bucket.startsWith("arn:aws:s3:::") ? destination.Bucket.slice("arn:aws:s3:::".length) : undefined;
  if (!name) throw ConfigErrors.invalidArgument("Invalid bucket ARN.", "Bucket", destination.Bucket);
  if (!bucketExists(name)) throw ConfigErrors.invalidArgument("The destination bucket does not exist.", "Bucket", destination.Bucket);
  return config;
}

export function validateAnalytics(config: AnalyticsConfiguration | undefined): AnalyticsConfiguration {
  if (!config?.StorageClassAnalysis) throw ConfigErrors.malformedXml();
  const filter = config.Filter;
  if (filter && [filter.Prefix, filter.Tag, filter.And].filter((v) => v !== undefined).length !== 1) throw ConfigErrors.malformedXml();
  const export_ = config.StorageClassAnalysis.DataExport;
  if (export_ && (export_.OutputSchemaVersion !== "V_1" || !export_.Destination?.S3BucketDestination?.Bucket)) throw ConfigErrors.malformedXml();
  return config;
}

export function validateMetrics(config: MetricsConfiguration | undefined): MetricsConfiguration {
  if (!config) throw ConfigErrors.malformedXml();
  const filter = config.Filter;
  if (filter && [filter.Prefix, filter.Tag, filter.AccessPointArn, filter.And].filter((v) => v !== undefined).length !== 1) throw ConfigErrors.malformedXml();
  return config;
}

/** Archive Access takes 90 to 730 days, Deep Archive Access 180 to 730. */
const TIER_DAYS: Record<string, [number, number]> = { ARCHIVE_ACCESS: [90, 730], DEEP_ARCHIVE_ACCESS: [180, 730] };

export function validateIntelligentTiering(config: IntelligentTieringConfiguration | undefined): IntelligentTieringConfiguration {
  if (!config || (config.Status !== "Enabled" && config.Status !== "Disabled") || !config.Tierings?.length) throw ConfigErrors.malformedXml();
  const tiers = new Set<string>();
  for (const tiering of config.Tierings) {
    const range = tiering.AccessTier ? TIER_DAYS[tiering.AccessTier] : undefined;
    if (!range || tiering.Days === undefined) throw ConfigErrors.malformedXml();
    if (tiers.has(tiering.AccessTier!)) throw ConfigErrors.invalidArgument("Duplicate access tier in Tierings.", "AccessTier", tiering.AccessTier);
    tiers.add(tiering.AccessTier!);
    const [min, max] = range;
    if (tiering.Days < min || tiering.Days > max) {
      throw ConfigErrors.invalidArgument(`A Tiering's Days field must be between ${min} and ${max} for the ${tiering.AccessTier} tier.`, "Days", String(tiering.Days));
    }
  }
  return config;
}

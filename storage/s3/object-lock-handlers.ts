import type {
  GetObjectLegalHoldRequest, GetObjectLockConfigurationRequest, GetObjectRetentionRequest, ObjectLockRule, PutObjectLegalHoldRequest,
  PutObjectLockConfigurationRequest, PutObjectRetentionRequest,
} from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { Versions } from "./versions.js";
import { checkRetainUntil, LEGAL_HOLD, lockErrors, MODES } from "./object-lock.js";

type Out = Record<string, unknown>;

/** The default retention rule of a PutObjectLockConfiguration, checked as S3 does. */
function checkedRule(rule: ObjectLockRule | undefined): ObjectLockRule {
  if (rule === undefined) return {};
  const retention = rule.DefaultRetention;
  if (!retention) throw S3Errors.malformedXml();
  if (!retention.Mode || !MODES.has(retention.Mode)) throw S3Errors.malformedXml();
  if ((retention.Days === undefined) === (retention.Years === undefined)) throw S3Errors.malformedXml();
  const period = retention.Days ?? retention.Years!;
  if (!Number.isInteger(period) || period < 1) throw S3Errors.invalidArgument("Default retention period must be a positive integer value", "DefaultRetention", String(period));
  return { DefaultRetention: { Mode: retention.Mode, ...(retention.Days !== undefined ? { Days: retention.Days } : { Years: retention.Years }) } };
}

/** Object Lock: the bucket's configuration, and each version's retention and legal hold. */
export function objectLockHandlers(store: S3Store, clock: Clock, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const versions = new Versions(store);
  const s = store.s;

  function lockedBucket(name: string, ctx: OperationContext): BucketRow {
    const bucket = bucketFor(name, ctx);
    if (bucket.object_lock === null) throw lockErrors.missingConfiguration();
    return bucket;
  }

  return {
    PutObjectLockConfiguration(input: PutObjectLockConfigurationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (input.Token !== undefined) throw S3Errors.headerNotImplemented("x-amz-bucket-object-lock-token");
      const config = input.ObjectLockConfiguration;
      if (!config || config.ObjectLockEnabled !== "Enabled") throw S3Errors.malformedXml();
      const rule = checkedRule(config.Rule);
      // Object Lock can be turned on for an existing bucket whose versioning is enabled, never off.
      if (bucket.object_lock === null && bucket.versioning !== "Enabled") {
        throw new ServiceError("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", { status: 409 });
      }
      s.setObjectLock.run(JSON.stringify(rule), bucket.id);
      return {};
    },

    GetObjectLockConfiguration(input: GetObjectLockConfigurationRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (bucket.object_lock === null) {
        throw new ServiceError("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", { status: 404, fields: { BucketName: bucket.name } });
      }
      const rule = JSON.parse(bucket.object_lock) as ObjectLockRule;
      return { ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", ...(rule.DefaultRetention ? { Rule: rule } : {}) } };
    },

    PutObjectRetention(input: PutObjectRetentionRequest, ctx: OperationContext): Out {
      const bucket = lockedBucket(input.Bucket!, ctx);
      const retention = input.Retention ?? {};
      const mode = retention.Mode as string | undefined;
      if ((mode === undefined) !== (retention.RetainUntilDate === undefined)) throw S3Errors.malformedXml();
      if (mode !== undefined && !MODES.has(mode)) throw S3Errors.malformedXml();
      const now = clock.now();
      const until = retention.RetainUntilDate === undefined ? null : checkRetainUntil(retention.RetainUntilDate, now);
      const bypass = input.BypassGovernanceRetention === true;
      store.db.transaction(() => {
        const ref = versions.resolve(bucket, input.Key!, input.VersionId, "PUT");
        const { lock_mode: oldMode, lock_until: oldUntil } = ref.row;
        if (oldMode !== null && oldUntil !== null && now < oldUntil) {
          // In force, a retention may be extended; shortening, removing it or turning COMPLIANCE into
          // GOVERNANCE is refused (GOVERNANCE yields to the bypass header).
          const weaker = until === null || until < oldUntil || (oldMode === "COMPLIANCE" && mode !== "COMPLIANCE");
          if (weaker && (oldMode === "COMPLIANCE" || !bypass)) throw lockErrors.protectedVersion();
        }
        versions.setRetention(ref, mode ?? null, until);
      });
      return {};
    },

    GetObjectRetention(input: GetObjectRetentionRequest, ctx: OperationContext): Out {
      const bucket = lockedBucket(input.Bucket!, ctx);
      const { row } = versions.resolve(bucket, input.Key!, input.VersionId, "GET");
      if (row.lock_mode === null || row.lock_until === null) throw lockErrors.noObjectConfiguration();
      return { Retention: { Mode: row.lock_mode, RetainUntilDate: new Date(row.lock_until) } };
    },

    PutObjectLegalHold(input: PutObjectLegalHoldRequest, ctx: OperationContext): Out {
      const bucket = lockedBucket(input.Bucket!, ctx);
      const status = input.LegalHold?.Status as string | undefined;
      if (status !== "ON" && status !== "OFF") throw S3Errors.malformedXml();
      store.db.transaction(() => {
        const ref = versions.resolve(bucket, input.Key!, input.VersionId, "PUT");
        versions.setLegalHold(ref, LEGAL_HOLD[status]);
      });
      return {};
    },

    GetObjectLegalHold(input: GetObjectLegalHoldRequest, ctx: OperationContext): Out {
      const bucket = lockedBucket(input.Bucket!, ctx);
      const { row } = versions.resolve(bucket, input.Key!, input.VersionId, "GET");
      if (row.legal_hold === LEGAL_HOLD.none) throw lockErrors.noObjectConfiguration();
      return { LegalHold: { Status: row.legal_hold === LEGAL_HOLD.ON ? "ON" : "OFF" } };
    },
  };
}

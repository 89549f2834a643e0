import type {
  CreateBucketRequest, CreateBucketOutput, DeleteBucketRequest, GetBucketLocationRequest, HeadBucketRequest, HeadBucketOutput,
  ListBucketsRequest, ListBucketsOutput,
} from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { isValidBucketName } from "./bucket-names.js";
import { decodeToken, encodeToken } from "./listing.js";

const US_EAST_1 = "us-east-1";

export function bucketHandlers(store: S3Store, clock: Clock, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const s = store.s;
  return {
    CreateBucket(input: CreateBucketRequest, ctx: OperationContext): CreateBucketOutput {
      const name = input.Bucket!;
      if (!isValidBucketName(name)) throw S3Errors.invalidBucketName(name);
      const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
      // us-east-1 is the one region whose endpoint takes no constraint; naming it explicitly is refused there.
      if (ctx.region === US_EAST_1) {
        if (constraint === US_EAST_1) throw S3Errors.invalidLocationConstraint(constraint);
        if (constraint) throw S3Errors.illegalLocationConstraint(constraint);
      } else if (constraint !== ctx.region) {
        throw S3Errors.illegalLocationConstraint(constraint || undefined);
      }
      const existing = store.bucket(name);
      if (existing) {
        if (existing.account !== ctx.account) throw S3Errors.bucketAlreadyExists(name);
        // Legacy rule kept by S3: re-creating your own bucket in us-east-1 succeeds.
        if (existing.region === US_EAST_1 && ctx.region === US_EAST_1) return { Location: `/${name}` };
        throw S3Errors.bucketAlreadyOwnedByYou(name);
      }
      store.db.transaction(() => {
        const { lastInsertRowid } = s.insertBucket.run(name, ctx.account, ctx.region, clock.now());
        // Object Lock needs versioning, so a bucket created with it is versioned from the start.
        if (input.ObjectLockEnabledForBucket) s.setObjectLock.run("{}", lastInsertRowid), s.setVersioning.run("Enabled", lastInsertRowid);
      });
      return { Location: `/${name}`, BucketArn: `arn:aws:s3:::${name}` } as CreateBucketOutput;
    },

    HeadBucket(input: HeadBucketRequest, ctx: OperationContext): HeadBucketOutput {
      const bucket = bucketFor(input.Bucket!, ctx);
      return { BucketRegion: bucket.region, AccessPointAlias: false } as HeadBucketOutput;
    },

    GetBucketLocation(input: GetBucketLocationRequest, ctx: OperationContext): Record<string, unknown> {
      const bucket = bucketFor(input.Bucket!, ctx);
      // us-east-1 answers an empty LocationConstraint element.
      return { LocationConstraint: bucket.region === US_EAST_1 ? "" : bucket.region };
    },

    DeleteBucket(input: DeleteBucketRequest, ctx: OperationContext): Record<string, never> {
      const bucket = bucketFor(input.Bucket!, ctx);
      store.db.transaction(() => {
        if (s.anyObject.get(bucket.id) || s.anyVersion.get(bucket.id)) throw S3Errors.bucketNotEmpty(bucket.name);
        for (const { upload_id } of s.uploadsOfBucket.all(bucket.id) as { upload_id: string }[]) store.removeUpload(upload_id);
        s.deleteBucket.run(bucket.id);
      });
      return {};
    },

    ListBuckets(input: ListBucketsRequest, ctx: OperationContext): ListBucketsOutput {
      const max = input.MaxBuckets ?? 10000;
      if (max < 1 || max > 10000) throw S3Errors.invalidArgument("Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", String(max));
      const after = input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken).value : "";
      const prefix = input.Prefix ?? "";
      const rows = s.listBuckets.all({ account: ctx.account, after, prefix, region: input.BucketRegion ?? null, limit: max + 1 }) as { name: string; region: string; created_at: number }[];
      const buckets = [];
      for (const r of rows) {
        if (!r.name.startsWith(prefix)) break;
        buckets.push({ Name: r.name, CreationDate: new Date(r.created_at), BucketRegion: r.region, BucketArn: `arn:aws:s3:::${r.name}` });
      }
      const out: ListBucketsOutput = { Buckets: buckets.slice(0, max), Owner: { ID: ctx.account, DisplayName: "cloudbox" } };
      if (buckets.length > max) out.ContinuationToken = encodeToken("k", buckets[max - 1]!.Name);
      if (input.Prefix !== undefined) out.Prefix = input.Prefix;
      return out;
    },
  };
}

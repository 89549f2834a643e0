import type { GetObjectAttributesRequest, RestoreObjectRequest } from "@aws-sdk/client-s3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Clock } from "../state/clock.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { S3Errors } from "./s3-errors.js";
import { answeredVersionId, Versions } from "./versions.js";
import { planRestore } from "./restore.js";

type Out = Record<string, unknown>;

const ATTRIBUTES = new Set(["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]);

/** GetObjectAttributes and RestoreObject: reads and requests about a version that are not its bytes. */
export function objectAttributeHandlers(store: S3Store, clock: Clock, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const versions = new Versions(store);

  return {
    GetObjectAttributes(input: GetObjectAttributesRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      if (input.SSECustomerAlgorithm !== undefined || input.SSECustomerKey !== undefined || input.SSECustomerKeyMD5 !== undefined) {
        throw S3Errors.headerNotImplemented("x-amz-server-side-encryption-customer-algorithm");
      }
      const asked = input.ObjectAttributes;
      if (asked === undefined || asked.length === 0) throw S3Errors.invalidRequest("Missing required header for this request: x-amz-object-attributes");
      if (asked.some((name) => !ATTRIBUTES.has(name))) throw S3Errors.invalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", asked.join(","));
      const { row } = versions.resolve(bucket, input.Key!, input.VersionId, "GET");
      const out: Out = { LastModified: new Date(row.last_modified) };
      const versionId = answeredVersionId(row.version_id, bucket.versioning);
      if (versionId !== undefined) out.VersionId = versionId;
      const want = new Set<string>(asked);
      if (want.has("ETag")) out.ETag = row.etag.replace(/^"(.*)"$/, "$1");
      if (want.has("StorageClass")) out.StorageClass = row.storage_class;
      if (want.has("ObjectSize")) out.ObjectSize = row.size;
      if (want.has("Checksum") && row.checksum_algorithm && row.checksum_value) {
        out.Checksum = { [`Checksum${row.checksum_algorithm}`]: row.checksum_value.replace(/-\d+$/, ""), ChecksumType: row.checksum_type ?? "FULL_OBJECT" };
      }
      if (want.has("ObjectParts") && row.part_sizes) {
        const sizes = JSON.parse(row.part_sizes) as number[];
        const parts: Out = { TotalPartsCount: sizes.length };
        // S3 lists the parts of an object only when they have checksums.
        if (row.part_checksums && row.checksum_algorithm) {
          const sums = JSON.parse(row.part_checksums) as string[];
          const max = Math.min(input.MaxParts ?? 1000, 1000);
          const marker = Number(input.PartNumberMarker ?? 0);
          if (!Number.isInteger(marker) || marker < 0) throw S3Errors.invalidArgument("Part number marker must be a non-negative integer", "x-amz-part-number-marker", String(input.PartNumberMarker));
          const page = sizes.map((size, i) => ({ PartNumber: i + 1, Size: size, [`Checksum${row.checksum_algorithm}`]: sums[i] })).slice(marker, marker + max);
          Object.assign(parts, {
            PartNumberMarker: marker, NextPartNumberMarker: page.length ? page[page.length - 1]!.PartNumber : marker, MaxParts: max,
            IsTruncated: marker + page.length < sizes.length,
          });
          if (page.length) parts.Parts = page;
        }
        out.ObjectParts = parts;
      }
      return out;
    },

    RestoreObject(input: RestoreObjectRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const now = clock.now();
      return store.db.transaction(() => {
        const ref = versions.resolve(bucket, input.Key!, input.VersionId, "POST");
        const plan = planRestore(ref.row, input.RestoreRequest, now);
        versions.setRestore(ref, plan.ready, plan.expires);
        return { StatusCode: plan.status };
      });
    },
  };
}

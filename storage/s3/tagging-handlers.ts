import type {
  DeleteBucketTaggingRequest, DeleteObjectTaggingRequest, GetBucketTaggingRequest, GetObjectTaggingRequest, PutBucketTaggingRequest, PutObjectTaggingRequest,
} from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { BucketRow, S3Store } from "./s3-store.js";
import { answeredVersionId, Versions } from "./versions.js";
import { storedTags, tagSetOf, tagsOfDocument } from "./tags.js";

type Out = Record<string, unknown>;

/** Object tags (per version) and bucket tags. */
export function taggingHandlers(store: S3Store, bucketFor: (name: string, ctx: OperationContext) => BucketRow) {
  const versions = new Versions(store);
  const s = store.s;

  function versionOut(versionId: string | null, bucket: BucketRow): Out {
    const id = answeredVersionId(versionId, bucket.versioning);
    return id === undefined ? {} : { VersionId: id };
  }

  return {
    PutObjectTagging(input: PutObjectTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const tags = storedTags(tagsOfDocument(input.Tagging?.TagSet, "object"));
      return store.db.transaction(() => {
        const ref = versions.resolve(bucket, input.Key!, input.VersionId, "PUT");
        versions.setTags(ref, tags);
        return versionOut(ref.row.version_id, bucket);
      });
    },

    GetObjectTagging(input: GetObjectTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const { row } = versions.resolve(bucket, input.Key!, input.VersionId, "GET");
      return { TagSet: tagSetOf(row.tags), ...versionOut(row.version_id, bucket) };
    },

    DeleteObjectTagging(input: DeleteObjectTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      return store.db.transaction(() => {
        const ref = versions.resolve(bucket, input.Key!, input.VersionId, "DELETE");
        versions.setTags(ref, null);
        return versionOut(ref.row.version_id, bucket);
      });
    },

    PutBucketTagging(input: PutBucketTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      s.setBucketTags.run(storedTags(tagsOfDocument(input.Tagging?.TagSet, "bucket")), bucket.id);
      return {};
    },

    GetBucketTagging(input: GetBucketTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      const tags = s.bucketTags.get(bucket.id) as string | null;
      if (tags === null) throw new ServiceError("NoSuchTagSet", "The TagSet does not exist", { status: 404, fields: { BucketName: bucket.name } });
      return { TagSet: tagSetOf(tags) };
    },

    DeleteBucketTagging(input: DeleteBucketTaggingRequest, ctx: OperationContext): Out {
      const bucket = bucketFor(input.Bucket!, ctx);
      s.setBucketTags.run(null, bucket.id);
      return {};
    },
  };
}

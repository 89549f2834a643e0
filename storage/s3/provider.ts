import type { ListBucketsCommandInput, ListBucketsCommandOutput } from "@aws-sdk/client-s3";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../state/environment.js";

/** S3: buckets and objects. */
export function createS3Provider(env: DomainEnvironment): ServiceProvider {
  env.db.registerSchema("s3", [
    "CREATE TABLE s3_buckets (name TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, created_at INTEGER NOT NULL)",
  ]);
  const listBuckets = env.db.sql.prepare("SELECT name, region, created_at FROM s3_buckets WHERE account = ? ORDER BY name");
  return {
    handlers: {
      ListBuckets(_input: ListBucketsCommandInput, ctx: OperationContext): Omit<ListBucketsCommandOutput, "$metadata"> {
        const rows = listBuckets.all(ctx.account) as { name: string; region: string; created_at: number }[];
        return {
          Buckets: rows.map((r) => ({ Name: r.name, CreationDate: new Date(r.created_at), BucketRegion: r.region })),
          Owner: { ID: ctx.account, DisplayName: "cloudbox" },
        };
      },
    },
  };
}

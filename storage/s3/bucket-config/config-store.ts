import type { Statement } from "better-sqlite3";
import type { Database } from "../../state/database.js";

/**
 * The bucket sub-resources that are set and read back whole (CORS, website, lifecycle, logging,
 * …), one JSON document per bucket and kind; inventory, analytics, metrics and intelligent-tiering
 * configurations are keyed by their id as well. Rows go with their bucket (ON DELETE CASCADE): bucket ids
 * are reused by SQLite, and a new bucket must not inherit a deleted one's configuration.
 */
const MIGRATIONS = [
  `CREATE TABLE s3_bucket_config (
     bucket_id INTEGER NOT NULL REFERENCES s3_buckets (id) ON DELETE CASCADE,
     kind TEXT NOT NULL, config_id TEXT NOT NULL, document TEXT NOT NULL,
     PRIMARY KEY (bucket_id, kind, config_id)) WITHOUT ROWID;`,
];

/** The sub-resources stored here, by the name of their query-string subresource. */
export type ConfigKind =
  | "cors" | "website" | "lifecycle" | "logging" | "accelerate" | "replication"
  | "notification" | "inventory" | "analytics" | "metrics" | "intelligent-tiering" | "abac";

export class BucketConfigStore {
  private readonly get: Statement;
  private readonly put: Statement;
  private readonly remove: Statement;
  private readonly list: Statement;

  constructor(private readonly db: Database) {
    // The table refers to s3_buckets: the "s3" schema is registered first (S3Store).
    db.registerSchema("s3-config", MIGRATIONS);
    const sql = db.sql;
    this.get = sql.prepare("SELECT document FROM s3_bucket_config WHERE bucket_id = ? AND kind = ? AND config_id = ?").pluck();
    this.put = sql.prepare("INSERT INTO s3_bucket_config (bucket_id, kind, config_id, document) VALUES (?, ?, ?, ?) ON CONFLICT (bucket_id, kind, config_id) DO UPDATE SET document = excluded.document");
    this.remove = sql.prepare("DELETE FROM s3_bucket_config WHERE bucket_id = ? AND kind = ? AND config_id = ?");
    this.list = sql.prepare("SELECT document FROM s3_bucket_config WHERE bucket_id = ? AND kind = ? AND config_id > ? ORDER BY config_id LIMIT ?").pluck();
  }

  read<T>(bucketId: number, kind: ConfigKind, id = ""): T | undefined {
    const text = this.get.get(bucketId, kind, id) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  write(bucketId: number, kind: ConfigKind, document: unknown, id = ""): void {
    this.db.transaction(() => this.put.run(bucketId, kind, id, JSON.stringify(document)));
  }

  delete(bucketId: number, kind: ConfigKind, id = ""): boolean {
    return this.db.transaction(() => this.remove.run(bucketId, kind, id).changes > 0);
  }

  /** Id-keyed configurations in id order, after `after`, at most `limit`. */
  page<T>(bucketId: number, kind: ConfigKind, after: string, limit: number): T[] {
    return (this.list.all(bucketId, kind, after, limit) as string[]).map((text) => JSON.parse(text) as T);
  }
}

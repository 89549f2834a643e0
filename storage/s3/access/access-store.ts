import type { Statement } from "better-sqlite3";
import type { Database } from "../../state/database.js";
import type { BucketRow } from "../s3-store.js";
import type { StoredAcl } from "./acl.js";

/**
 * What decides who may use a bucket and how its writes are stored: its ownership setting, ACL, policy, public
 * access block, payer and default encryption,
 * one row per bucket that has any of them set (most buckets have none). Object ACLs are kept per key
 * with the ETag and time of the write they were given with: a later overwrite or delete leaves the row
 * stale, and a stale row is no ACL at all (the object side keeps no ACL of its own).
 */
const MIGRATIONS = [
  `CREATE TABLE s3_bucket_access (
     bucket_id INTEGER PRIMARY KEY REFERENCES s3_buckets (id) ON DELETE CASCADE,
     ownership TEXT, acl TEXT, policy TEXT, public_access_block TEXT, request_payer TEXT, encryption TEXT);
   CREATE TABLE s3_object_acls (
     bucket_id INTEGER NOT NULL REFERENCES s3_buckets (id) ON DELETE CASCADE, key TEXT NOT NULL,
     etag TEXT NOT NULL, last_modified INTEGER NOT NULL, acl TEXT NOT NULL, PRIMARY KEY (bucket_id, key)) WITHOUT ROWID;
   CREATE TABLE s3_upload_acls (
     upload_id TEXT PRIMARY KEY REFERENCES s3_uploads (upload_id) ON DELETE CASCADE, acl TEXT NOT NULL) WITHOUT ROWID;`,
];

/** A bucket with its access settings, as the one read of the access check answers it. */
export interface BucketAccessRow extends BucketRow {
  /** null: the default of new buckets, BucketOwnerEnforced; "": ownership controls deleted (ACLs apply). */
  ownership: string | null;
  /** JSON StoredAcl; null: the owner's FULL_CONTROL only. */
  acl: string | null;
  /** The policy text as put. */
  policy: string | null;
  /** JSON PublicAccessBlockConfiguration. */
  public_access_block: string | null;
  request_payer: string | null;
  /** JSON ServerSideEncryptionRule[]: the default encryption of new objects; null: SSE-S3. Read here because every write applies it. */
  encryption: string | null;
}

export type AccessColumn = "ownership" | "acl" | "policy" | "public_access_block" | "request_payer" | "encryption";

export class AccessStore {
  private readonly bucketWithAccess: Statement;
  private readonly setColumn: Record<AccessColumn, Statement>;
  private readonly objectAcl: Statement;
  private readonly putObjectAcl: Statement;
  private readonly uploadAcl: Statement;
  private readonly putUploadAcl: Statement;

  constructor(private readonly db: Database) {
    db.registerSchema("s3-access", MIGRATIONS);
    const sql = db.sql;
    this.bucketWithAccess = sql.prepare(`SELECT b.id, b.name, b.account, b.region, b.created_at, b.versioning, b.object_lock, a.ownership, a.acl, a.policy, a.public_access_block, a.request_payer, a.encryption
      FROM s3_buckets b LEFT JOIN s3_bucket_access a ON a.bucket_id = b.id WHERE b.name = ?`);
    const columns: AccessColumn[] = ["ownership", "acl", "policy", "public_access_block", "request_payer", "encryption"];
    this.setColumn = Object.fromEntries(columns.map((c) => [c, sql.prepare(`INSERT INTO s3_bucket_access (bucket_id, ${c}) VALUES (?, ?) ON CONFLICT (bucket_id) DO UPDATE SET ${c} = excluded.${c}`)])) as Record<AccessColumn, Statement>;
    this.objectAcl = sql.prepare("SELECT etag, last_modified, acl FROM s3_object_acls WHERE bucket_id = ? AND key = ?");
    this.putObjectAcl = sql.prepare("INSERT INTO s3_object_acls (bucket_id, key, etag, last_modified, acl) VALUES (?, ?, ?, ?, ?) ON CONFLICT (bucket_id, key) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, acl = excluded.acl");
    this.uploadAcl = sql.prepare("SELECT acl FROM s3_upload_acls WHERE upload_id = ?").pluck();
    this.putUploadAcl = sql.prepare("INSERT INTO s3_upload_acls (upload_id, acl) VALUES (?, ?) ON CONFLICT (upload_id) DO UPDATE SET acl = excluded.acl");
  }

  bucket(name: string): BucketAccessRow | undefined {
    return this.bucketWithAccess.get(name) as BucketAccessRow | undefined;
  }

  set(bucketId: number, column: AccessColumn, value: string | null): void {
    this.db.transaction(() => this.setColumn[column].run(bucketId, value));
  }

  /** The ACL given with the object's current write, if it was given one. */
  objectAclOf(bucketId: number, key: string, current: { etag: string; last_modified: number }): StoredAcl | undefined {
    const row = this.objectAcl.get(bucketId, key) as { etag: string; last_modified: number; acl: string } | undefined;
    return row && row.etag === current.etag && row.last_modified === current.last_modified ? (JSON.parse(row.acl) as StoredAcl) : undefined;
  }

  setObjectAcl(bucketId: number, key: string, current: { etag: string; last_modified: number }, acl: StoredAcl): void {
    this.db.transaction(() => this.putObjectAcl.run(bucketId, key, current.etag, current.last_modified, JSON.stringify(acl)));
  }

  uploadAclOf(uploadId: string): StoredAcl | undefined {
    const text = this.uploadAcl.get(uploadId) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as StoredAcl);
  }

  setUploadAcl(uploadId: string, acl: StoredAcl): void {
    this.db.transaction(() => this.putUploadAcl.run(uploadId, JSON.stringify(acl)));
  }
}

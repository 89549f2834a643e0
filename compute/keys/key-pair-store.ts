import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../storage/state/database.js";

const MIGRATIONS = [
  `CREATE TABLE ec2_key_pairs (key_pair_id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     fingerprint TEXT NOT NULL, public_key TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (account, region, name));`,
];

export interface KeyPairRow {
  key_pair_id: string;
  account: string;
  region: string;
  name: string;
  type: string;
  fingerprint: string;
  public_key: string;
  created_at: number;
}

/** Key pairs: only the public half is kept, as on AWS. */
export class KeyPairStore {
  private readonly s: Record<string, BetterSqlite3.Statement>;

  constructor(db: Database) {
    db.registerSchema("ec2-key-pairs", MIGRATIONS);
    this.s = {
      insert: db.sql.prepare("INSERT INTO ec2_key_pairs (key_pair_id, account, region, name, type, fingerprint, public_key, created_at) VALUES (@key_pair_id, @account, @region, @name, @type, @fingerprint, @public_key, @created_at)"),
      byName: db.sql.prepare("SELECT * FROM ec2_key_pairs WHERE account = ? AND region = ? AND name = ?"),
      all: db.sql.prepare("SELECT * FROM ec2_key_pairs WHERE account = ? AND region = ? ORDER BY name"),
      delete: db.sql.prepare("DELETE FROM ec2_key_pairs WHERE key_pair_id = ?"),
    };
  }

  insert(row: KeyPairRow): void {
    this.s["insert"]!.run(row);
  }

  byName(account: string, region: string, name: string): KeyPairRow | undefined {
    return this.s["byName"]!.get(account, region, name) as KeyPairRow | undefined;
  }

  all(account: string, region: string): KeyPairRow[] {
    return this.s["all"]!.all(account, region) as KeyPairRow[];
  }

  delete(keyPairId: string): void {
    this.s["delete"]!.run(keyPairId);
  }
}

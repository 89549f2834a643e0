import type { Tag } from "@aws-sdk/client-ec2";
import type { Statement } from "better-sqlite3";
import type { Database } from "../state/database.js";

/**
 * Where volume and snapshot tags live. EC2 keeps every resource's tags in one store (so CreateTags,
 * DeleteTags and DescribeTags see volumes and snapshots too); EBS is handed that store. Alone
 * (EBS without EC2 instances), it keeps them in a table of its own with the same behaviour.
 */
export interface ResourceTags {
  set(account: string, region: string, resourceId: string, resourceType: string, tags: Tag[]): void;
  deleteAll(account: string, region: string, resourceId: string): void;
  tagsOf(account: string, region: string, resourceId: string): Map<string, string>;
  tagsOfType(account: string, region: string, resourceType: string): Map<string, Map<string, string>>;
}

export function tagList(tags: Map<string, string> | undefined): Tag[] {
  return tags ? [...tags].map(([Key, Value]) => ({ Key, Value })) : [];
}

export class LocalResourceTags implements ResourceTags {
  private readonly put: Statement;
  private readonly removeAll: Statement;
  private readonly ofResource: Statement;
  private readonly ofType: Statement;

  constructor(db: Database) {
    db.registerSchema("ebs-tags", [
      `CREATE TABLE ebs_tags (account TEXT NOT NULL, region TEXT NOT NULL, resource_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
         resource_type TEXT NOT NULL, PRIMARY KEY (account, region, resource_id, key)) WITHOUT ROWID`,
    ]);
    this.put = db.sql.prepare("INSERT INTO ebs_tags (account, region, resource_id, key, value, resource_type) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value");
    this.removeAll = db.sql.prepare("DELETE FROM ebs_tags WHERE account = ? AND region = ? AND resource_id = ?");
    this.ofResource = db.sql.prepare("SELECT key, value FROM ebs_tags WHERE account = ? AND region = ? AND resource_id = ?");
    this.ofType = db.sql.prepare("SELECT resource_id, key, value FROM ebs_tags WHERE account = ? AND region = ? AND resource_type = ?");
  }

  set(account: string, region: string, resourceId: string, resourceType: string, tags: Tag[]): void {
    for (const t of tags) this.put.run(account, region, resourceId, t.Key!, t.Value ?? "", resourceType);
  }

  deleteAll(account: string, region: string, resourceId: string): void {
    this.removeAll.run(account, region, resourceId);
  }

  tagsOf(account: string, region: string, resourceId: string): Map<string, string> {
    return new Map((this.ofResource.all(account, region, resourceId) as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  }

  tagsOfType(account: string, region: string, resourceType: string): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const r of this.ofType.all(account, region, resourceType) as { resource_id: string; key: string; value: string }[]) {
      let m = out.get(r.resource_id);
      if (!m) out.set(r.resource_id, (m = new Map()));
      m.set(r.key, r.value);
    }
    return out;
  }
}

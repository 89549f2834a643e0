import type BetterSqlite3 from "better-sqlite3";
import type { Tag, TagSpecification } from "@aws-sdk/client-ec2";
import type { Database } from "../../storage/state/database.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { Ec2Errors } from "../ec2/errors.js";

const MIGRATIONS = [
  `CREATE TABLE ec2_tags (
     account TEXT NOT NULL, region TEXT NOT NULL, resource_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     resource_type TEXT NOT NULL,
     PRIMARY KEY (account, region, resource_id, key)) WITHOUT ROWID;
   CREATE INDEX ec2_tags_by_key ON ec2_tags (account, region, key, value);`,
  // An instance's tags are part of what its answer shows: a tag write bumps the instance row's
  // version in the same transaction, so a listing names an answer's version by the row alone.
  ...["INSERT", "UPDATE", "DELETE"].map((event) => {
    const row = event === "DELETE" ? "OLD" : "NEW";
    return `CREATE TRIGGER ec2_tags_touch_instance_${event.toLowerCase()} AFTER ${event} ON ec2_tags WHEN ${row}.resource_type = 'instance' BEGIN
       UPDATE ec2_instances SET version = version + 1 WHERE instance_id = ${row}.resource_id;
     END`;
  }),
];

/** The EC2 resource type of an id, from its prefix (what DescribeTags reports as ResourceType). */
export const RESOURCE_TYPES: Record<string, string> = {
  i: "instance", vol: "volume", snap: "snapshot", ami: "image", sg: "security-group", vpc: "vpc", subnet: "subnet",
  key: "key-pair", eni: "network-interface", igw: "internet-gateway", rtb: "route-table", acl: "network-acl",
  dopt: "dhcp-options", eipalloc: "elastic-ip", h: "dedicated-host", pg: "placement-group", r: "reservation",
};

export function resourceTypeOf(id: string): string | undefined {
  const dash = id.indexOf("-");
  return dash > 0 ? RESOURCE_TYPES[id.slice(0, dash)] : undefined;
}

export interface TagRow {
  resource_id: string;
  key: string;
  value: string;
  resource_type: string;
}

/**
 * Tags of every EC2 resource in one table, indexed by key and value so `tag:Name=x` finds its few
 * resources without a scan. Other modules (EBS) tag their resources through this store too.
 */
export class TagStore {
  private readonly put: BetterSqlite3.Statement;
  private readonly remove: BetterSqlite3.Statement;
  private readonly removeIfValue: BetterSqlite3.Statement;
  private readonly removeAll: BetterSqlite3.Statement;
  private readonly ofResource: BetterSqlite3.Statement;
  private readonly ofType: BetterSqlite3.Statement;
  private readonly countOf: BetterSqlite3.Statement;
  private readonly byKeyValue: BetterSqlite3.Statement;
  private readonly all: BetterSqlite3.Statement;

  constructor(private readonly db: Database) {
    db.registerSchema("ec2-tags", MIGRATIONS);
    const sql = db.sql;
    this.put = sql.prepare("INSERT INTO ec2_tags (account, region, resource_id, key, value, resource_type) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value");
    this.remove = sql.prepare("DELETE FROM ec2_tags WHERE account = ? AND region = ? AND resource_id = ? AND key = ?");
    this.removeIfValue = sql.prepare("DELETE FROM ec2_tags WHERE account = ? AND region = ? AND resource_id = ? AND key = ? AND value = ?");
    this.removeAll = sql.prepare("DELETE FROM ec2_tags WHERE account = ? AND region = ? AND resource_id = ?");
    this.ofResource = sql.prepare("SELECT key, value FROM ec2_tags WHERE account = ? AND region = ? AND resource_id = ?");
    this.ofType = sql.prepare("SELECT resource_id, key, value FROM ec2_tags WHERE account = ? AND region = ? AND resource_type = ?");
    this.countOf = sql.prepare("SELECT COUNT(*) AS n FROM ec2_tags WHERE account = ? AND region = ? AND resource_id = ?").pluck();
    this.byKeyValue = sql.prepare("SELECT resource_id FROM ec2_tags WHERE account = ? AND region = ? AND key = ? AND value = ?").pluck();
    this.all = sql.prepare("SELECT resource_id, key, value, resource_type FROM ec2_tags WHERE account = ? AND region = ? ORDER BY resource_id, key");
  }

  /** Adds or overwrites tags (call inside the caller's transaction). */
  set(account: string, region: string, resourceId: string, resourceType: string, tags: Tag[]): void {
    for (const t of tags) this.put.run(account, region, resourceId, t.Key!, t.Value ?? "", resourceType);
    if ((this.countOf.get(account, region, resourceId) as number) > 50) throw new ServiceError("TagLimitExceeded", `The maximum number of tags per resource (50) has been reached for resource '${resourceId}'.`);
  }

  /** DeleteTags semantics: a tag given with a value is removed only if the value matches. */
  delete(account: string, region: string, resourceId: string, tags: Tag[] | undefined): void {
    if (!tags || tags.length === 0) {
      this.removeAll.run(account, region, resourceId);
      return;
    }
    for (const t of tags) {
      if (t.Value === undefined) this.remove.run(account, region, resourceId, t.Key!);
      else this.removeIfValue.run(account, region, resourceId, t.Key!, t.Value);
    }
  }

  deleteAll(account: string, region: string, resourceId: string): void {
    this.removeAll.run(account, region, resourceId);
  }

  tagsOf(account: string, region: string, resourceId: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.ofResource.all(account, region, resourceId) as { key: string; value: string }[]) out.set(r.key, r.value);
    return out;
  }

  /** All tags of a resource type, one query, grouped by resource (for Describe over many resources). */
  tagsOfType(account: string, region: string, resourceType: string): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const r of this.ofType.all(account, region, resourceType) as { resource_id: string; key: string; value: string }[]) {
      let m = out.get(r.resource_id);
      if (!m) out.set(r.resource_id, (m = new Map()));
      m.set(r.key, r.value);
    }
    return out;
  }

  resourcesWith(account: string, region: string, key: string, value: string): string[] {
    return this.byKeyValue.all(account, region, key, value) as string[];
  }

  list(account: string, region: string): TagRow[] {
    return this.all.all(account, region) as TagRow[];
  }
}

export const toTagList = (tags: Map<string, string> | undefined): Tag[] | undefined => (tags && tags.size ? [...tags].map(([Key, Value]) => ({ Key, Value })) : undefined);

/** Validates tag keys and values as EC2 does. */
export function validateTags(tags: Tag[]): void {
  for (const t of tags) {
    if (t.Key === undefined || t.Key === "") throw Ec2Errors.invalidValue("Tag key must not be empty");
    if (t.Key.length > 128) throw Ec2Errors.invalidValue(`Tag key exceeds the maximum length of 128 characters`);
    if ((t.Value ?? "").length > 256) throw Ec2Errors.invalidValue(`Tag value exceeds the maximum length of 256 characters`);
    if (t.Key.toLowerCase().startsWith("aws:")) throw new ServiceError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
  }
}

/** The tags of a TagSpecifications list for each resource type, checked against the types the action allows. */
export function tagsBySpecification(specs: TagSpecification[] | undefined, allowed: string[]): Map<string, Tag[]> {
  const out = new Map<string, Tag[]>();
  for (const spec of specs ?? []) {
    const type = spec.ResourceType ?? "";
    if (!allowed.includes(type)) throw Ec2Errors.invalidValue(`'${type}' is not a valid taggable resource type for this operation.`);
    if (!spec.Tags || spec.Tags.length === 0) throw Ec2Errors.invalidValue("Tag specification must have at least one tag");
    validateTags(spec.Tags);
    out.set(type, [...(out.get(type) ?? []), ...spec.Tags]);
  }
  return out;
}

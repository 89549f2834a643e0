import type { Database } from "../../storage/state/database.js";
import type { Policy } from "../../services/identity/policy/index.js";
import { parsePolicy } from "../../services/identity/policy/index.js";
import type { RedrivePolicy } from "./queue-attributes.js";
import { parseRedrivePolicy } from "./queue-attributes.js";

/** A queue as the handlers use it: its row plus the attributes the hot paths read, parsed once. */
export interface Queue {
  id: number;
  account: string;
  region: string;
  name: string;
  arn: string;
  fifo: boolean;
  createdAt: number;
  modifiedAt: number;
  purgedAt: number | null;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  visibilityTimeout: number;
  delaySeconds: number;
  maxMessageSize: number;
  retentionMs: number;
  waitSeconds: number;
  contentBasedDeduplication: boolean;
  dedupPerGroup: boolean;
  redrive: RedrivePolicy | null;
  /** The Policy attribute, parsed; null when there is none (or a stored one no longer parses: it then grants nothing). */
  policy: Policy | null;
  /** Clock time of the last sweep of messages past retention. */
  sweptAt: number;
}

interface QueueRow {
  id: number;
  account: string;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
  purged_at: number | null;
}

export const queueArn = (region: string, account: string, name: string): string => `arn:aws:sqs:${region}:${account}:${name}`;

function storedPolicy(text: string | undefined): Policy | null {
  if (!text) return null;
  try {
    return parsePolicy(text);
  } catch {
    // Stored before policies were checked on the way in; granting nothing keeps the queue its owner's.
    return null;
  }
}

function derive(queue: Queue): Queue {
  const a = queue.attributes;
  queue.visibilityTimeout = Number(a.VisibilityTimeout);
  queue.delaySeconds = Number(a.DelaySeconds);
  queue.maxMessageSize = Number(a.MaximumMessageSize);
  queue.retentionMs = Number(a.MessageRetentionPeriod) * 1000;
  queue.waitSeconds = Number(a.ReceiveMessageWaitTimeSeconds);
  queue.contentBasedDeduplication = a.ContentBasedDeduplication === "true";
  queue.dedupPerGroup = a.DeduplicationScope === "messageGroup";
  queue.redrive = a.RedrivePolicy ? parseRedrivePolicy(a.RedrivePolicy) : null;
  queue.policy = storedPolicy(a.Policy);
  return queue;
}

/**
 * Queues in SQLite, with a cache of parsed queues in front (every write goes through here, so
 * the cache never disagrees with the table). Keyed by account, region and name.
 */
export class QueueStore {
  private readonly cache = new Map<string, Queue>();
  private readonly byId = new Map<number, Queue>();
  private readonly select;
  private readonly insert;
  private readonly updateAttributes;
  private readonly updateTags;
  private readonly updatePurged;
  private readonly remove;
  private readonly listNames;

  constructor(private readonly db: Database) {
    const sql = db.sql;
    this.select = sql.prepare("SELECT * FROM sqs_queues WHERE account = ? AND region = ? AND name = ?");
    this.insert = sql.prepare("INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.updateAttributes = sql.prepare("UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE id = ?");
    this.updateTags = sql.prepare("UPDATE sqs_queues SET tags = ? WHERE id = ?");
    this.updatePurged = sql.prepare("UPDATE sqs_queues SET purged_at = ? WHERE id = ?");
    this.remove = sql.prepare("DELETE FROM sqs_queues WHERE id = ?");
    this.listNames = sql.prepare("SELECT name FROM sqs_queues WHERE account = ? AND region = ? AND name > ? ORDER BY name");
  }

  get(account: string, region: string, name: string): Queue | undefined {
    const key = `${account}\n${region}\n${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = this.select.get(account, region, name) as QueueRow | undefined;
    if (!row) return undefined;
    const queue = this.fromRow(row);
    this.cache.set(key, queue);
    this.byId.set(queue.id, queue);
    return queue;
  }

  getById(id: number): Queue | undefined {
    return this.byId.get(id);
  }

  create(account: string, region: string, name: string, fifo: boolean, attributes: Record<string, string>, tags: Record<string, string>, now: number): Queue {
    const info = this.insert.run(account, region, name, fifo ? 1 : 0, JSON.stringify(attributes), JSON.stringify(tags), now, now);
    return this.get(account, region, name) ?? this.fail(Number(info.lastInsertRowid));
  }

  setAttributes(queue: Queue, attributes: Record<string, string>, now: number): void {
    const next = { ...queue.attributes, ...attributes };
    for (const [k, v] of Object.entries(attributes)) if (v === "" && (k === "RedrivePolicy" || k === "RedriveAllowPolicy" || k === "Policy" || k === "KmsMasterKeyId")) delete next[k];
    this.updateAttributes.run(JSON.stringify(next), now, queue.id);
    queue.attributes = next;
    queue.modifiedAt = now;
    derive(queue);
  }

  setTags(queue: Queue, tags: Record<string, string>): void {
    this.updateTags.run(JSON.stringify(tags), queue.id);
    queue.tags = tags;
  }

  setPurged(queue: Queue, at: number): void {
    this.updatePurged.run(at, queue.id);
    queue.purgedAt = at;
  }

  delete(queue: Queue): void {
    this.remove.run(queue.id);
    this.cache.delete(`${queue.account}\n${queue.region}\n${queue.name}`);
    this.byId.delete(queue.id);
  }

  /** Names in order, after `after` (exclusive). */
  names(account: string, region: string, after = ""): string[] {
    return (this.listNames.all(account, region, after) as { name: string }[]).map((r) => r.name);
  }

  byArn(arn: string): Queue | undefined {
    const parts = arn.split(":");
    if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "sqs") return undefined;
    return this.get(parts[4]!, parts[3]!, parts[5]!);
  }

  clear(): void {
    this.cache.clear();
    this.byId.clear();
  }

  private fromRow(row: QueueRow): Queue {
    return derive({
      id: row.id,
      account: row.account,
      region: row.region,
      name: row.name,
      arn: queueArn(row.region, row.account, row.name),
      fifo: row.fifo === 1,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      purgedAt: row.purged_at,
      attributes: JSON.parse(row.attributes) as Record<string, string>,
      tags: JSON.parse(row.tags) as Record<string, string>,
      visibilityTimeout: 0,
      delaySeconds: 0,
      maxMessageSize: 0,
      retentionMs: 0,
      waitSeconds: 0,
      contentBasedDeduplication: false,
      dedupPerGroup: false,
      redrive: null,
      policy: null,
      sweptAt: 0,
    });
  }

  private fail(id: number): never {
    throw new Error(`queue ${id} vanished after insert`);
  }
}

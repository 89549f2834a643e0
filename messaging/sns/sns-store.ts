import type { Statement } from "better-sqlite3";
import type { Database } from "../../storage/state/database.js";
import type { CapturedDelivery } from "./delivery.js";

/** Rows and prepared statements of SNS's tables; one place for the SQL, prepared once. */
export interface TopicRow {
  arn: string;
  account: string;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  seq: number;
}

export interface SubscriptionRow {
  arn: string;
  topic_arn: string;
  account: string;
  region: string;
  protocol: string;
  endpoint: string;
  attributes: string;
  token: string;
  confirmed: number;
  created_at: number;
}

/** A captured delivery as stored: what was sent, and its row id. */
export interface CapturedRow extends CapturedDelivery {
  id: number;
}

export interface SnsStore {
  /**
   * Counts writes made through this store (and resets): a cache of rows read from it is valid
   * while the count it was built at still stands.
   */
  writes: { count: number };
  getTopic: Statement<[string], TopicRow>;
  insertTopic: Statement;
  deleteTopic: Statement;
  listTopics: Statement<[string, string, string, number], { arn: string }>;
  setTopicAttributes: Statement;
  setTopicTags: Statement;
  nextSequence: Statement<[string], { seq: number }>;
  countSubscriptions: Statement<[string], { confirmed: number; pending: number }>;
  getSubscription: Statement<[string], SubscriptionRow>;
  findSubscription: Statement<[string, string, string], SubscriptionRow>;
  findByToken: Statement<[string, string], SubscriptionRow>;
  insertSubscription: Statement;
  confirmSubscription: Statement;
  setSubscriptionAttributes: Statement;
  deleteSubscription: Statement;
  deleteTopicSubscriptions: Statement;
  listSubscriptions: Statement<[string, string, number, number], SubscriptionRow & { rowid: number }>;
  listTopicSubscriptions: Statement<[string, number, number], SubscriptionRow & { rowid: number }>;
  deliverable: Statement<[string], SubscriptionRow>;
  capture: Statement;
  captured: Statement<[], CapturedRow>;
  clearCaptured: Statement;
  findDedup: Statement<[string, string, number], { message_id: string; sequence_number: string }>;
  putDedup: Statement;
  deleteTopicDedup: Statement;
  smsAttributes: Statement<[string, string], { name: string; value: string }>;
  setSmsAttribute: Statement;
}

export function createSnsStore(db: Database): SnsStore {
  db.registerSchema("sns", [
    "CREATE TABLE sns_topics (arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, fifo INTEGER NOT NULL, attributes TEXT NOT NULL, tags TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL)",
    "CREATE TABLE sns_subscriptions (arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL, attributes TEXT NOT NULL, token TEXT NOT NULL, confirmed INTEGER NOT NULL, created_at INTEGER NOT NULL)",
    "CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn)",
    "CREATE INDEX sns_subscriptions_owner ON sns_subscriptions (account, region)",
    "CREATE TABLE sns_captured (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL, subscription_arn TEXT, topic_arn TEXT, message_id TEXT NOT NULL, type TEXT NOT NULL, subject TEXT, message TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL)",
    "CREATE TABLE sns_fifo_dedup (topic_arn TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL, sequence_number TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (topic_arn, dedup_id))",
    "CREATE TABLE sns_sms_attributes (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (account, region, name))",
  ]);
  const sql = db.sql;
  const store: SnsStore = {
    writes: { count: 0 },
    getTopic: sql.prepare<[string], TopicRow>("SELECT arn, account, region, name, fifo, attributes, tags, seq FROM sns_topics WHERE arn = ?"),
    insertTopic: sql.prepare("INSERT INTO sns_topics (arn, account, region, name, fifo, attributes, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    deleteTopic: sql.prepare("DELETE FROM sns_topics WHERE arn = ?"),
    listTopics: sql.prepare<[string, string, string, number], { arn: string }>("SELECT arn FROM sns_topics WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?"),
    setTopicAttributes: sql.prepare("UPDATE sns_topics SET attributes = ? WHERE arn = ?"),
    setTopicTags: sql.prepare("UPDATE sns_topics SET tags = ? WHERE arn = ?"),
    nextSequence: sql.prepare<[string], { seq: number }>("UPDATE sns_topics SET seq = seq + 1 WHERE arn = ? RETURNING seq"),
    countSubscriptions: sql.prepare<[string], { confirmed: number; pending: number }>(
      "SELECT COALESCE(SUM(confirmed), 0) AS confirmed, COALESCE(SUM(1 - confirmed), 0) AS pending FROM sns_subscriptions WHERE topic_arn = ?",
    ),

    getSubscription: sql.prepare<[string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE arn = ?"),
    findSubscription: sql.prepare<[string, string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?"),
    findByToken: sql.prepare<[string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?"),
    insertSubscription: sql.prepare(
      "INSERT INTO sns_subscriptions (arn, topic_arn, account, region, protocol, endpoint, attributes, token, confirmed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    confirmSubscription: sql.prepare("UPDATE sns_subscriptions SET confirmed = 1, attributes = ? WHERE arn = ?"),
    setSubscriptionAttributes: sql.prepare("UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?"),
    deleteSubscription: sql.prepare("DELETE FROM sns_subscriptions WHERE arn = ?"),
    deleteTopicSubscriptions: sql.prepare("DELETE FROM sns_subscriptions WHERE topic_arn = ?"),
    listSubscriptions: sql.prepare<[string, string, number, number], SubscriptionRow & { rowid: number }>(
      "SELECT rowid, * FROM sns_subscriptions WHERE account = ? AND region = ? AND rowid > ? ORDER BY rowid LIMIT ?",
    ),
    listTopicSubscriptions: sql.prepare<[string, number, number], SubscriptionRow & { rowid: number }>(
      "SELECT rowid, * FROM sns_subscriptions WHERE topic_arn = ? AND rowid > ? ORDER BY rowid LIMIT ?",
    ),
    deliverable: sql.prepare<[string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND confirmed = 1"),

    capture: sql.prepare(
      "INSERT INTO sns_captured (account, region, protocol, endpoint, subscription_arn, topic_arn, message_id, type, subject, message, body, at) VALUES (@account, @region, @protocol, @endpoint, @subscription_arn, @topic_arn, @message_id, @type, @subject, @message, @body, @at)",
    ),
    captured: sql.prepare<[], CapturedRow>("SELECT * FROM sns_captured ORDER BY id"),
    clearCaptured: sql.prepare("DELETE FROM sns_captured"),

    findDedup: sql.prepare<[string, string, number], { message_id: string; sequence_number: string }>(
      "SELECT message_id, sequence_number FROM sns_fifo_dedup WHERE topic_arn = ? AND dedup_id = ? AND expires_at > ?",
    ),
    putDedup: sql.prepare(
      "INSERT INTO sns_fifo_dedup (topic_arn, dedup_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(topic_arn, dedup_id) DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at",
    ),
    deleteTopicDedup: sql.prepare("DELETE FROM sns_fifo_dedup WHERE topic_arn = ?"),

    smsAttributes: sql.prepare<[string, string], { name: string; value: string }>("SELECT name, value FROM sns_sms_attributes WHERE account = ? AND region = ? ORDER BY name"),
    setSmsAttribute: sql.prepare(
      "INSERT INTO sns_sms_attributes (account, region, name, value) VALUES (?, ?, ?, ?) ON CONFLICT(account, region, name) DO UPDATE SET value = excluded.value",
    ),
  };
  for (const value of Object.values(store)) {
    if (value !== store.writes && !(value as Statement).readonly) countWrites(value as Statement, store.writes);
  }
  return store;
}

/** Makes every execution of a writing statement bump `writes.count` (RETURNING statements run through get/all). */
function countWrites(statement: Statement, writes: { count: number }): void {
  const { run, get, all } = statement;
  statement.run = (...params: unknown[]) => {
    writes.count++;
    return run.apply(statement, params);
  };
  statement.get = (...params: unknown[]) => {
    writes.count++;
    return get.apply(statement, params);
  };
  statement.all = (...params: unknown[]) => {
    writes.count++;
    return all.apply(statement, params);
  };
}


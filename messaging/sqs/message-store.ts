import { randomBytes, randomUUID } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../storage/state/database.js";
import type { PreparedMessage } from "./message-input.js";
import type { Queue } from "./queue-store.js";

export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  attributes: string | null;
  md5_body: string;
  md5_attributes: string | null;
  trace_header: string | null;
  md5_system: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_receive_at: number | null;
  receipt: string | null;
  received_at: number | null;
  group_id: string | null;
  dedup_id: string | null;
  dlq_source_arn: string | null;
}

export interface SendOutcome {
  messageId: string;
  seq: number;
  /** The message becomes receivable at this clock time. */
  visibleAt: number;
}

/** A message handed out by a receive, with the receipt handle valid for this receive only. */
export interface ReceivedMessage {
  row: MessageRow;
  receiptHandle: string;
}

export interface Counts {
  visible: number;
  inFlight: number;
  delayed: number;
}

const DEDUP_WINDOW_MS = 5 * 60 * 1000;
/** Expired messages are swept at most this often per queue; reads filter them out meanwhile. */
const SWEEP_INTERVAL_MS = 60_000;

// Receipt tokens: a random prefix per process and a counter, unique without a syscall per receive.
const TOKEN_PREFIX = randomBytes(9).toString("base64url");
let tokenCounter = 0;
const nextToken = (): string => `${TOKEN_PREFIX}${(tokenCounter++).toString(36)}`;

// Receives read only what an answer needs: better-sqlite3 pays per value read, and a lean row
// (no system attributes asked for) is a third of a full one. A message due for the dead-letter
// queue is read again in full before it moves.
const LEAN_COLUMNS = "seq, queue_id, message_id, body, md5_body, attributes, md5_attributes, receive_count";
const SYSTEM_COLUMNS = `${LEAN_COLUMNS}, sender_id, sent_at, first_receive_at, group_id, dedup_id, trace_header, dlq_source_arn`;

function receivedRow(values: unknown[]): MessageRow {
  const v = values as [number, number, string, string, string, string | null, string | null, number, string?, number?, (number | null)?, (string | null)?, (string | null)?, (string | null)?, (string | null)?];
  return {
    seq: v[0], queue_id: v[1], message_id: v[2], body: v[3], md5_body: v[4], attributes: v[5], md5_attributes: v[6], receive_count: v[7],
    sender_id: v[8] ?? "", sent_at: v[9] ?? 0, first_receive_at: v[10] ?? null, group_id: v[11] ?? null, dedup_id: v[12] ?? null,
    trace_header: v[13] ?? null, dlq_source_arn: v[14] ?? null, md5_system: null, visible_at: 0, receipt: null, received_at: null,
  };
}

type LimitedSelect = (variant: "lean" | "full", limit: number) => BetterSqlite3.Statement;

/**
 * A receive's SELECT with its LIMIT written into the SQL, one statement per column set and limit
 * (at most 10 each), prepared on first use: a bound `LIMIT ?` costs SQLite about 8 µs more per
 * execution than a literal one, more than reading the rows.
 */
function limitedSelect(sql: BetterSqlite3.Database, query: (columns: string, limit: number) => string): LimitedSelect {
  const cache = { lean: [] as BetterSqlite3.Statement[], full: [] as BetterSqlite3.Statement[] };
  return (variant, limit) => {
    const n = Math.trunc(limit);
    return (cache[variant][n] ??= sql.prepare(query(variant === "lean" ? LEAN_COLUMNS : SYSTEM_COLUMNS, n)).raw(true));
  };
}

/** FIFO sequence numbers: 20 digits, strictly increasing with the message's row sequence. */
export const sequenceNumber = (seq: number): string => `1${String(seq).padStart(19, "0")}`;

export function receiptHandle(queueId: number, seq: number, token: string): string {
  return Buffer.from(`${seq}:${token}:${queueId}`).toString("base64");
}

export function parseReceiptHandle(handle: string): { seq: number; token: string; queueId: number } | undefined {
  if (!handle || handle.length > 1024) return undefined;
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{8,64}):(\d{1,15})$/.exec(Buffer.from(handle, "base64").toString("latin1"));
  return match ? { seq: Number(match[1]), token: match[2]!, queueId: Number(match[3]) } : undefined;
}

/**
 * Messages in SQLite. Every call runs inside the caller's transaction or is a single statement;
 * time always comes in as `now` from the clock, and visibility is never changed by timers.
 */
export class MessageStore {
  private readonly insert;
  private readonly insertMany: BetterSqlite3.Statement[] = [];
  private readonly selectVisible: LimitedSelect;
  private readonly bySeq;
  private readonly markReceived: BetterSqlite3.Statement[] = [];
  private readonly deleteManyStatements: BetterSqlite3.Statement[] = [];
  private readonly deleteReceipt;
  private readonly deleteSeq;
  private readonly setVisible;
  private readonly countStmt;
  private readonly nextVisible;
  private readonly sweepStmt;
  private readonly sweepDedup;
  private readonly purgeStmt;
  private readonly dropMessages;
  private readonly dropDedup;
  private readonly findDedup;
  private readonly putDedup;
  private readonly visibleInOrder;
  private readonly hiddenGroups;
  private readonly groupsInOrder;
  private readonly groupMessages: LimitedSelect;
  private readonly addGroup;
  private readonly groupHead;
  private readonly setGroupHead;
  private readonly removeGroup;
  private readonly clearGroups;
  private readonly rebuildGroupsStmt;
  private readonly findAttempt;
  private readonly putAttempt;
  private readonly sweepAttempts;
  private readonly dropAttempts;

  constructor(private readonly db: Database) {
    const sql = db.sql;
    this.insert = sql.prepare(`INSERT INTO sqs_messages (queue_id, message_id, body, attributes, md5_body, md5_attributes, trace_header, md5_system,
      sender_id, sent_at, visible_at, receive_count, group_id, dedup_id, dlq_source_arn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`);
    this.selectVisible = limitedSelect(sql, (c, limit) => `SELECT ${c} FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? LIMIT ${limit}`);
    this.bySeq = sql.prepare("SELECT * FROM sqs_messages WHERE seq = ?");
    this.deleteReceipt = sql.prepare("DELETE FROM sqs_messages WHERE seq = ? AND queue_id = ? AND receipt = ? RETURNING group_id");
    this.deleteSeq = sql.prepare("DELETE FROM sqs_messages WHERE seq = ?");
    this.setVisible = sql.prepare("UPDATE sqs_messages SET visible_at = ? WHERE seq = ?");
    this.countStmt = sql.prepare(`SELECT COALESCE(SUM(visible_at <= @now), 0) AS visible,
      COALESCE(SUM(visible_at > @now AND receive_count > 0), 0) AS inFlight,
      COALESCE(SUM(visible_at > @now AND receive_count = 0), 0) AS delayed
      FROM sqs_messages WHERE queue_id = @queue AND sent_at > @cutoff`);
    this.nextVisible = sql.prepare("SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_id = ? AND visible_at > ?");
    this.sweepStmt = sql.prepare("DELETE FROM sqs_messages WHERE queue_id = ? AND sent_at <= ?");
    this.sweepDedup = sql.prepare("DELETE FROM sqs_dedup WHERE queue_id = ? AND expires_at <= ?");
    this.purgeStmt = sql.prepare("DELETE FROM sqs_messages WHERE queue_id = ? AND sent_at <= ?");
    this.dropMessages = sql.prepare("DELETE FROM sqs_messages WHERE queue_id = ?");
    this.dropDedup = sql.prepare("DELETE FROM sqs_dedup WHERE queue_id = ?");
    this.findDedup = sql.prepare("SELECT message_id, seq FROM sqs_dedup WHERE queue_id = ? AND scope = ? AND dedup_id = ? AND expires_at > ?");
    this.putDedup = sql.prepare("INSERT OR REPLACE INTO sqs_dedup (queue_id, scope, dedup_id, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    this.visibleInOrder = sql.prepare("SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? ORDER BY seq LIMIT ?");
    this.hiddenGroups = sql.prepare("SELECT DISTINCT group_id FROM sqs_messages WHERE queue_id = ? AND visible_at > ? AND sent_at > ?").pluck();
    this.groupsInOrder = sql.prepare("SELECT group_id FROM sqs_fifo_groups WHERE queue_id = ? ORDER BY head_seq").pluck();
    this.groupMessages = limitedSelect(sql, (c, limit) => `SELECT ${c} FROM sqs_messages WHERE queue_id = ? AND group_id = ? AND sent_at > ? ORDER BY seq LIMIT ${limit}`);
    this.addGroup = sql.prepare("INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    this.groupHead = sql.prepare("SELECT MIN(seq) FROM sqs_messages WHERE queue_id = ? AND group_id = ?").pluck();
    this.setGroupHead = sql.prepare("UPDATE sqs_fifo_groups SET head_seq = ? WHERE queue_id = ? AND group_id = ?");
    this.removeGroup = sql.prepare("DELETE FROM sqs_fifo_groups WHERE queue_id = ? AND group_id = ?");
    this.clearGroups = sql.prepare("DELETE FROM sqs_fifo_groups WHERE queue_id = ?");
    this.findAttempt = sql.prepare("SELECT handles FROM sqs_receive_attempts WHERE queue_id = ? AND attempt_id = ? AND expires_at > ?").pluck();
    this.putAttempt = sql.prepare("INSERT OR REPLACE INTO sqs_receive_attempts (queue_id, attempt_id, handles, expires_at) VALUES (?, ?, ?, ?)");
    this.sweepAttempts = sql.prepare("DELETE FROM sqs_receive_attempts WHERE queue_id = ? AND expires_at <= ?");
    this.dropAttempts = sql.prepare("DELETE FROM sqs_receive_attempts WHERE queue_id = ?");
    this.rebuildGroupsStmt = sql.prepare(`INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq)
      SELECT queue_id, group_id, MIN(seq) FROM sqs_messages WHERE queue_id = ? AND group_id IS NOT NULL GROUP BY group_id`);
  }

  /** Marks `count` messages received in one statement (prepared once per batch size). */
  private markReceivedStatement(count: number): BetterSqlite3.Statement {
    return (this.markReceived[count] ??= this.db.sql.prepare(
      `UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1, first_receive_at = COALESCE(first_receive_at, ?), received_at = ?, receipt = ? WHERE seq IN (${new Array(count).fill("?").join(", ")})`,
    ));
  }

  /** Stores a message; FIFO queues answer a duplicate within 5 minutes with the original's id. */
  send(queue: Queue, message: PreparedMessage, senderId: string, now: number): SendOutcome {
    if (queue.fifo && message.dedupId !== null) {
      const scope = queue.dedupPerGroup ? message.groupId! : "";
      const existing = this.findDedup.get(queue.id, scope, message.dedupId, now) as { message_id: string; seq: number } | undefined;
      if (existing) return { messageId: existing.message_id, seq: existing.seq, visibleAt: Number.POSITIVE_INFINITY };
      const outcome = this.store(queue, message, senderId, now);
      this.putDedup.run(queue.id, scope, message.dedupId, outcome.messageId, outcome.seq, now + DEDUP_WINDOW_MS);
      return outcome;
    }
    return this.store(queue, message, senderId, now);
  }

  /**
   * Stores the messages of a batch in one INSERT (prepared once per batch size) on standard queues;
   * FIFO queues deduplicate and track groups message by message. Outcomes are in input order.
   */
  sendMany(queue: Queue, prepared: PreparedMessage[], senderId: string, now: number): SendOutcome[] {
    if (queue.fifo || prepared.length < 2) return prepared.map((m) => this.send(queue, m, senderId, now));
    const statement = (this.insertMany[prepared.length] ??= this.db.sql.prepare(
      `INSERT INTO sqs_messages (queue_id, message_id, body, attributes, md5_body, md5_attributes, trace_header, md5_system,
      sender_id, sent_at, visible_at, receive_count, group_id, dedup_id, dlq_source_arn) VALUES ${new Array(prepared.length).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL)").join(", ")} RETURNING seq`,
    ).pluck());
    const values: unknown[] = [];
    const outcomes: SendOutcome[] = [];
    for (const m of prepared) {
      const messageId = randomUUID();
      const visibleAt = now + m.delaySeconds * 1000;
      values.push(queue.id, messageId, m.body, m.attributes, m.md5Body, m.md5Attributes, m.traceHeader, m.md5System, senderId, now, visibleAt, m.groupId, m.dedupId);
      outcomes.push({ messageId, seq: 0, visibleAt });
    }
    // Rows of one INSERT get increasing rowids in VALUES order.
    const seqs = (statement.all(...values) as number[]).sort((a, b) => a - b);
    for (let i = 0; i < outcomes.length; i++) outcomes[i]!.seq = seqs[i]!;
    return outcomes;
  }

  private store(queue: Queue, m: PreparedMessage, senderId: string, now: number): SendOutcome {
    const messageId = randomUUID();
    const visibleAt = now + m.delaySeconds * 1000;
    const info = this.insert.run(queue.id, messageId, m.body, m.attributes, m.md5Body, m.md5Attributes, m.traceHeader, m.md5System, senderId, now, visibleAt, m.groupId, m.dedupId, null);
    const seq = Number(info.lastInsertRowid);
    if (queue.fifo) this.addGroup.run(queue.id, m.groupId, seq);
    return { messageId, seq, visibleAt };
  }

  /**
   * Hands out up to `max` visible messages, locking each for `visibilityTimeout` seconds. Messages
   * received maxReceiveCount times already go to the dead-letter queue instead. FIFO queues hand
   * out messages in order per group and skip every group with a message in flight.
   */
  receive(queue: Queue, max: number, visibilityTimeout: number, now: number, deadLetter: Queue | undefined, attemptId?: string, withSystemAttributes = true): ReceivedMessage[] {
    this.maybeSweep(queue, now);
    if (queue.fifo && attemptId) {
      const previous = this.findAttempt.get(queue.id, attemptId, now) as string | undefined;
      if (previous !== undefined) return this.repeatAttempt(queue, JSON.parse(previous) as [number, string][], now + visibilityTimeout * 1000);
      const out = this.receive(queue, max, visibilityTimeout, now, deadLetter, undefined, withSystemAttributes);
      if (out.length) this.putAttempt.run(queue.id, attemptId, JSON.stringify(out.map((m) => [m.row.seq, m.row.receipt])), now + DEDUP_WINDOW_MS);
      return out;
    }
    const cutoff = now - queue.retentionMs;
    const limit = queue.redrive && deadLetter ? queue.redrive.maxReceiveCount : Number.POSITIVE_INFINITY;
    const out: ReceivedMessage[] = [];
    for (let round = 0; round < 10 && out.length < max; round++) {
      const variant = withSystemAttributes ? "full" : "lean";
      const rows = queue.fifo
        ? this.fifoCandidates(queue, max - out.length, now, cutoff, variant)
        : (this.selectVisible(variant, max - out.length).all(queue.id, now, cutoff) as unknown[][]).map(receivedRow);
      if (rows.length === 0) break;
      let moved = false;
      const taken: MessageRow[] = [];
      for (const row of rows) {
        if (row.receive_count >= limit) {
          this.move(this.message(row.seq)!, deadLetter!, now, queue.arn);
          moved = true;
        } else {
          taken.push(row);
        }
      }
      if (taken.length) {
        // One token per receive: the handle is (message, token), so it is still unique to this receive.
        const token = nextToken();
        const visibleAt = now + visibilityTimeout * 1000;
        this.markReceivedStatement(taken.length).run(visibleAt, now, now, token, ...taken.map((r) => r.seq));
        for (const row of taken) {
          row.visible_at = visibleAt;
          row.receive_count += 1;
          row.first_receive_at ??= now;
          row.receipt = token;
          row.received_at = now;
          out.push({ row, receiptHandle: receiptHandle(queue.id, row.seq, token) });
        }
      }
      if (!moved) break;
    }
    return out;
  }

  /** The messages of an earlier attempt still held by its receipts, with their lock renewed. */
  private repeatAttempt(queue: Queue, handles: [number, string][], visibleAt: number): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    for (const [seq, token] of handles) {
      const row = this.message(seq);
      if (!row || row.receipt !== token) continue;
      this.setVisible.run(visibleAt, seq);
      row.visible_at = visibleAt;
      out.push({ row, receiptHandle: receiptHandle(queue.id, seq, token) });
    }
    return out;
  }

  /**
   * The next FIFO messages: groups in the order of their oldest message, skipping every group with
   * a hidden (in flight or delayed) message, and as many messages of one group as fit before the next.
   */
  private fifoCandidates(queue: Queue, max: number, now: number, cutoff: number, variant: "lean" | "full"): MessageRow[] {
    const blocked = new Set(this.hiddenGroups.all(queue.id, now, cutoff) as string[]);
    const groups: string[] = [];
    for (const group of this.groupsInOrder.iterate(queue.id) as Iterable<string>) {
      if (blocked.has(group)) continue;
      groups.push(group);
      if (groups.length >= max) break;
    }
    const out: MessageRow[] = [];
    for (const group of groups) {
      for (const values of this.groupMessages(variant, max - out.length).all(queue.id, group, cutoff) as unknown[][]) out.push(receivedRow(values));
      if (out.length >= max) break;
    }
    return out;
  }

  /** Moves a message to another queue, keeping its id, body, attributes and sent time. */
  move(row: MessageRow, target: Queue, now: number, deadLetterSourceArn: string | null): void {
    this.deleteSeq.run(row.seq);
    if (row.group_id !== null) this.refreshGroup(row.queue_id, row.group_id);
    const groupId = target.fifo ? row.group_id ?? "default" : row.group_id;
    const info = this.insert.run(target.id, row.message_id, row.body, row.attributes, row.md5_body, row.md5_attributes, row.trace_header, row.md5_system,
      row.sender_id, row.sent_at, now, groupId, target.fifo ? row.dedup_id ?? row.message_id : row.dedup_id, deadLetterSourceArn);
    if (target.fifo) this.addGroup.run(target.id, groupId, Number(info.lastInsertRowid));
  }

  /** Keeps a FIFO group's head current after one of its messages left; drops the group when empty. */
  private refreshGroup(queueId: number, groupId: string): void {
    const head = this.groupHead.get(queueId, groupId) as number | null;
    if (head === null) this.removeGroup.run(queueId, groupId);
    else this.setGroupHead.run(head, queueId, groupId);
  }

  private rebuildGroups(queue: Queue): void {
    if (!queue.fifo) return;
    this.clearGroups.run(queue.id);
    this.rebuildGroupsStmt.run(queue.id);
  }

  message(seq: number): MessageRow | undefined {
    return this.bySeq.get(seq) as MessageRow | undefined;
  }

  /** Deletes the message if the handle is from its latest receive; a stale handle deletes nothing. */
  delete(queueId: number, seq: number, token: string): boolean {
    const deleted = this.deleteReceipt.get(seq, queueId, token) as { group_id: string | null } | undefined;
    if (!deleted) return false;
    if (deleted.group_id !== null) this.refreshGroup(queueId, deleted.group_id);
    return true;
  }

  /** Deletes the messages whose handles are from their latest receive, in one statement; returns how many went. */
  deleteMany(queueId: number, handles: { seq: number; token: string }[]): number {
    const statement = (this.deleteManyStatements[handles.length] ??= this.db.sql.prepare(
      // "+queue_id": without it SQLite walks the queue's whole index (every message of the queue)
      // instead of looking up each seq by rowid.
      `DELETE FROM sqs_messages WHERE +queue_id = ? AND (${new Array(handles.length).fill("(seq = ? AND receipt = ?)").join(" OR ")}) RETURNING group_id`,
    ).pluck());
    const groups = statement.all(queueId, ...handles.flatMap((h) => [h.seq, h.token])) as (string | null)[];
    for (const group of new Set(groups)) if (group !== null) this.refreshGroup(queueId, group);
    return groups.length;
  }

  setVisibleAt(seq: number, at: number): void {
    this.setVisible.run(at, seq);
  }

  counts(queue: Queue, now: number): Counts {
    this.maybeSweep(queue, now);
    return this.countStmt.get({ now, queue: queue.id, cutoff: now - queue.retentionMs }) as Counts;
  }

  /** When the next hidden message (delayed or locked) becomes visible, if any. */
  nextVisibleAt(queue: Queue, now: number): number | undefined {
    return (this.nextVisible.get(queue.id, now) as { at: number | null }).at ?? undefined;
  }

  /** Visible messages in order, for move tasks. */
  visible(queue: Queue, now: number, limit: number): MessageRow[] {
    return this.visibleInOrder.all(queue.id, now, now - queue.retentionMs, limit) as MessageRow[];
  }

  purge(queue: Queue, now: number): void {
    this.purgeStmt.run(queue.id, now);
    this.rebuildGroups(queue);
  }

  drop(queueId: number): void {
    this.dropMessages.run(queueId);
    this.dropDedup.run(queueId);
    this.dropAttempts.run(queueId);
    this.clearGroups.run(queueId);
  }

  private maybeSweep(queue: Queue, now: number): void {
    if (now - queue.sweptAt < SWEEP_INTERVAL_MS) return;
    queue.sweptAt = now;
    if (this.sweepStmt.run(queue.id, now - queue.retentionMs).changes > 0) this.rebuildGroups(queue);
    if (queue.fifo) {
      this.sweepDedup.run(queue.id, now);
      this.sweepAttempts.run(queue.id, now);
    }
  }
}

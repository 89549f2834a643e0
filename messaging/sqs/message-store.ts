import { randomBytes, randomUUID } from "node:crypto";
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
  private readonly selectVisible;
  private readonly scanOrder;
  private readonly bySeq;
  private readonly markReceived;
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

  constructor(private readonly db: Database) {
    const sql = db.sql;
    this.insert = sql.prepare(`INSERT INTO sqs_messages (queue_id, message_id, body, attributes, md5_body, md5_attributes, trace_header, md5_system,
      sender_id, sent_at, visible_at, receive_count, group_id, dedup_id, dlq_source_arn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`);
    this.selectVisible = sql.prepare("SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? LIMIT ?");
    this.scanOrder = sql.prepare("SELECT seq, group_id, visible_at, sent_at, receive_count FROM sqs_messages WHERE queue_id = ? ORDER BY seq");
    this.bySeq = sql.prepare("SELECT * FROM sqs_messages WHERE seq = ?");
    this.markReceived = sql.prepare("UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1, first_receive_at = COALESCE(first_receive_at, ?), receipt = ? WHERE seq = ?");
    this.deleteReceipt = sql.prepare("DELETE FROM sqs_messages WHERE seq = ? AND queue_id = ? AND receipt = ?");
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

  private store(queue: Queue, m: PreparedMessage, senderId: string, now: number): SendOutcome {
    const messageId = randomUUID();
    const visibleAt = now + m.delaySeconds * 1000;
    const info = this.insert.run(queue.id, messageId, m.body, m.attributes, m.md5Body, m.md5Attributes, m.traceHeader, m.md5System, senderId, now, visibleAt, m.groupId, m.dedupId, null);
    return { messageId, seq: Number(info.lastInsertRowid), visibleAt };
  }

  /**
   * Hands out up to `max` visible messages, locking each for `visibilityTimeout` seconds. Messages
   * received maxReceiveCount times already go to the dead-letter queue instead. FIFO queues hand
   * out messages in order per group and skip every group with a message in flight.
   */
  receive(queue: Queue, max: number, visibilityTimeout: number, now: number, deadLetter: Queue | undefined): ReceivedMessage[] {
    this.maybeSweep(queue, now);
    const cutoff = now - queue.retentionMs;
    const limit = queue.redrive && deadLetter ? queue.redrive.maxReceiveCount : Number.POSITIVE_INFINITY;
    const out: ReceivedMessage[] = [];
    for (let round = 0; round < 10 && out.length < max; round++) {
      const rows = queue.fifo ? this.fifoCandidates(queue, max - out.length, now, cutoff, limit) : (this.selectVisible.all(queue.id, now, cutoff, max - out.length) as MessageRow[]);
      if (rows.length === 0) break;
      let moved = false;
      for (const row of rows) {
        if (row.receive_count >= limit) {
          this.move(row, deadLetter!, now, queue.arn);
          moved = true;
          continue;
        }
        const token = randomBytes(12).toString("base64url");
        const visibleAt = now + visibilityTimeout * 1000;
        this.markReceived.run(visibleAt, now, token, row.seq);
        row.visible_at = visibleAt;
        row.receive_count += 1;
        row.first_receive_at ??= now;
        row.receipt = token;
        out.push({ row, receiptHandle: receiptHandle(queue.id, row.seq, token) });
      }
      if (!moved) break;
    }
    return out;
  }

  private fifoCandidates(queue: Queue, max: number, now: number, cutoff: number, limit: number): MessageRow[] {
    const blocked = new Set<string | null>();
    const chosen: number[] = [];
    for (const r of this.scanOrder.iterate(queue.id) as Iterable<Pick<MessageRow, "seq" | "group_id" | "visible_at" | "sent_at" | "receive_count">>) {
      if (r.sent_at <= cutoff || blocked.has(r.group_id)) continue;
      if (r.visible_at > now) {
        blocked.add(r.group_id);
        continue;
      }
      chosen.push(r.seq);
      // A message due for the dead-letter queue does not count toward the batch.
      if (r.receive_count < limit && chosen.length >= max) break;
    }
    return chosen.map((seq) => this.bySeq.get(seq) as MessageRow);
  }

  /** Moves a message to another queue, keeping its id, body, attributes and sent time. */
  move(row: MessageRow, target: Queue, now: number, deadLetterSourceArn: string | null): void {
    this.deleteSeq.run(row.seq);
    const groupId = target.fifo ? row.group_id ?? "default" : row.group_id;
    this.insert.run(target.id, row.message_id, row.body, row.attributes, row.md5_body, row.md5_attributes, row.trace_header, row.md5_system,
      row.sender_id, row.sent_at, now, groupId, target.fifo ? row.dedup_id ?? row.message_id : row.dedup_id, deadLetterSourceArn);
  }

  message(seq: number): MessageRow | undefined {
    return this.bySeq.get(seq) as MessageRow | undefined;
  }

  /** Deletes the message if the handle is from its latest receive; a stale handle deletes nothing. */
  delete(queueId: number, seq: number, token: string): boolean {
    return this.deleteReceipt.run(seq, queueId, token).changes > 0;
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
  }

  drop(queueId: number): void {
    this.dropMessages.run(queueId);
    this.dropDedup.run(queueId);
  }

  private maybeSweep(queue: Queue, now: number): void {
    if (now - queue.sweptAt < SWEEP_INTERVAL_MS) return;
    queue.sweptAt = now;
    this.sweepStmt.run(queue.id, now - queue.retentionMs);
    if (queue.fifo) this.sweepDedup.run(queue.id, now);
  }
}

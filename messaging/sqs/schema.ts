/**
 * SQS tables. A message's state is derived from its timestamps and the clock: visible when
 * visible_at <= now (delays and visibility locks both just move visible_at), in flight when
 * additionally it has been received, gone once sent_at is older than the retention period.
 * The receipt column holds the token of the latest receive, so older receipt handles go stale.
 * Migrations only ever get appended: data directories keep the version they reached.
 */
export const SQS_MIGRATIONS = [
  `CREATE TABLE sqs_queues (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, fifo INTEGER NOT NULL,
    attributes TEXT NOT NULL, tags TEXT NOT NULL, created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, purged_at INTEGER,
    UNIQUE (account, region, name))`,
  `CREATE TABLE sqs_messages (
    seq INTEGER PRIMARY KEY, queue_id INTEGER NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
    attributes TEXT, md5_body TEXT NOT NULL, md5_attributes TEXT, trace_header TEXT, md5_system TEXT,
    sender_id TEXT NOT NULL, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0, first_receive_at INTEGER, receipt TEXT,
    group_id TEXT, dedup_id TEXT, dlq_source_arn TEXT)`,
  "CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at)",
  "CREATE INDEX sqs_messages_order ON sqs_messages (queue_id, seq)",
  `CREATE TABLE sqs_dedup (queue_id INTEGER NOT NULL, scope TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL,
    seq INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (queue_id, scope, dedup_id))`,
  `CREATE TABLE sqs_move_tasks (handle TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, source_arn TEXT NOT NULL,
    destination_arn TEXT, rate INTEGER, status TEXT NOT NULL, moved INTEGER NOT NULL, to_move INTEGER NOT NULL,
    started_at INTEGER NOT NULL, failure_reason TEXT)`,
  // FIFO receives walk groups, not messages: each group with the sequence of its oldest message, so
  // a receive finds the next groups in order without reading the messages of groups in flight.
  "DROP INDEX sqs_messages_order",
  "CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL",
  "CREATE TABLE sqs_fifo_groups (queue_id INTEGER NOT NULL, group_id TEXT NOT NULL, head_seq INTEGER NOT NULL, PRIMARY KEY (queue_id, group_id))",
  "CREATE INDEX sqs_fifo_groups_order ON sqs_fifo_groups (queue_id, head_seq)",
  `INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq)
    SELECT m.queue_id, m.group_id, MIN(m.seq) FROM sqs_messages m JOIN sqs_queues q ON q.id = m.queue_id
    WHERE q.fifo = 1 AND m.group_id IS NOT NULL GROUP BY m.queue_id, m.group_id`,
  // FIFO receive attempts: a retried ReceiveMessage with the same ReceiveRequestAttemptId gets the
  // same messages and receipt handles back for five minutes.
  `CREATE TABLE sqs_receive_attempts (queue_id INTEGER NOT NULL, attempt_id TEXT NOT NULL, handles TEXT NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (queue_id, attempt_id))`,
  // When the current receive happened: a lock can be extended to at most 12 hours after it.
  "ALTER TABLE sqs_messages ADD COLUMN received_at INTEGER",
];

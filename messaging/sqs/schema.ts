/**
 * SQS tables. A message's state is derived from its timestamps and the clock: visible when
 * visible_at <= now (delays and visibility locks both just move visible_at), in flight when
 * additionally it has been received, gone once sent_at is older than the retention period.
 * The receipt column holds the token of the latest receive, so older receipt handles go stale.
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
  "CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL",
  // FIFO queues only: each message group with the sequence of its oldest message, so a receive
  // finds the next groups in order without walking the messages of groups that are in flight.
  "CREATE TABLE sqs_fifo_groups (queue_id INTEGER NOT NULL, group_id TEXT NOT NULL, head_seq INTEGER NOT NULL, PRIMARY KEY (queue_id, group_id))",
  "CREATE INDEX sqs_fifo_groups_order ON sqs_fifo_groups (queue_id, head_seq)",
  `CREATE TABLE sqs_dedup (queue_id INTEGER NOT NULL, scope TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL,
    seq INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (queue_id, scope, dedup_id))`,
  // FIFO receive attempts: a retried ReceiveMessage with the same ReceiveRequestAttemptId gets the
  // same messages and receipt handles back for five minutes.
  `CREATE TABLE sqs_receive_attempts (queue_id INTEGER NOT NULL, attempt_id TEXT NOT NULL, handles TEXT NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (queue_id, attempt_id))`,
  `CREATE TABLE sqs_move_tasks (handle TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, source_arn TEXT NOT NULL,
    destination_arn TEXT, rate INTEGER, status TEXT NOT NULL, moved INTEGER NOT NULL, to_move INTEGER NOT NULL,
    started_at INTEGER NOT NULL, failure_reason TEXT)`,
];

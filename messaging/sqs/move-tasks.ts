import { randomUUID } from "node:crypto";
import type { ListMessageMoveTasksResultEntry, StartMessageMoveTaskRequest } from "@aws-sdk/client-sqs";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Database } from "../../storage/state/database.js";
import { SqsErrors } from "./errors.js";
import type { LongPoll } from "./long-poll.js";
import type { MessageStore } from "./message-store.js";
import type { QueueStore } from "./queue-store.js";

interface TaskRow {
  handle: string;
  account: string;
  region: string;
  source_arn: string;
  destination_arn: string | null;
  rate: number | null;
  status: string;
  moved: number;
  to_move: number;
  started_at: number;
  failure_reason: string | null;
}

/** Default pace when the caller sets no MaxNumberOfMessagesPerSecond (AWS's system-optimised rate). */
const DEFAULT_RATE = 500;

/**
 * Message move tasks (dead-letter queue redrive). A task's progress is derived from its start time,
 * its rate and the clock: whenever someone looks (list, cancel, a receive, queue counts), the
 * messages due by now are moved, so no timer drives state.
 */
export class MoveTasks {
  private running = 0;
  private readonly insert;
  private readonly byHandle;
  private readonly bySource;
  private readonly active;
  private readonly update;
  private readonly countRunning;

  constructor(db: Database, private readonly queues: QueueStore, private readonly messages: MessageStore, private readonly longPoll: LongPoll) {
    const sql = db.sql;
    this.insert = sql.prepare(`INSERT INTO sqs_move_tasks (handle, account, region, source_arn, destination_arn, rate, status, moved, to_move, started_at)
      VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', 0, ?, ?)`);
    this.byHandle = sql.prepare("SELECT * FROM sqs_move_tasks WHERE handle = ?");
    this.bySource = sql.prepare("SELECT * FROM sqs_move_tasks WHERE source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?");
    this.active = sql.prepare("SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING'");
    this.update = sql.prepare("UPDATE sqs_move_tasks SET status = ?, moved = ?, failure_reason = ? WHERE handle = ?");
    this.countRunning = sql.prepare("SELECT COUNT(*) AS n FROM sqs_move_tasks WHERE status = 'RUNNING'");
    this.db = db;
    this.reset();
  }

  private readonly db: Database;

  reset(): void {
    this.running = (this.countRunning.get() as { n: number }).n;
  }

  start(input: StartMessageMoveTaskRequest, ctx: OperationContext, now: number): string {
    const sourceArn = input.SourceArn ?? "";
    const source = this.queues.byArn(sourceArn);
    if (!source) throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    const isDeadLetter = this.queues.names(source.account, source.region)
      .some((n) => this.queues.get(source.account, source.region, n)?.redrive?.deadLetterTargetArn === source.arn);
    if (!isDeadLetter) throw SqsErrors.invalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
    if (input.DestinationArn !== undefined && !this.queues.byArn(input.DestinationArn)) {
      throw SqsErrors.resourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw SqsErrors.invalidParameter("MaxNumberOfMessagesPerSecond", rate, "Must be between 1 and 500.");
    }
    this.progress(now);
    if ((this.bySource.all(sourceArn, 10) as TaskRow[]).some((t) => t.status === "RUNNING")) {
      throw SqsErrors.unsupportedOperation("There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
    }
    const handle = Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString("base64");
    const toMove = this.messages.counts(source, now).visible;
    void ctx;
    this.insert.run(handle, source.account, source.region, sourceArn, input.DestinationArn ?? null, rate ?? null, toMove, now);
    this.running++;
    this.progress(now);
    return handle;
  }

  cancel(handle: string, now: number): number {
    this.progress(now);
    const task = this.byHandle.get(handle) as TaskRow | undefined;
    if (!task) throw SqsErrors.resourceNotFound("Task does not exist.");
    if (task.status !== "RUNNING") throw SqsErrors.unsupportedOperation("Only a running task can be cancelled.");
    this.update.run("CANCELLED", task.moved, null, handle);
    this.running--;
    return task.moved;
  }

  list(sourceArn: string, max: number, now: number): ListMessageMoveTasksResultEntry[] {
    if (!this.queues.byArn(sourceArn)) throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    this.progress(now);
    return (this.bySource.all(sourceArn, max) as TaskRow[]).map((t) => ({
      TaskHandle: t.status === "RUNNING" ? t.handle : undefined,
      Status: t.status,
      SourceArn: t.source_arn,
      DestinationArn: t.destination_arn ?? undefined,
      MaxNumberOfMessagesPerSecond: t.rate ?? undefined,
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.to_move,
      FailureReason: t.failure_reason ?? undefined,
      StartedTimestamp: t.started_at,
    }));
  }

  /** Moves whatever running tasks were due to have moved by `now`. */
  progress(now: number): void {
    if (this.running === 0) return;
    this.db.transaction(() => {
      for (const task of this.active.all() as TaskRow[]) this.advance(task, now);
    });
  }

  private advance(task: TaskRow, now: number): void {
    const source = this.queues.byArn(task.source_arn);
    const due = Math.min(task.to_move, Math.floor(((now - task.started_at) / 1000) * (task.rate ?? DEFAULT_RATE)) + (task.rate ? 0 : task.to_move));
    let moved = task.moved;
    let failure: string | null = null;
    if (source && moved < due) {
      for (const row of this.messages.visible(source, now, due - moved)) {
        const arn = task.destination_arn ?? row.dlq_source_arn;
        const target = arn ? this.queues.byArn(arn) : undefined;
        if (!target) {
          failure = "AWS.SimpleQueueService.NonExistentQueue";
          break;
        }
        this.messages.move(row, target, now, null);
        if (this.longPoll.hasWaiters(target.id)) this.longPoll.notify(target.id);
        moved++;
      }
    }
    const finished = failure !== null || !source || moved >= task.to_move || (moved < due && moved === task.moved);
    if (finished) this.running--;
    this.update.run(failure || !source ? "FAILED" : finished ? "COMPLETED" : "RUNNING", moved, failure ?? (source ? null : "AWS.SimpleQueueService.NonExistentQueue"), task.handle);
  }
}

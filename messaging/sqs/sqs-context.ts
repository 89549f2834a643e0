import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { Clock } from "../../storage/state/clock.js";
import type { Database } from "../../storage/state/database.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { SqsErrors } from "./errors.js";
import { LongPoll } from "./long-poll.js";
import { MessageStore } from "./message-store.js";
import { MoveTasks } from "./move-tasks.js";
import { SQS_MIGRATIONS } from "./schema.js";
import type { Queue } from "./queue-store.js";
import { queueArn, QueueStore } from "./queue-store.js";
import { authorizeQueue } from "./queue-access.js";
import { parseQueueUrl } from "./queue-url.js";

/** What the SQS handlers share: the stores, the long-poll waiters, move tasks and the clock. */
export interface SqsContext {
  db: Database;
  clock: Clock;
  queues: QueueStore;
  messages: MessageStore;
  longPoll: LongPoll;
  tasks: MoveTasks;
  /** The queue a QueueUrl names (any host), if the caller may perform the request's operation on it; else QueueDoesNotExist or AccessDenied. */
  resolve(queueUrl: string | undefined, ctx: OperationContext): Queue;
  /** Drops cached QueueUrl lookups, after a queue went away. */
  forgetUrls(): void;
  /** The QueueUrl as this caller reaches it: the host and port the request came to. */
  url(ctx: OperationContext, queue: Queue): string;
  /** Tells long polls on the queue that `count` messages arrived (or will, at `visibleAt`). */
  wakeAfterSend(queue: Queue, visibleAt: number, count?: number): void;
}

export function createSqsContext(env: DomainEnvironment): SqsContext {
  env.db.registerSchema("sqs", SQS_MIGRATIONS);
  const { db, clock } = env;
  const queues = new QueueStore(db);
  const messages = new MessageStore(db);
  const longPoll = new LongPoll(clock);
  const tasks = new MoveTasks(db, queues, messages, longPoll);
  // QueueUrl -> queue for the hot paths; emptied whenever a queue goes away.
  const byUrl = new Map<string, Queue>();

  return {
    db,
    clock,
    queues,
    messages,
    longPoll,
    tasks,
    resolve(queueUrl, ctx) {
      if (!queueUrl) throw SqsErrors.missingParameter("QueueUrl");
      const key = `${ctx.account}\n${ctx.region}\n${queueUrl}`;
      let queue = byUrl.get(key);
      if (!queue) {
        const parsed = parseQueueUrl(queueUrl, ctx.account, ctx.region);
        queue = parsed && queues.get(parsed.account, parsed.region, parsed.name);
        if (!queue) {
          // Another account's queue is authorized before it is looked up, as on AWS: no policy, no answer about it.
          if (parsed && parsed.account !== ctx.account) authorizeQueue({ account: parsed.account, arn: queueArn(parsed.region, parsed.account, parsed.name), policy: null }, ctx, clock.now());
          throw SqsErrors.queueDoesNotExist();
        }
        if (byUrl.size >= 10_000) byUrl.clear();
        byUrl.set(key, queue);
      }
      authorizeQueue(queue, ctx, clock.now());
      return queue;
    },
    forgetUrls() {
      byUrl.clear();
    },
    url(ctx, queue) {
      return `${ctx.baseUrl}/${queue.account}/${encodeURIComponent(queue.name)}`;
    },
    wakeAfterSend(queue, visibleAt, count = 1) {
      if (!longPoll.hasWaiters(queue.id)) return;
      if (visibleAt <= clock.now()) longPoll.notify(queue.id, count);
      else longPoll.wakeAt(queue.id, visibleAt);
    },
  };
}

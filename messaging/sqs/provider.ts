import type * as Sqs from "@aws-sdk/client-sqs";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { SqsErrors } from "./errors.js";
import type { MessageInput } from "./message-input.js";
import { prepareMessage } from "./message-input.js";
import type { QueueDelivery, QueueMessage } from "./queue-delivery.js";
import { checkRange } from "./request-checks.js";
import { createSqsContext } from "./sqs-context.js";
import type { DeliverySource } from "./queue-access.js";
import { authorizeQueue, deliveryDecision } from "./queue-access.js";
import { queueHandlers } from "./queue-handlers.js";
import { messageHandlers } from "./message-handlers.js";

/** The SQS provider, plus the narrow interface other modules (SNS, S3 notifications) deliver through. */
export interface SqsProvider extends ServiceProvider {
  delivery: QueueDelivery;
}

/** SQS: standard and FIFO queues, visibility locks, long polling, delays, retention, dead letters. */
export function createSqsProvider(env: DomainEnvironment): SqsProvider {
  const sqs = createSqsContext(env);
  const { clock, queues, longPoll, tasks } = sqs;
  const { handlers: forMessages, sendOne } = messageHandlers(sqs);

  /**
   * Move tasks name queues by ARN: the caller must be allowed the operation on the queue (another
   * account's queue that does not exist is refused as if it did, like QueueUrls).
   */
  function authorizeArn(arn: string | undefined, ctx: OperationContext, operation = ctx.operation): void {
    if (!arn) return;
    const queue = queues.byArn(arn);
    const account = arn.split(":")[4] ?? "";
    if (queue) authorizeQueue(queue, ctx, clock.now(), operation);
    // What is not a queue ARN at all is left to the task's own ResourceNotFound.
    else if (/^\d{12}$/.test(account) && account !== ctx.account) authorizeQueue({ account, arn, policy: null }, ctx, clock.now(), operation);
  }

  /** The source queue a task handle was issued for (handles carry it), if the handle is one of ours. */
  function taskSource(handle: string | undefined): string | undefined {
    try {
      const sourceArn = (JSON.parse(Buffer.from(handle ?? "", "base64").toString("utf8")) as { sourceArn?: unknown }).sourceArn;
      return typeof sourceArn === "string" ? sourceArn : undefined;
    } catch {
      return undefined;
    }
  }

  function deliver(queueArn: string, message: QueueMessage, source?: DeliverySource): string {
    const queue = queues.byArn(queueArn);
    if (!queue) throw SqsErrors.queueDoesNotExist();
    if (source) {
      const decision = deliveryDecision(queue, source, clock.now());
      if (decision !== "Allow") throw SqsErrors.deliveryDenied(queue, decision === "Deny" ? "explicit" : "none");
    }
    const input: MessageInput = {
      MessageBody: message.body,
      MessageAttributes: message.attributes as MessageInput["MessageAttributes"],
      MessageGroupId: message.messageGroupId,
      MessageDeduplicationId: message.messageDeduplicationId,
    };
    return sendOne(queue, prepareMessage(queue, input), queue.account).MessageId!;
  }

  return {
    delivery: { deliver },
    reset() {
      sqs.forgetUrls();
      queues.clear();
      longPoll.clear();
      tasks.reset();
    },
    close() {
      // Waiters wake to an unknown queue and answer empty instead of touching a closing database.
      sqs.forgetUrls();
      queues.clear();
      longPoll.clear();
    },
    handlers: {
      ...queueHandlers(sqs),
      ...forMessages,

      StartMessageMoveTask(input: Sqs.StartMessageMoveTaskRequest, ctx: OperationContext): Sqs.StartMessageMoveTaskResult {
        authorizeArn(input.SourceArn, ctx);
        if (input.DestinationArn !== undefined) authorizeArn(input.DestinationArn, ctx, "SendMessage");
        return { TaskHandle: tasks.start(input, ctx, clock.now()) };
      },

      CancelMessageMoveTask(input: Sqs.CancelMessageMoveTaskRequest, ctx: OperationContext): Sqs.CancelMessageMoveTaskResult {
        authorizeArn(taskSource(input.TaskHandle), ctx);
        return { ApproximateNumberOfMessagesMoved: tasks.cancel(input.TaskHandle ?? "", clock.now()) };
      },

      ListMessageMoveTasks(input: Sqs.ListMessageMoveTasksRequest, ctx: OperationContext): Sqs.ListMessageMoveTasksResult {
        checkRange("MaxResults", input.MaxResults, 1, 10, "MaxResults must be between 1 and 10.");
        authorizeArn(input.SourceArn, ctx);
        return { Results: tasks.list(input.SourceArn ?? "", input.MaxResults ?? 1, clock.now()) };
      },
    },
  };
}

import type * as Sqs from "@aws-sdk/client-sqs";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { SqsErrors } from "./errors.js";
import type { MessageInput } from "./message-input.js";
import { prepareMessage } from "./message-input.js";
import type { QueueDelivery, QueueMessage } from "./queue-delivery.js";
import { checkRange } from "./request-checks.js";
import { createSqsContext } from "./sqs-context.js";
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

  function deliver(queueArn: string, message: QueueMessage): string {
    const queue = queues.byArn(queueArn);
    if (!queue) throw SqsErrors.queueDoesNotExist();
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
        return { TaskHandle: tasks.start(input, ctx, clock.now()) };
      },

      CancelMessageMoveTask(input: Sqs.CancelMessageMoveTaskRequest): Sqs.CancelMessageMoveTaskResult {
        return { ApproximateNumberOfMessagesMoved: tasks.cancel(input.TaskHandle ?? "", clock.now()) };
      },

      ListMessageMoveTasks(input: Sqs.ListMessageMoveTasksRequest): Sqs.ListMessageMoveTasksResult {
        checkRange("MaxResults", input.MaxResults, 1, 10, "MaxResults must be between 1 and 10.");
        return { Results: tasks.list(input.SourceArn ?? "", input.MaxResults ?? 1, clock.now()) };
      },
    },
  };
}

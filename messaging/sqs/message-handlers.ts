import type * as Sqs from "@aws-sdk/client-sqs";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { SqsErrors } from "./errors.js";
import type { Queue } from "./queue-store.js";
import { parseReceiptHandle, sequenceNumber } from "./message-store.js";
import type { MessageRow } from "./message-store.js";
import type { PreparedMessage } from "./message-input.js";
import { decodeAttributes, prepareMessage } from "./message-input.js";
import { md5OfAttributes } from "./message-md5.js";
import type { StoredAttribute } from "./message-md5.js";
import { ALL_ATTRIBUTE_NAMES, MAX_MESSAGE_SIZE } from "./queue-attributes.js";
import type { BatchFailure } from "./request-checks.js";
import { checkBatch, checkRange, failure } from "./request-checks.js";
import type { SqsContext } from "./sqs-context.js";

const SYSTEM_ATTRIBUTE_NAMES = new Set([
  "All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
  "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
]);

const NO_NAMES: ReadonlySet<string> = new Set();

/** Message operations: send, receive with visibility locks and long polling, delete, change visibility. */
export function messageHandlers(sqs: SqsContext) {
  const { db, clock, queues, messages, longPoll, tasks } = sqs;
  const resolve = sqs.resolve;
  const wakeAfterSend = sqs.wakeAfterSend;

  function sendOne(queue: Queue, prepared: PreparedMessage, senderId: string): Sqs.SendMessageResult {
    const outcome = queue.fifo ? db.transaction(() => messages.send(queue, prepared, senderId, clock.now())) : messages.send(queue, prepared, senderId, clock.now());
    wakeAfterSend(queue, outcome.visibleAt);
    return {
      MD5OfMessageBody: prepared.md5Body,
      MD5OfMessageAttributes: prepared.md5Attributes ?? undefined,
      MD5OfMessageSystemAttributes: prepared.md5System ?? undefined,
      MessageId: outcome.messageId,
      SequenceNumber: queue.fifo ? sequenceNumber(outcome.seq) : undefined,
    };
  }

  function systemAttributes(queue: Queue, row: MessageRow, wanted: ReadonlySet<string>): Record<string, string> | undefined {
    if (wanted.size === 0) return undefined;
    const all = wanted.has("All");
    const out: Record<string, string> = {};
    const want = (name: string) => all || wanted.has(name);
    if (want("SenderId")) out.SenderId = row.sender_id;
    if (want("SentTimestamp")) out.SentTimestamp = String(row.sent_at);
    if (want("ApproximateReceiveCount")) out.ApproximateReceiveCount = String(row.receive_count);
    if (want("ApproximateFirstReceiveTimestamp")) out.ApproximateFirstReceiveTimestamp = String(row.first_receive_at ?? row.sent_at);
    if (queue.fifo) {
      if (want("SequenceNumber")) out.SequenceNumber = sequenceNumber(row.seq);
      if (want("MessageDeduplicationId") && row.dedup_id !== null) out.MessageDeduplicationId = row.dedup_id;
    }
    if (want("MessageGroupId") && row.group_id !== null) out.MessageGroupId = row.group_id;
    if (want("AWSTraceHeader") && row.trace_header !== null) out.AWSTraceHeader = row.trace_header;
    if (want("DeadLetterQueueSourceArn") && row.dlq_source_arn !== null) out.DeadLetterQueueSourceArn = row.dlq_source_arn;
    return Object.keys(out).length ? out : undefined;
  }

  function messageAttributes(row: MessageRow, names: string[] | undefined): { attributes?: Record<string, Sqs.MessageAttributeValue>; md5?: string } {
    if (row.attributes === null || !names || names.length === 0) return {};
    const stored = decodeAttributes(row.attributes);
    if (names.includes("All") || names.includes(".*")) return { attributes: stored as Record<string, Sqs.MessageAttributeValue>, md5: row.md5_attributes ?? undefined };
    const picked: Record<string, StoredAttribute> = {};
    for (const [name, value] of Object.entries(stored)) {
      if (names.some((n) => (n.endsWith(".*") ? name.startsWith(n.slice(0, -1)) : n === name))) picked[name] = value;
    }
    return Object.keys(picked).length ? { attributes: picked as Record<string, Sqs.MessageAttributeValue>, md5: md5OfAttributes(picked) } : {};
  }

  function receiveNow(queue: Queue, max: number, visibilityTimeout: number, input: Sqs.ReceiveMessageRequest): Sqs.Message[] {
    const deadLetter = queue.redrive ? queues.byArn(queue.redrive.deadLetterTargetArn) : undefined;
    const wanted = input.AttributeNames || input.MessageSystemAttributeNames ? new Set<string>([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]) : NO_NAMES;
    const received = db.transaction(() => messages.receive(queue, max, visibilityTimeout, clock.now(), deadLetter, input.ReceiveRequestAttemptId, wanted.size > 0));
    if (deadLetter && longPoll.hasWaiters(deadLetter.id)) longPoll.notify(deadLetter.id, 10);
    if (received.length === 0) return [];
    return received.map(({ row, receiptHandle }) => {
      const { attributes, md5 } = messageAttributes(row, input.MessageAttributeNames);
      return {
        MessageId: row.message_id,
        ReceiptHandle: receiptHandle,
        MD5OfBody: row.md5_body,
        Body: row.body,
        Attributes: systemAttributes(queue, row, wanted),
        MD5OfMessageAttributes: md5,
        MessageAttributes: attributes,
      };
    });
  }

  function changeVisibility(queue: Queue, receiptHandle: string | undefined, timeout: number | undefined): void {
    const handle = parseReceiptHandle(receiptHandle ?? "");
    if (!handle || handle.queueId !== queue.id) throw SqsErrors.receiptHandleIsInvalid(receiptHandle ?? "");
    if (timeout === undefined || timeout === null) throw SqsErrors.missingParameter("VisibilityTimeout");
    checkRange("VisibilityTimeout", timeout, 0, 43_200, "Must be between 0 and 43200, if provided.");
    const now = clock.now();
    const row = messages.message(handle.seq);
    if (!row || row.queue_id !== queue.id) {
      throw SqsErrors.invalidParameter("ReceiptHandle", receiptHandle, "Message does not exist or is not available for visibility timeout change.");
    }
    if (row.receipt !== handle.token) throw SqsErrors.invalidParameter("ReceiptHandle", receiptHandle, "The receipt handle has expired.");
    if (row.visible_at <= now) throw SqsErrors.messageNotInflight();
    if (row.received_at !== null && now + timeout * 1000 - row.received_at > 43_200_000) {
      throw SqsErrors.invalidParameter("VisibilityTimeout", timeout, "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]");
    }
    const visibleAt = now + timeout * 1000;
    messages.setVisibleAt(row.seq, visibleAt);
    if (longPoll.hasWaiters(queue.id)) {
      if (timeout === 0) longPoll.notify(queue.id);
      else longPoll.wakeAt(queue.id, visibleAt);
    }
  }

  function checkAttributeName(name: string): void {
    if (!SYSTEM_ATTRIBUTE_NAMES.has(name) && !ALL_ATTRIBUTE_NAMES.has(name)) throw SqsErrors.invalidAttributeName(name);
  }

  /** A long poll: waits until a send, a visibility change or the clock makes messages receivable, or the wait ends. */
  async function receiveAfterWait(first: Queue, max: number, wait: number, input: Sqs.ReceiveMessageRequest, ctx: OperationContext): Promise<Sqs.ReceiveMessageResult> {
    let queue = first;
    const deadline = clock.now() + wait * 1000;
    for (;;) {
      const next = messages.nextVisibleAt(queue, clock.now());
      const waiting = longPoll.wait(queue.id, deadline, ctx.signal);
      if (next !== undefined && next < deadline) longPoll.wakeAt(queue.id, next);
      const reason = await waiting;
      const current = queues.getById(queue.id);
      if (!current || reason === "abort") return {};
      queue = current;
      const found = receiveNow(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout, input);
      if (found.length || reason === "timeout" || clock.now() >= deadline) return { Messages: found.length ? found : undefined };
    }
  }

  const handlers = {
      SendMessage(input: Sqs.SendMessageRequest, ctx: OperationContext): Sqs.SendMessageResult {
        const queue = resolve(input.QueueUrl, ctx);
        return sendOne(queue, prepareMessage(queue, input), ctx.caller.userId);
      },

      SendMessageBatch(input: Sqs.SendMessageBatchRequest, ctx: OperationContext): Sqs.SendMessageBatchResult {
        const queue = resolve(input.QueueUrl, ctx);
        const entries = checkBatch(input.Entries, "SendMessageBatchRequestEntry");
        let total = 0;
        for (const e of entries) {
          total += Buffer.byteLength(e.MessageBody ?? "", "utf8");
          for (const [name, a] of Object.entries(e.MessageAttributes ?? {})) {
            total += Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? "") + (a.BinaryValue?.length ?? Buffer.byteLength(a.StringValue ?? ""));
          }
        }
        if (total > MAX_MESSAGE_SIZE) throw SqsErrors.batchTooLong(MAX_MESSAGE_SIZE, total);
        const Successful: Sqs.SendMessageBatchResultEntry[] = [];
        const Failed: BatchFailure[] = [];
        let firstVisible = Number.POSITIVE_INFINITY;
        const accepted: { id: string; prepared: PreparedMessage }[] = [];
        for (const entry of entries) {
          try {
            accepted.push({ id: entry.Id!, prepared: prepareMessage(queue, entry) });
          } catch (error) {
            Failed.push(failure(entry.Id!, error));
          }
        }
        if (accepted.length) {
          const outcomes = db.transaction(() => messages.sendMany(queue, accepted.map((a) => a.prepared), ctx.caller.userId, clock.now()));
          for (let i = 0; i < accepted.length; i++) {
            const { id, prepared } = accepted[i]!;
            const outcome = outcomes[i]!;
            firstVisible = Math.min(firstVisible, outcome.visibleAt);
            Successful.push({
              Id: id,
              MessageId: outcome.messageId,
              MD5OfMessageBody: prepared.md5Body,
              MD5OfMessageAttributes: prepared.md5Attributes ?? undefined,
              MD5OfMessageSystemAttributes: prepared.md5System ?? undefined,
              SequenceNumber: queue.fifo ? sequenceNumber(outcome.seq) : undefined,
            });
          }
        }
        if (Successful.length) wakeAfterSend(queue, firstVisible, Successful.length);
        return { Successful, Failed };
      },

      /** Answers at once when messages are there (or nobody wants to wait); only a wait goes async. */
      ReceiveMessage(input: Sqs.ReceiveMessageRequest, ctx: OperationContext): Sqs.ReceiveMessageResult | Promise<Sqs.ReceiveMessageResult> {
        const queue = resolve(input.QueueUrl, ctx);
        checkRange("MaxNumberOfMessages", input.MaxNumberOfMessages, 1, 10, "Must be between 1 and 10, if provided.");
        checkRange("VisibilityTimeout", input.VisibilityTimeout, 0, 43_200, "Must be between 0 and 43200, if provided.");
        checkRange("WaitTimeSeconds", input.WaitTimeSeconds, 0, 20, "Must be >= 0 and <= 20, if provided.");
        if (input.AttributeNames) for (const name of input.AttributeNames) checkAttributeName(name);
        if (input.MessageSystemAttributeNames) for (const name of input.MessageSystemAttributeNames) checkAttributeName(name);
        const max = input.MaxNumberOfMessages ?? 1;
        const wait = input.WaitTimeSeconds ?? queue.waitSeconds;
        tasks.progress(clock.now());
        const found = receiveNow(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout, input);
        if (found.length || wait === 0) return { Messages: found.length ? found : undefined };
        return receiveAfterWait(queue, max, wait, input, ctx);
      },

      DeleteMessage(input: Sqs.DeleteMessageRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const handle = parseReceiptHandle(input.ReceiptHandle ?? "");
        if (!handle || handle.queueId !== queue.id) throw SqsErrors.receiptHandleIsInvalid(input.ReceiptHandle ?? "");
        if (messages.delete(queue.id, handle.seq, handle.token) && queue.fifo) longPoll.notify(queue.id);
        return {};
      },

      DeleteMessageBatch(input: Sqs.DeleteMessageBatchRequest, ctx: OperationContext): Sqs.DeleteMessageBatchResult {
        const queue = resolve(input.QueueUrl, ctx);
        const entries = checkBatch(input.Entries, "DeleteMessageBatchRequestEntry");
        const Successful: Sqs.DeleteMessageBatchResultEntry[] = [];
        const Failed: BatchFailure[] = [];
        const valid: { seq: number; token: string }[] = [];
        for (const entry of entries) {
          const handle = parseReceiptHandle(entry.ReceiptHandle ?? "");
          if (!handle || handle.queueId !== queue.id) {
            Failed.push(failure(entry.Id!, SqsErrors.receiptHandleIsInvalid(entry.ReceiptHandle ?? "")));
            continue;
          }
          valid.push(handle);
          Successful.push({ Id: entry.Id! });
        }
        const deleted = valid.length ? db.transaction(() => messages.deleteMany(queue.id, valid)) : 0;
        if (deleted && queue.fifo) longPoll.notify(queue.id, deleted);
        return { Successful, Failed };
      },

      ChangeMessageVisibility(input: Sqs.ChangeMessageVisibilityRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        changeVisibility(queue, input.ReceiptHandle, input.VisibilityTimeout);
        return {};
      },

      ChangeMessageVisibilityBatch(input: Sqs.ChangeMessageVisibilityBatchRequest, ctx: OperationContext): Sqs.ChangeMessageVisibilityBatchResult {
        const queue = resolve(input.QueueUrl, ctx);
        const entries = checkBatch(input.Entries, "ChangeMessageVisibilityBatchRequestEntry");
        const Successful: Sqs.ChangeMessageVisibilityBatchResultEntry[] = [];
        const Failed: BatchFailure[] = [];
        db.transaction(() => {
          for (const entry of entries) {
            try {
              changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout);
              Successful.push({ Id: entry.Id! });
            } catch (error) {
              Failed.push(failure(entry.Id!, error));
            }
          }
        });
        return { Successful, Failed };
      },
  };
  return { handlers, sendOne };
}

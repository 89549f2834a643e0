import type * as Sqs from "@aws-sdk/client-sqs";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { SqsErrors } from "./errors.js";
import { SQS_MIGRATIONS } from "./schema.js";
import type { Queue } from "./queue-store.js";
import { QueueStore } from "./queue-store.js";
import { MessageStore, parseReceiptHandle, sequenceNumber } from "./message-store.js";
import type { MessageRow } from "./message-store.js";
import { LongPoll } from "./long-poll.js";
import type { MessageInput, PreparedMessage } from "./message-input.js";
import { decodeAttributes, prepareMessage } from "./message-input.js";
import { md5OfAttributes } from "./message-md5.js";
import type { StoredAttribute } from "./message-md5.js";
import { ALL_ATTRIBUTE_NAMES, MAX_MESSAGE_SIZE, defaultAttributes, parseRedriveAllowPolicy, parseRedrivePolicy, validateAttributes } from "./queue-attributes.js";
import { parseQueueUrl } from "./queue-url.js";
import type { QueueDelivery, QueueMessage } from "./queue-delivery.js";
import { MoveTasks } from "./move-tasks.js";

/** The SQS provider, plus the narrow interface other modules (SNS, S3 notifications) deliver through. */
export interface SqsProvider extends ServiceProvider {
  delivery: QueueDelivery;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const SYSTEM_ATTRIBUTE_NAMES = new Set([
  "All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
  "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
]);

type BatchFailure = { Id: string; SenderFault: boolean; Code: string; Message: string };

const failure = (id: string, error: unknown): BatchFailure => {
  if (error instanceof ServiceError) return { Id: id, SenderFault: error.fault === "Sender", Code: error.code, Message: error.message };
  throw error;
};

function checkRange(name: string, value: number | undefined, min: number, max: number, reason: string): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < min || value > max) throw SqsErrors.invalidParameter(name, value, reason);
}

function checkBatch<T extends { Id?: string }>(entries: T[] | undefined, entryName: string): T[] {
  if (!entries || entries.length === 0) throw SqsErrors.emptyBatch(entryName);
  if (entries.length > 10) throw SqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id ?? "";
    if (!BATCH_ID.test(id)) throw SqsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw SqsErrors.idsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

function encodeToken(value: string): string {
  return Buffer.from(JSON.stringify({ after: value })).toString("base64");
}

function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { after?: unknown }).after;
    if (typeof after === "string") return after;
  } catch {
    // fall through
  }
  throw SqsErrors.invalidParameterValue("Invalid NextToken value.");
}

/** SQS: standard and FIFO queues, visibility locks, long polling, delays, retention, dead letters. */
export function createSqsProvider(env: DomainEnvironment): SqsProvider {
  env.db.registerSchema("sqs", SQS_MIGRATIONS);
  const { db, clock } = env;
  const queues = new QueueStore(db);
  const messages = new MessageStore(db);
  const longPoll = new LongPoll(clock);
  const tasks = new MoveTasks(db, queues, messages, longPoll);

  const url = (ctx: OperationContext, queue: Queue): string => `${ctx.baseUrl}/${queue.account}/${encodeURIComponent(queue.name)}`;

  // QueueUrl -> queue for the hot paths; emptied whenever a queue goes away.
  const byUrl = new Map<string, Queue>();

  function resolve(queueUrl: string | undefined, ctx: OperationContext): Queue {
    if (!queueUrl) throw SqsErrors.missingParameter("QueueUrl");
    const key = `${ctx.account}\n${ctx.region}\n${queueUrl}`;
    const known = byUrl.get(key);
    if (known) return known;
    const parsed = parseQueueUrl(queueUrl, ctx.account, ctx.region);
    const queue = parsed && queues.get(parsed.account, parsed.region, parsed.name);
    if (!queue) throw SqsErrors.queueDoesNotExist();
    if (byUrl.size >= 10_000) byUrl.clear();
    byUrl.set(key, queue);
    return queue;
  }

  /** Checks a RedrivePolicy's target: it must exist, be of the same type, and allow this source. */
  function checkRedrive(queue: { arn: string; fifo: boolean }, value: string | undefined): void {
    if (!value) return;
    const policy = parseRedrivePolicy(value);
    const target = queues.byArn(policy.deadLetterTargetArn);
    const invalid = (reason: string) => SqsErrors.invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
    if (!target) throw invalid("Dead letter target does not exist.");
    if (target.fifo !== queue.fifo) throw invalid("Dead-letter queue must be same type of queue as the source.");
    const allow = target.attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(target.attributes.RedriveAllowPolicy) : undefined;
    if (allow?.redrivePermission === "denyAll" || (allow?.redrivePermission === "byQueue" && !allow.sourceQueueArns?.includes(queue.arn))) {
      throw invalid(`Queue ${target.arn} does not allow this queue to use it as a dead-letter queue.`);
    }
  }

  function wakeAfterSend(queue: Queue, visibleAt: number, count = 1): void {
    if (!longPoll.hasWaiters(queue.id)) return;
    if (visibleAt <= clock.now()) longPoll.notify(queue.id, count);
    else longPoll.wakeAt(queue.id, visibleAt);
  }

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

  function systemAttributes(queue: Queue, row: MessageRow, wanted: Set<string>): Record<string, string> | undefined {
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
    const received = db.transaction(() => messages.receive(queue, max, visibilityTimeout, clock.now(), deadLetter, input.ReceiveRequestAttemptId));
    if (deadLetter && longPoll.hasWaiters(deadLetter.id)) longPoll.notify(deadLetter.id, 10);
    if (received.length === 0) return [];
    const wanted = new Set<string>([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]);
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

  function queueAttributes(queue: Queue, names: string[]): Record<string, string> {
    const all = names.includes("All");
    for (const name of names) if (name !== "All" && !ALL_ATTRIBUTE_NAMES.has(name)) throw SqsErrors.invalidAttributeName(name);
    const want = (name: string) => all || names.includes(name);
    const out: Record<string, string> = {};
    if (want("QueueArn")) out.QueueArn = queue.arn;
    if (want("ApproximateNumberOfMessages") || want("ApproximateNumberOfMessagesNotVisible") || want("ApproximateNumberOfMessagesDelayed")) {
      tasks.progress(clock.now());
      const counts = messages.counts(queue, clock.now());
      if (want("ApproximateNumberOfMessages")) out.ApproximateNumberOfMessages = String(counts.visible);
      if (want("ApproximateNumberOfMessagesNotVisible")) out.ApproximateNumberOfMessagesNotVisible = String(counts.inFlight);
      if (want("ApproximateNumberOfMessagesDelayed")) out.ApproximateNumberOfMessagesDelayed = String(counts.delayed);
    }
    if (want("CreatedTimestamp")) out.CreatedTimestamp = String(Math.floor(queue.createdAt / 1000));
    if (want("LastModifiedTimestamp")) out.LastModifiedTimestamp = String(Math.floor(queue.modifiedAt / 1000));
    for (const [name, value] of Object.entries(queue.attributes)) if (want(name)) out[name] = value;
    return out;
  }

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

  function policyOf(queue: Queue): { Version: string; Id: string; Statement: Record<string, unknown>[] } {
    if (queue.attributes.Policy) return JSON.parse(queue.attributes.Policy) as { Version: string; Id: string; Statement: Record<string, unknown>[] };
    return { Version: "2012-10-17", Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] };
  }

  return {
    delivery: { deliver },
    reset() {
      byUrl.clear();
      queues.clear();
      longPoll.clear();
      tasks.reset();
    },
    close() {
      // Waiters wake to an unknown queue and answer empty instead of touching a closing database.
      byUrl.clear();
      queues.clear();
      longPoll.clear();
    },
    handlers: {
      CreateQueue(input: Sqs.CreateQueueRequest, ctx: OperationContext): Sqs.CreateQueueResult {
        const name = input.QueueName ?? "";
        const attributes = input.Attributes ?? {};
        const fifo = attributes.FifoQueue?.toLowerCase() === "true";
        if (fifo ? !FIFO_QUEUE_NAME.test(name) : !QUEUE_NAME.test(name)) {
          throw SqsErrors.invalidParameterValue(fifo
            ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
            : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
        const validated = validateAttributes(attributes, fifo, true);
        const tags = input.tags ?? {};
        if (Object.keys(tags).length > 50) throw SqsErrors.invalidParameterValue("Too many tags added for queue.");
        return db.transaction(() => {
          const existing = queues.get(ctx.account, ctx.region, name);
          if (existing) {
            for (const [key, value] of Object.entries(validated)) if (existing.attributes[key] !== value) throw SqsErrors.queueNameExists(key);
            return { QueueUrl: url(ctx, existing) };
          }
          checkRedrive({ arn: `arn:aws:sqs:${ctx.region}:${ctx.account}:${name}`, fifo }, validated.RedrivePolicy || undefined);
          const queue = queues.create(ctx.account, ctx.region, name, fifo, { ...defaultAttributes(fifo), ...validated }, tags, clock.now());
          return { QueueUrl: url(ctx, queue) };
        });
      },

      GetQueueUrl(input: Sqs.GetQueueUrlRequest, ctx: OperationContext): Sqs.GetQueueUrlResult {
        const queue = queues.get(input.QueueOwnerAWSAccountId ?? ctx.account, ctx.region, input.QueueName ?? "");
        if (!queue) throw SqsErrors.queueDoesNotExist();
        return { QueueUrl: url(ctx, queue) };
      },

      ListQueues(input: Sqs.ListQueuesRequest, ctx: OperationContext): Sqs.ListQueuesResult {
        checkRange("MaxResults", input.MaxResults, 1, 1000, "MaxResults must be an integer between 1 and 1000.");
        const prefix = input.QueueNamePrefix ?? "";
        const after = input.NextToken ? decodeToken(input.NextToken) : "";
        const names = queues.names(ctx.account, ctx.region, after).filter((n) => n.startsWith(prefix));
        const limit = input.MaxResults ?? 1000;
        const page = names.slice(0, limit);
        const urls = page.map((n) => `${ctx.baseUrl}/${ctx.account}/${encodeURIComponent(n)}`);
        return {
          QueueUrls: urls.length ? urls : undefined,
          NextToken: input.MaxResults !== undefined && names.length > limit ? encodeToken(page[page.length - 1]!) : undefined,
        };
      },

      DeleteQueue(input: Sqs.DeleteQueueRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        db.transaction(() => {
          messages.drop(queue.id);
          queues.delete(queue);
        });
        byUrl.clear();
        longPoll.clear(queue.id);
        return {};
      },

      PurgeQueue(input: Sqs.PurgeQueueRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const now = clock.now();
        if (queue.purgedAt !== null && now - queue.purgedAt < 60_000) throw SqsErrors.purgeQueueInProgress(queue.name);
        db.transaction(() => {
          messages.purge(queue, now);
          queues.setPurged(queue, now);
        });
        return {};
      },

      GetQueueAttributes(input: Sqs.GetQueueAttributesRequest, ctx: OperationContext): Sqs.GetQueueAttributesResult {
        const queue = resolve(input.QueueUrl, ctx);
        const names = input.AttributeNames ?? [];
        if (names.length === 0) return {};
        const attributes = queueAttributes(queue, names);
        return { Attributes: Object.keys(attributes).length ? attributes : undefined };
      },

      SetQueueAttributes(input: Sqs.SetQueueAttributesRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const validated = validateAttributes(input.Attributes ?? {}, queue.fifo, false);
        db.transaction(() => {
          if (validated.RedrivePolicy) checkRedrive(queue, validated.RedrivePolicy);
          queues.setAttributes(queue, validated, clock.now());
        });
        return {};
      },

      TagQueue(input: Sqs.TagQueueRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const tags = { ...queue.tags, ...(input.Tags ?? {}) };
        if (Object.keys(tags).length > 50) throw SqsErrors.invalidParameterValue("Too many tags added for queue.");
        queues.setTags(queue, tags);
        return {};
      },

      UntagQueue(input: Sqs.UntagQueueRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const tags = { ...queue.tags };
        for (const key of input.TagKeys ?? []) delete tags[key];
        queues.setTags(queue, tags);
        return {};
      },

      ListQueueTags(input: Sqs.ListQueueTagsRequest, ctx: OperationContext): Sqs.ListQueueTagsResult {
        const queue = resolve(input.QueueUrl, ctx);
        return { Tags: Object.keys(queue.tags).length ? { ...queue.tags } : undefined };
      },

      ListDeadLetterSourceQueues(input: Sqs.ListDeadLetterSourceQueuesRequest, ctx: OperationContext): Sqs.ListDeadLetterSourceQueuesResult {
        const target = resolve(input.QueueUrl, ctx);
        checkRange("MaxResults", input.MaxResults, 1, 1000, "MaxResults must be an integer between 1 and 1000.");
        const after = input.NextToken ? decodeToken(input.NextToken) : "";
        const sources = queues.names(target.account, target.region, after)
          .map((n) => queues.get(target.account, target.region, n)!)
          .filter((q) => q.redrive?.deadLetterTargetArn === target.arn);
        const limit = input.MaxResults ?? 1000;
        const page = sources.slice(0, limit);
        return {
          queueUrls: page.map((q) => url(ctx, q)),
          NextToken: input.MaxResults !== undefined && sources.length > limit ? encodeToken(page[page.length - 1]!.name) : undefined,
        };
      },

      AddPermission(input: Sqs.AddPermissionRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const label = input.Label ?? "";
        if (!/^[A-Za-z0-9_-]{1,80}$/.test(label)) throw SqsErrors.invalidParameter("Label", label, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        if (!input.AWSAccountIds?.length) throw SqsErrors.missingParameter("AWSAccountId");
        if (!input.Actions?.length) throw SqsErrors.missingParameter("ActionName");
        const policy = policyOf(queue);
        if (policy.Statement.some((s) => s.Sid === label)) throw SqsErrors.invalidParameter("Label", label, "Already exists.");
        const principals = input.AWSAccountIds.map((a) => `arn:aws:iam::${a}:root`);
        policy.Statement.push({
          Sid: label,
          Effect: "Allow",
          Principal: { AWS: principals.length === 1 ? principals[0] : principals },
          Action: input.Actions.map((a) => (a === "*" ? "SQS:*" : `SQS:${a}`)),
          Resource: queue.arn,
        });
        queues.setAttributes(queue, { Policy: JSON.stringify(policy) }, clock.now());
        return {};
      },

      RemovePermission(input: Sqs.RemovePermissionRequest, ctx: OperationContext): Record<string, never> {
        const queue = resolve(input.QueueUrl, ctx);
        const policy = policyOf(queue);
        const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
        if (kept.length === policy.Statement.length) throw SqsErrors.invalidParameter("Label", input.Label, "can't find label on existing policy.");
        queues.setAttributes(queue, { Policy: kept.length ? JSON.stringify({ ...policy, Statement: kept }) : "" }, clock.now());
        return {};
      },

      SendMessage(input: Sqs.SendMessageRequest, ctx: OperationContext): Sqs.SendMessageResult {
        const queue = resolve(input.QueueUrl, ctx);
        return sendOne(queue, prepareMessage(queue, input), ctx.account);
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
        db.transaction(() => {
          const now = clock.now();
          for (const entry of entries) {
            let prepared: PreparedMessage;
            try {
              prepared = prepareMessage(queue, entry);
            } catch (error) {
              Failed.push(failure(entry.Id!, error));
              continue;
            }
            const outcome = messages.send(queue, prepared, ctx.account, now);
            firstVisible = Math.min(firstVisible, outcome.visibleAt);
            Successful.push({
              Id: entry.Id!,
              MessageId: outcome.messageId,
              MD5OfMessageBody: prepared.md5Body,
              MD5OfMessageAttributes: prepared.md5Attributes ?? undefined,
              MD5OfMessageSystemAttributes: prepared.md5System ?? undefined,
              SequenceNumber: queue.fifo ? sequenceNumber(outcome.seq) : undefined,
            });
          }
        });
        if (Successful.length) wakeAfterSend(queue, firstVisible, Successful.length);
        return { Successful, Failed };
      },

      async ReceiveMessage(input: Sqs.ReceiveMessageRequest, ctx: OperationContext): Promise<Sqs.ReceiveMessageResult> {
        let queue = resolve(input.QueueUrl, ctx);
        checkRange("MaxNumberOfMessages", input.MaxNumberOfMessages, 1, 10, "Must be between 1 and 10, if provided.");
        checkRange("VisibilityTimeout", input.VisibilityTimeout, 0, 43_200, "Must be between 0 and 43200, if provided.");
        checkRange("WaitTimeSeconds", input.WaitTimeSeconds, 0, 20, "Must be >= 0 and <= 20, if provided.");
        for (const name of [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]) {
          if (!SYSTEM_ATTRIBUTE_NAMES.has(name) && !ALL_ATTRIBUTE_NAMES.has(name)) throw SqsErrors.invalidAttributeName(name);
        }
        const max = input.MaxNumberOfMessages ?? 1;
        const wait = input.WaitTimeSeconds ?? queue.waitSeconds;
        tasks.progress(clock.now());
        let found = receiveNow(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout, input);
        if (found.length || wait === 0) return { Messages: found.length ? found : undefined };
        const deadline = clock.now() + wait * 1000;
        for (;;) {
          const next = messages.nextVisibleAt(queue, clock.now());
          const waiting = longPoll.wait(queue.id, deadline, ctx.signal);
          if (next !== undefined && next < deadline) longPoll.wakeAt(queue.id, next);
          const reason = await waiting;
          const current = queues.getById(queue.id);
          if (!current || reason === "abort") return {};
          queue = current;
          found = receiveNow(queue, max, input.VisibilityTimeout ?? queue.visibilityTimeout, input);
          if (found.length || reason === "timeout" || clock.now() >= deadline) return { Messages: found.length ? found : undefined };
        }
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
        let deleted = 0;
        db.transaction(() => {
          for (const entry of entries) {
            const handle = parseReceiptHandle(entry.ReceiptHandle ?? "");
            if (!handle || handle.queueId !== queue.id) {
              Failed.push(failure(entry.Id!, SqsErrors.receiptHandleIsInvalid(entry.ReceiptHandle ?? "")));
              continue;
            }
            if (messages.delete(queue.id, handle.seq, handle.token)) deleted++;
            Successful.push({ Id: entry.Id! });
          }
        });
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
    const visibleAt = now + timeout * 1000;
    messages.setVisibleAt(row.seq, visibleAt);
    if (longPoll.hasWaiters(queue.id)) {
      if (timeout === 0) longPoll.notify(queue.id);
      else longPoll.wakeAt(queue.id, visibleAt);
    }
  }
}

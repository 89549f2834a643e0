import type * as Sqs from "@aws-sdk/client-sqs";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { SqsErrors } from "./errors.js";
import type { Queue } from "./queue-store.js";
import { queueArn } from "./queue-store.js";
import { authorizeQueue, OWNER_ONLY_ACTIONS, SHAREABLE_ACTIONS } from "./queue-access.js";
import { ALL_ATTRIBUTE_NAMES, defaultAttributes, parseRedriveAllowPolicy, parseRedrivePolicy, validateAttributes } from "./queue-attributes.js";
import { checkRange, decodeToken, encodeToken } from "./request-checks.js";
import type { SqsContext } from "./sqs-context.js";

/** AWS's limit on the actions of one policy statement (AddPermission writes one statement). */
const MAX_ACTIONS_PER_STATEMENT = 7;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** Queue operations: lifecycle, attributes (with counts derived from the messages), tags, permissions. */
export function queueHandlers(sqs: SqsContext) {
  const { db, clock, queues, messages, longPoll, tasks } = sqs;
  const resolve = sqs.resolve;
  const url = sqs.url;

  /** Checks a RedrivePolicy's target: it must exist, be of the same type, and allow this source. */
  function checkRedrive(queue: { arn: string; fifo: boolean }, value: string | undefined): void {
    if (!value) return;
    const policy = parseRedrivePolicy(value);
    // A dead-letter queue is in the source's own account and region.
    const [, , , region, account] = queue.arn.split(":");
    const [, , , targetRegion, targetAccount] = policy.deadLetterTargetArn.split(":");
    const target = targetRegion === region && targetAccount === account ? queues.byArn(policy.deadLetterTargetArn) : undefined;
    const invalid = (reason: string) => SqsErrors.invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
    if (!target) throw invalid("Dead letter target does not exist.");
    if (target.fifo !== queue.fifo) throw invalid("Dead-letter queue must be same type of queue as the source.");
    const allow = target.attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(target.attributes.RedriveAllowPolicy) : undefined;
    if (allow?.redrivePermission === "denyAll" || (allow?.redrivePermission === "byQueue" && !allow.sourceQueueArns?.includes(queue.arn))) {
      throw invalid(`Queue ${target.arn} does not allow this queue to use it as a dead-letter queue.`);
    }
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

  function policyOf(queue: Queue): { Version: string; Id: string; Statement: Record<string, unknown>[] } {
    if (queue.attributes.Policy) {
      const stored = JSON.parse(queue.attributes.Policy) as { Version: string; Id: string; Statement: Record<string, unknown>[] | Record<string, unknown> };
      // A policy set by hand may hold one statement as an object; AddPermission adds to a list.
      return { ...stored, Statement: Array.isArray(stored.Statement) ? stored.Statement : [stored.Statement] };
    }
    return { Version: "2012-10-17", Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] };
  }

  return {
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
        const owner = input.QueueOwnerAWSAccountId ?? ctx.account;
        if (!/^\d{12}$/.test(owner)) throw SqsErrors.invalidParameter("QueueOwnerAWSAccountId", owner, "Must be a 12-digit AWS account id.");
        const name = input.QueueName ?? "";
        const queue = queues.get(owner, ctx.region, name);
        // Another account's queue is found only when its policy lets the caller GetQueueUrl.
        authorizeQueue(queue ?? { account: owner, arn: queueArn(ctx.region, owner, name), policy: null }, ctx, clock.now());
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
        sqs.forgetUrls();
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
        for (const account of input.AWSAccountIds) {
          if (!/^\d{12}$/.test(account)) throw SqsErrors.invalidParameter("PrincipalId", account, "Unable to verify.");
        }
        if (input.Actions.length > MAX_ACTIONS_PER_STATEMENT) {
          throw SqsErrors.overLimit(`${input.Actions.length} Actions were found, maximum allowed is ${MAX_ACTIONS_PER_STATEMENT}.`);
        }
        for (const action of input.Actions) {
          if (action === "*") continue;
          if (OWNER_ONLY_ACTIONS.has(action)) throw SqsErrors.invalidParameter("ActionName", action, "Only the queue owner is allowed to invoke this action.");
          if (!SHAREABLE_ACTIONS.has(action)) throw SqsErrors.invalidParameter("ActionName", action, "Please refer to the appropriate WSDL for a list of valid actions.");
        }
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
  };
}

import type * as Sns from "@aws-sdk/client-sns";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { SnsContext } from "./sns-context.js";
import { createHash, randomUUID } from "node:crypto";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { SnsErrors } from "./sns-errors.js";
import { parseTopicArn } from "./arns.js";
import { deadLetterArn } from "./attributes.js";
import { effectiveHttpPolicy } from "./delivery-policy.js";
import type { CapturedDelivery, DeliveryTarget } from "./delivery.js";
import type { FilterPolicyScope } from "./filter-policy.js";
import type { PublishedMessage } from "./notification.js";
import type { PublishFields } from "./publish-validation.js";
import { MAX_MESSAGE_BYTES, validatePublish } from "./publish-validation.js";
import type { TopicRow } from "./sns-store.js";

const DEDUP_WINDOW_MS = 5 * 60 * 1000;

/** Publish and PublishBatch: validation, FIFO deduplication and sequencing, then delivery after the answer. */
export function publishHandlers(c: SnsContext) {
  const { env, store, clock, deliverer, platform, attributesOf, policyOf, ownTopic, signatureVersion } = c;

  function deliveryTargets(topic: TopicRow): DeliveryTarget[] {
    const topicDeliveryPolicy = attributesOf(topic.attributes)["DeliveryPolicy"];
    const targets: DeliveryTarget[] = [];
    for (const row of store.deliverable.all(topic.arn)) {
      const attrs = attributesOf(row.attributes);
      const target: DeliveryTarget = {
        arn: row.arn,
        protocol: row.protocol,
        endpoint: row.endpoint,
        raw: attrs["RawMessageDelivery"]?.toLowerCase() === "true",
        http: effectiveHttpPolicy(topicDeliveryPolicy, attrs["DeliveryPolicy"]),
      };
      const filter = attrs["FilterPolicy"];
      if (filter) {
        const scope = (attrs["FilterPolicyScope"] as FilterPolicyScope | undefined) ?? "MessageAttributes";
        target.filter = { policy: policyOf(filter, scope), scope };
      }
      const dlq = deadLetterArn(attrs);
      if (dlq) target.deadLetterArn = dlq;
      targets.push(target);
    }
    return targets;
  }

  /**
   * What publishing to a topic needs besides the message, read once and kept until the next SNS
   * write: a topic's subscriptions and attributes change far less often than it is published to.
   */
  interface PublishPlan {
    writes: number;
    topic: TopicRow;
    targets: DeliveryTarget[];
    contentDedup: boolean;
    signatureVersion: "1" | "2";
  }
  const plans = new Map<string, PublishPlan>();
  const MAX_PLANS = 1000;

  /** The plan of the topic a publish names (NotFound when it is not the caller's), read again after any SNS write. */
  function planFor(arn: string | undefined, ctx: OperationContext): PublishPlan {
    const cached = arn === undefined ? undefined : plans.get(arn);
    if (cached && cached.writes === store.writes.count && cached.topic.region === ctx.region) {
      // The plan is shared by every caller; whether this one may publish is decided on each call.
      c.authorizeTopicRow(cached.topic, ctx);
      return cached;
    }
    const topic = ownTopic(arn, ctx);
    if (plans.size >= MAX_PLANS) plans.clear();
    const plan: PublishPlan = {
      writes: store.writes.count,
      topic,
      targets: deliveryTargets(topic),
      contentDedup: attributesOf(topic.attributes)["ContentBasedDeduplication"]?.toLowerCase() === "true",
      signatureVersion: signatureVersion(topic),
    };
    plans.set(topic.arn, plan);
    return plan;
  }

  /** Validates, deduplicates (FIFO) and hands one message to delivery; returns its ids. */
  function publishToTopic(plan: PublishPlan, input: PublishFields, ctx: OperationContext): { MessageId: string; SequenceNumber?: string } {
    const topic = plan.topic;
    const fifo = topic.fifo === 1;
    const valid = validatePublish(input, fifo, plan.contentDedup);
    const messageId = randomUUID();
    const published: PublishedMessage = {
      account: topic.account,
      region: topic.region,
      topicArn: topic.arn,
      messageId,
      message: valid.message,
      timestamp: clock.now(),
      baseUrl: ctx.baseUrl,
      signatureVersion: plan.signatureVersion,
    };
    if (valid.perProtocol) published.perProtocol = valid.perProtocol;
    if (valid.subject !== undefined) published.subject = valid.subject;
    if (valid.attributes) published.attributes = valid.attributes;
    if (!fifo) {
      if (input.MessageGroupId !== undefined) published.messageGroupId = input.MessageGroupId;
      deliverer.publish(published, plan.targets);
      return { MessageId: messageId };
    }
    const dedupId = input.MessageDeduplicationId ?? createHash("sha256").update(valid.message, "utf8").digest("hex");
    published.messageGroupId = input.MessageGroupId!;
    published.messageDeduplicationId = dedupId;
    const now = clock.now();
    const outcome = env.db.transaction(() => {
      const previous = store.findDedup.get(topic.arn, dedupId, now);
      if (previous) return { MessageId: previous.message_id, SequenceNumber: previous.sequence_number, duplicate: true };
      const seq = store.nextSequence.get(topic.arn)!.seq;
      const sequenceNumber = (10n ** 19n + BigInt(seq)).toString();
      store.putDedup.run(topic.arn, dedupId, messageId, sequenceNumber, now + DEDUP_WINDOW_MS);
      return { MessageId: messageId, SequenceNumber: sequenceNumber, duplicate: false };
    });
    if (!outcome.duplicate) {
      published.sequenceNumber = outcome.SequenceNumber;
      deliverer.publish(published, plan.targets);
    }
    return { MessageId: outcome.MessageId, SequenceNumber: outcome.SequenceNumber };
  }

  /** A direct push to one mobile endpoint: captured as an `application` delivery. */
  function publishToEndpoint(arn: string, input: Sns.PublishInput, ctx: OperationContext): Sns.PublishResponse {
    const endpoint = platform.endpoint(arn);
    if (!endpoint || !arn.includes(`:${ctx.region}:${ctx.account}:`)) throw SnsErrors.invalidParameter("TargetArn Reason: No endpoint found for the target arn specified");
    if (!endpoint.enabled) throw new ServiceError("EndpointDisabled", "Endpoint is disabled", { status: 400 });
    if (!input.Message) throw SnsErrors.invalidParameter("Empty message");
    let message = input.Message;
    if (input.MessageStructure === "json") {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(message) as Record<string, unknown>;
      } catch {
        throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
      }
      const chosen = parsed[endpoint.platform] ?? parsed["default"];
      if (typeof chosen !== "string") throw SnsErrors.invalidParameter("Message Structure - No default entry in JSON message body");
      message = chosen;
    }
    const messageId = randomUUID();
    store.capture.run({
      account: ctx.account,
      region: ctx.region,
      protocol: "application",
      endpoint: arn,
      subscription_arn: null,
      topic_arn: null,
      message_id: messageId,
      type: "Notification",
      subject: input.Subject ?? null,
      message,
      body: message,
      at: clock.now(),
    } satisfies CapturedDelivery);
    return { MessageId: messageId };
  }

  function publishSms(input: Sns.PublishInput, ctx: OperationContext): Sns.PublishResponse {
    const phone = (input.PhoneNumber ?? "").replace(/[\s().-]/g, "");
    if (!/^\+[1-9][0-9]{4,14}$/.test(phone)) throw SnsErrors.invalidParameter(`PhoneNumber Reason: ${input.PhoneNumber} is not valid to publish to`);
    if (!input.Message) throw SnsErrors.invalidParameter("Empty message");
    if (Buffer.byteLength(input.Message, "utf8") > 1600) throw SnsErrors.invalidParameter("Message too long");
    const messageId = randomUUID();
    store.capture.run({
      account: ctx.account,
      region: ctx.region,
      protocol: "sms",
      endpoint: phone,
      subscription_arn: null,
      topic_arn: null,
      message_id: messageId,
      type: "Notification",
      subject: input.Subject ?? null,
      message: input.Message,
      body: input.Message,
      at: clock.now(),
    } satisfies CapturedDelivery);
    return { MessageId: messageId };
  }

  const handlers = {
    Publish(input: Sns.PublishInput, ctx: OperationContext): Sns.PublishResponse {
      if (input.PhoneNumber !== undefined && input.TopicArn === undefined && input.TargetArn === undefined) return publishSms(input, ctx);
      const arn = input.TopicArn ?? input.TargetArn;
      if (arn === undefined) throw SnsErrors.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
      if (input.TopicArn !== undefined && input.TargetArn !== undefined) throw SnsErrors.invalidParameter("TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
      if (input.TargetArn !== undefined && !parseTopicArn(input.TargetArn)) {
        if (/:endpoint\//.test(input.TargetArn)) return publishToEndpoint(input.TargetArn, input, ctx);
        throw SnsErrors.invalidParameter("TargetArn");
      }
      return publishToTopic(planFor(arn, ctx), input, ctx);
    },

    PublishBatch(input: Sns.PublishBatchInput, ctx: OperationContext): Sns.PublishBatchResponse {
      const entries = input.PublishBatchRequestEntries ?? [];
      const plan = planFor(input.TopicArn, ctx);
      if (entries.length === 0) throw SnsErrors.emptyBatch();
      if (entries.length > 10) throw SnsErrors.tooManyEntries();
      const ids = new Set<string>();
      let total = 0;
      for (const entry of entries) {
        if (!entry.Id || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id)) throw SnsErrors.invalidBatchEntryId();
        if (ids.has(entry.Id)) throw SnsErrors.batchIdsNotDistinct();
        ids.add(entry.Id);
        total += Buffer.byteLength(entry.Message ?? "", "utf8");
        for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
          total += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? "") + (value.BinaryValue?.length ?? 0);
        }
      }
      if (total > MAX_MESSAGE_BYTES) throw SnsErrors.batchTooLong();
      const out: Sns.PublishBatchResponse = { Successful: [], Failed: [] };
      for (const entry of entries) {
        try {
          const result = publishToTopic(plan, entry, ctx);
          out.Successful!.push({ Id: entry.Id, ...result });
        } catch (error) {
          const e = error as { code?: string; message?: string; fault?: string };
          if (!e.code) throw error;
          out.Failed!.push({ Id: entry.Id!, Code: e.code, Message: e.message, SenderFault: e.fault !== "Receiver" });
        }
      }
      return out;
    },
  };
  return handlers;
}

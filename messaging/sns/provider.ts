import { createHash, randomBytes, randomUUID } from "node:crypto";
import type * as Sns from "@aws-sdk/client-sns";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import type { QueueDelivery } from "../sqs/queue-delivery.js";
import { SnsErrors } from "./sns-errors.js";
import { parseQueueArn, parseTopicArn, topicArn as makeTopicArn, topicOfSubscription } from "./arns.js";
import type { SubscriptionRow, TopicRow, CapturedRow } from "./sns-store.js";
import { createSnsStore } from "./sns-store.js";
import { deadLetterArn, defaultTopicPolicy, validateSubscriptionAttributes, validateTopicAttribute } from "./attributes.js";
import type { CompiledPolicy, FilterPolicyScope } from "./filter-policy.js";
import { compileFilterPolicy } from "./filter-policy.js";
import { DEFAULT_EFFECTIVE_DELIVERY_POLICY, effectiveHttpPolicy } from "./delivery-policy.js";
import type { CapturedDelivery, DeliveryTarget } from "./delivery.js";
import { SnsDeliverer } from "./delivery.js";
import type { PublishFields } from "./publish-validation.js";
import { MAX_MESSAGE_BYTES, validatePublish } from "./publish-validation.js";
import type { PublishedMessage } from "./notification.js";
import { signer } from "./message-signing.js";
import { createPlatformEndpoints } from "./platform-endpoints.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";

export interface SnsDeps {
  /** SQS's delivery interface, looked up when a message is delivered (SQS may start after SNS). */
  queues?: QueueDelivery | (() => QueueDelivery | undefined);
}

/** The SNS provider, plus what the control plane reads: captured deliveries and the signing certificate. */
export interface SnsProvider extends ServiceProvider {
  capturedDeliveries(filter?: CapturedFilter): CapturedDeliveryView[];
  clearCapturedDeliveries(): void;
  signingCertificate(): Promise<string>;
  /** The confirmation token of a subscription, for endpoints cloudbox cannot reach to send it. */
  subscriptionToken(subscriptionArn: string): { token: string; topicArn: string; pendingConfirmation: boolean } | undefined;
  /** Recent deliveries that failed (unreachable endpoints, deleted queues), newest last. */
  deliveryFailures(): DeliveryFailure[];
}

export interface DeliveryFailure {
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
  reason: string;
  timestamp: string;
}

const MAX_FAILURES = 1000;

export interface CapturedFilter {
  protocol?: string;
  endpoint?: string;
  topicArn?: string;
  subscriptionArn?: string;
  account?: string;
  type?: string;
}

export interface CapturedDeliveryView {
  protocol: string;
  endpoint: string;
  subscriptionArn: string | null;
  topicArn: string | null;
  messageId: string;
  type: string;
  subject: string | null;
  message: string;
  body: string;
  timestamp: string;
  account: string;
  region: string;
}

const PAGE = 100;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const PENDING_TOKEN_TTL_MS = 3 * 24 * 3600 * 1000;
const DEDUP_WINDOW_MS = 5 * 60 * 1000;
const PROTOCOLS = new Set(["sqs", "http", "https", "email", "email-json", "sms", "application", "lambda", "firehose"]);
const NEEDS_CONFIRMATION = new Set(["http", "https", "email", "email-json"]);
const TOPIC_ACTIONS = new Set(["GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission", "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive"]);
const SMS_ATTRIBUTES = new Set(["MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate", "DefaultSenderID", "DefaultSMSType", "UsageReportS3Bucket"]);

function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

function encodeToken(value: string | number): string {
  return Buffer.from(String(value), "utf8").toString("base64url");
}

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text || encodeToken(text) !== token.replace(/=+$/, "")) throw SnsErrors.invalidParameter("NextToken");
  return text;
}

/** SNS: topics, subscriptions, publishing and delivery. */
export function createSnsProvider(env: DomainEnvironment, deps: SnsDeps = {}): SnsProvider {
  const store = createSnsStore(env.db);
  const platform = createPlatformEndpoints(env);
  const clock = env.clock;
  const queues = typeof deps.queues === "function" ? deps.queues : () => deps.queues as QueueDelivery | undefined;
  // A diagnostic ring of recent failures, so "why did my endpoint get nothing?" has an answer.
  let failures: DeliveryFailure[] = [];
  const deliverer = new SnsDeliverer({
    queues,
    clock,
    capture: (row: CapturedDelivery) => {
      store.capture.run(row);
    },
    onFailure: (target, reason) => {
      failures.push({ subscriptionArn: target.arn, protocol: target.protocol, endpoint: target.endpoint, reason, timestamp: new Date(clock.now()).toISOString() });
      if (failures.length > MAX_FAILURES) failures = failures.slice(-MAX_FAILURES);
    },
  });

  // Compiled filter policies and parsed attribute maps, keyed by their text: publish reads them per message.
  const policies = new Map<string, CompiledPolicy>();
  const parsedAttributes = new Map<string, Record<string, string>>();
  function attributesOf(text: string): Record<string, string> {
    let parsed = parsedAttributes.get(text);
    if (!parsed) {
      if (parsedAttributes.size > 10_000) parsedAttributes.clear();
      parsed = parseJson<Record<string, string>>(text);
      parsedAttributes.set(text, parsed);
    }
    return parsed;
  }
  function policyOf(text: string, scope: FilterPolicyScope): CompiledPolicy {
    const key = `${scope}\n${text}`;
    let policy = policies.get(key);
    if (!policy) {
      if (policies.size > 10_000) policies.clear();
      policy = compileFilterPolicy(text, scope);
      policies.set(key, policy);
    }
    return policy;
  }

  function ownTopic(arn: string | undefined, ctx: OperationContext): TopicRow {
    if (!arn) throw SnsErrors.invalidParameter("TopicArn");
    const parts = parseTopicArn(arn);
    if (!parts) throw SnsErrors.invalidParameter("TopicArn");
    const row = store.getTopic.get(arn);
    if (!row || row.account !== ctx.account || row.region !== ctx.region) throw SnsErrors.topicNotFound();
    return row;
  }

  function topicByArn(arn: string | undefined): TopicRow {
    if (!arn || !parseTopicArn(arn)) throw SnsErrors.invalidParameter("TopicArn");
    const row = store.getTopic.get(arn);
    if (!row) throw SnsErrors.topicNotFound();
    return row;
  }

  function ownSubscription(arn: string | undefined, ctx: OperationContext): SubscriptionRow {
    if (!arn || !topicOfSubscription(arn)) throw SnsErrors.invalidParameter("SubscriptionArn");
    const row = store.getSubscription.get(arn);
    if (!row || row.region !== ctx.region) throw SnsErrors.subscriptionNotFound();
    return row;
  }

  function signatureVersion(topic: TopicRow): "1" | "2" {
    return attributesOf(topic.attributes)["SignatureVersion"] === "2" ? "2" : "1";
  }

  function tagsOf(topic: TopicRow): [string, string][] {
    return parseJson<[string, string][]>(topic.tags);
  }

  function validateTags(tags: Sns.Tag[]): void {
    for (const tag of tags) {
      if (!tag.Key || tag.Key.length > 128) throw SnsErrors.invalidParameter("Tags Reason: Tag keys must be between 1 and 128 characters in length.");
      if ((tag.Value ?? "").length > 256) throw SnsErrors.invalidParameter("Tags Reason: Tag values must be between 0 and 256 characters in length.");
      if (tag.Key.toLowerCase().startsWith("aws:")) throw SnsErrors.invalidParameter("Tags Reason: Tag keys can't begin with aws:");
    }
  }

  function sendConfirmation(kind: "SubscriptionConfirmation" | "UnsubscribeConfirmation", sub: SubscriptionRow, topic: TopicRow, baseUrl: string): void {
    const attrs = attributesOf(sub.attributes);
    deliverer.confirmation(
      kind,
      { arn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint, account: sub.account, region: sub.region, http: effectiveHttpPolicy(attributesOf(topic.attributes)["DeliveryPolicy"], attrs["DeliveryPolicy"]) },
      { topicArn: topic.arn, token: sub.token, baseUrl, signatureVersion: signatureVersion(topic) },
    );
  }

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

  /** Validates, deduplicates (FIFO) and hands one message to delivery; returns its ids. */
  function publishToTopic(topic: TopicRow, input: PublishFields, ctx: OperationContext): { MessageId: string; SequenceNumber?: string } {
    const fifo = topic.fifo === 1;
    const topicAttrs = attributesOf(topic.attributes);
    const contentDedup = topicAttrs["ContentBasedDeduplication"]?.toLowerCase() === "true";
    const valid = validatePublish(input, fifo, contentDedup);
    const messageId = randomUUID();
    const published: PublishedMessage = {
      account: topic.account,
      region: topic.region,
      topicArn: topic.arn,
      messageId,
      message: valid.message,
      timestamp: clock.now(),
      baseUrl: ctx.baseUrl,
      signatureVersion: signatureVersion(topic),
    };
    if (valid.perProtocol) published.perProtocol = valid.perProtocol;
    if (valid.subject !== undefined) published.subject = valid.subject;
    if (valid.attributes) published.attributes = valid.attributes;
    if (!fifo) {
      if (input.MessageGroupId !== undefined) published.messageGroupId = input.MessageGroupId;
      deliverer.publish(published, deliveryTargets(topic));
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
      deliverer.publish(published, deliveryTargets(topic));
    }
    return { MessageId: outcome.MessageId, SequenceNumber: outcome.SequenceNumber };
  }

  function subscriptionView(row: SubscriptionRow): Sns.Subscription {
    return { SubscriptionArn: row.confirmed ? row.arn : "PendingConfirmation", Owner: row.account, Protocol: row.protocol, Endpoint: row.endpoint, TopicArn: row.topic_arn };
  }

  function validateEndpoint(protocol: string, endpoint: string | undefined, topic: TopicRow): string {
    if (endpoint === undefined || endpoint === "") throw SnsErrors.invalidParameter("Endpoint");
    switch (protocol) {
      case "sqs": {
        const queue = parseQueueArn(endpoint);
        if (!queue) throw SnsErrors.invalidParameter("SQS endpoint ARN");
        if (queue.name.endsWith(".fifo") && topic.fifo !== 1) throw SnsErrors.invalidParameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
        return endpoint;
      }
      case "http":
      case "https":
        if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) throw SnsErrors.invalidParameter("Endpoint must match the specified protocol");
        try {
          new URL(endpoint);
        } catch {
          throw SnsErrors.invalidParameter("Endpoint must match the specified protocol");
        }
        return endpoint;
      case "email":
      case "email-json":
        if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw SnsErrors.invalidParameter("Email address");
        return endpoint;
      case "sms": {
        const digits = endpoint.replace(/[\s().-]/g, "");
        if (!/^\+?[0-9]{5,15}$/.test(digits)) throw SnsErrors.invalidParameterRaw(`Invalid SMS endpoint: ${endpoint}`);
        return digits.startsWith("+") ? digits : `+${digits}`;
      }
      case "application":
        if (!/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/.+/.test(endpoint)) throw SnsErrors.invalidParameter("Application endpoint arn invalid:" + endpoint);
        return endpoint;
      case "lambda":
        if (!/^arn:aws[\w-]*:lambda:/.test(endpoint)) throw SnsErrors.invalidParameter("Lambda endpoint ARN");
        return endpoint;
      case "firehose":
        if (!/^arn:aws[\w-]*:firehose:/.test(endpoint)) throw SnsErrors.invalidParameter("Firehose endpoint ARN");
        return endpoint;
    }
    return endpoint;
  }

  const handlers = {
    CreateTopic(input: Sns.CreateTopicInput, ctx: OperationContext): Sns.CreateTopicResponse {
      const name = input.Name ?? "";
      const requested = { ...(input.Attributes ?? {}) };
      if (input.DataProtectionPolicy !== undefined) requested["DataProtectionPolicy"] = input.DataProtectionPolicy;
      const fifo = requested["FifoTopic"]?.toLowerCase() === "true";
      if (fifo ? !FIFO_TOPIC_NAME.test(name) : !TOPIC_NAME.test(name)) {
        throw fifo || name.endsWith(".fifo")
          ? SnsErrors.invalidParameter("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
          : SnsErrors.invalidParameter("Topic Name");
      }
      for (const [key, value] of Object.entries(requested)) validateTopicAttribute(key, value, fifo, true);
      delete requested["FifoTopic"];
      const tags = input.Tags ?? [];
      validateTags(tags);
      if (tags.length > 50) throw SnsErrors.tagLimitExceeded();
      const arn = makeTopicArn(ctx.region, ctx.account, name);
      return env.db.transaction(() => {
        const existing = store.getTopic.get(arn);
        if (existing) {
          const current = attributesOf(existing.attributes);
          for (const [key, value] of Object.entries(requested)) {
            if (current[key] !== value) throw SnsErrors.invalidParameter("Attributes Reason: Topic already exists with different attributes");
          }
          if (tags.length > 0) {
            const currentTags = new Map(tagsOf(existing));
            if (tags.some((t) => currentTags.get(t.Key!) !== (t.Value ?? ""))) throw SnsErrors.invalidParameter("Tags Reason: Topic already exists with different tags");
          }
          return { TopicArn: arn };
        }
        const tagMap = new Map<string, string>();
        for (const t of tags) tagMap.set(t.Key!, t.Value ?? "");
        store.insertTopic.run(arn, ctx.account, ctx.region, name, fifo ? 1 : 0, JSON.stringify(requested), JSON.stringify([...tagMap]), clock.now());
        return { TopicArn: arn };
      });
    },

    DeleteTopic(input: Sns.DeleteTopicInput, ctx: OperationContext): void {
      const arn = input.TopicArn;
      if (!arn || !parseTopicArn(arn)) throw SnsErrors.invalidParameter("TopicArn");
      const row = store.getTopic.get(arn);
      // Deleting a topic that does not exist succeeds, as in AWS.
      if (!row || row.account !== ctx.account || row.region !== ctx.region) return;
      env.db.transaction(() => {
        store.deleteTopicSubscriptions.run(arn);
        store.deleteTopicDedup.run(arn);
        store.deleteTopic.run(arn);
      });
    },

    ListTopics(input: Sns.ListTopicsInput, ctx: OperationContext): Sns.ListTopicsResponse {
      const after = decodeToken(input.NextToken) ?? "";
      const rows = store.listTopics.all(ctx.account, ctx.region, after, PAGE + 1);
      const page = rows.slice(0, PAGE);
      const out: Sns.ListTopicsResponse = { Topics: page.map((r) => ({ TopicArn: r.arn })) };
      if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1]!.arn);
      return out;
    },

    GetTopicAttributes(input: Sns.GetTopicAttributesInput, ctx: OperationContext): Sns.GetTopicAttributesResponse {
      const topic = ownTopic(input.TopicArn, ctx);
      const counts = store.countSubscriptions.get(topic.arn)!;
      const stored = attributesOf(topic.attributes);
      const attributes: Record<string, string> = {
        Policy: defaultTopicPolicy(topic.arn, topic.account),
        Owner: topic.account,
        SubscriptionsPending: String(counts.pending),
        TopicArn: topic.arn,
        EffectiveDeliveryPolicy: DEFAULT_EFFECTIVE_DELIVERY_POLICY,
        SubscriptionsConfirmed: String(counts.confirmed),
        DisplayName: "",
        SubscriptionsDeleted: "0",
      };
      if (topic.fifo) {
        attributes["FifoTopic"] = "true";
        attributes["ContentBasedDeduplication"] = "false";
        attributes["FifoThroughputScope"] = "Topic";
      }
      for (const [key, value] of Object.entries(stored)) if (value !== "") attributes[key] = value;
      if (stored["DeliveryPolicy"]) attributes["EffectiveDeliveryPolicy"] = stored["DeliveryPolicy"];
      return { Attributes: attributes };
    },

    SetTopicAttributes(input: Sns.SetTopicAttributesInput, ctx: OperationContext): void {
      const name = input.AttributeName ?? "";
      const value = input.AttributeValue ?? "";
      env.db.transaction(() => {
        const topic = ownTopic(input.TopicArn, ctx);
        validateTopicAttribute(name, value, topic.fifo === 1, false);
        const attrs = { ...attributesOf(topic.attributes) };
        if (value === "" && name !== "DisplayName") delete attrs[name];
        else attrs[name] = value;
        store.setTopicAttributes.run(JSON.stringify(attrs), topic.arn);
      });
    },

    GetDataProtectionPolicy(input: Sns.GetDataProtectionPolicyInput, ctx: OperationContext): Sns.GetDataProtectionPolicyResponse {
      const topic = ownTopic(input.ResourceArn, ctx);
      const policy = attributesOf(topic.attributes)["DataProtectionPolicy"];
      return policy ? { DataProtectionPolicy: policy } : {};
    },

    PutDataProtectionPolicy(input: Sns.PutDataProtectionPolicyInput, ctx: OperationContext): void {
      handlers.SetTopicAttributes({ TopicArn: input.ResourceArn, AttributeName: "DataProtectionPolicy", AttributeValue: input.DataProtectionPolicy }, ctx);
    },

    TagResource(input: Sns.TagResourceRequest, ctx: OperationContext): Sns.TagResourceResponse {
      const tags = input.Tags ?? [];
      validateTags(tags);
      env.db.transaction(() => {
        const topic = resourceTopic(input.ResourceArn, ctx);
        const current = new Map(tagsOf(topic));
        for (const t of tags) current.set(t.Key!, t.Value ?? "");
        if (current.size > 50) throw SnsErrors.tagLimitExceeded();
        store.setTopicTags.run(JSON.stringify([...current]), topic.arn);
      });
      return {};
    },

    UntagResource(input: Sns.UntagResourceRequest, ctx: OperationContext): Sns.UntagResourceResponse {
      env.db.transaction(() => {
        const topic = resourceTopic(input.ResourceArn, ctx);
        const current = new Map(tagsOf(topic));
        for (const key of input.TagKeys ?? []) current.delete(key);
        store.setTopicTags.run(JSON.stringify([...current]), topic.arn);
      });
      return {};
    },

    ListTagsForResource(input: Sns.ListTagsForResourceRequest, ctx: OperationContext): Sns.ListTagsForResourceResponse {
      const topic = resourceTopic(input.ResourceArn, ctx);
      return { Tags: tagsOf(topic).map(([Key, Value]) => ({ Key, Value })) };
    },

    Subscribe(input: Sns.SubscribeInput, ctx: OperationContext): Sns.SubscribeResponse {
      const protocol = input.Protocol ?? "";
      if (!PROTOCOLS.has(protocol)) throw SnsErrors.invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
      const topic = ownTopic(input.TopicArn, ctx);
      if (topic.fifo === 1 && protocol !== "sqs") throw SnsErrors.invalidParameter(`Invalid protocol type: ${protocol}`);
      const endpoint = validateEndpoint(protocol, input.Endpoint, topic);
      const requested = { ...(input.Attributes ?? {}) };
      validateSubscriptionAttributes({ protocol, topicArn: topic.arn, endpoint }, requested, Object.keys(requested), "subscribe");
      const result = env.db.transaction(() => {
        const existing = store.findSubscription.get(topic.arn, protocol, endpoint);
        if (existing) {
          const current = attributesOf(existing.attributes);
          for (const [key, value] of Object.entries(requested)) {
            if ((current[key] ?? "") !== value) throw SnsErrors.invalidParameter("Attributes Reason: Subscription already exists with different attributes");
          }
          return { row: existing, created: false };
        }
        const arn = `${topic.arn}:${randomUUID()}`;
        const pending = NEEDS_CONFIRMATION.has(protocol);
        const attrs: Record<string, string> = { ...requested };
        if (attrs["FilterPolicy"] && !attrs["FilterPolicyScope"]) attrs["FilterPolicyScope"] = "MessageAttributes";
        attrs["ConfirmationWasAuthenticated"] = pending ? "false" : "true";
        // AWS's tokens are 288 hex characters.
        const token = randomBytes(144).toString("hex");
        store.insertSubscription.run(arn, topic.arn, ctx.account, ctx.region, protocol, endpoint, JSON.stringify(attrs), token, pending ? 0 : 1, clock.now());
        return { row: store.getSubscription.get(arn)!, created: true };
      });
      const row = result.row;
      if (!row.confirmed) {
        // AWS resends the confirmation when Subscribe is repeated for a pending subscription.
        sendConfirmation("SubscriptionConfirmation", row, topic, ctx.baseUrl);
        return { SubscriptionArn: input.ReturnSubscriptionArn ? row.arn : "pending confirmation" };
      }
      return { SubscriptionArn: row.arn };
    },

    ConfirmSubscription(input: Sns.ConfirmSubscriptionInput): Sns.ConfirmSubscriptionResponse {
      // Reached through the unsigned SubscribeURL too, so the topic is found by its ARN alone.
      const topic = topicByArn(input.TopicArn);
      return env.db.transaction(() => {
        const row = input.Token ? store.findByToken.get(topic.arn, input.Token) : undefined;
        if (!row || (!row.confirmed && row.created_at + PENDING_TOKEN_TTL_MS < clock.now())) throw SnsErrors.invalidParameter("Token");
        if (!row.confirmed) {
          const attrs = { ...attributesOf(row.attributes), ConfirmationWasAuthenticated: input.AuthenticateOnUnsubscribe?.toLowerCase() === "true" ? "true" : "false" };
          store.confirmSubscription.run(JSON.stringify(attrs), row.arn);
        }
        return { SubscriptionArn: row.arn };
      });
    },

    Unsubscribe(input: Sns.UnsubscribeInput, ctx: OperationContext): void {
      const arn = input.SubscriptionArn ?? "";
      const elements = arn.split(":").length;
      if (elements < 6) throw SnsErrors.invalidParameter(`SubscriptionArn Reason: An ARN must have at least 6 elements, not ${elements}`);
      if (!topicOfSubscription(arn)) throw SnsErrors.invalidParameter("SubscriptionId");
      const row = store.getSubscription.get(arn);
      if (!row) return;
      store.deleteSubscription.run(arn);
      if (row.protocol === "http" || row.protocol === "https") {
        const topic = store.getTopic.get(row.topic_arn);
        if (topic) sendConfirmation("UnsubscribeConfirmation", row, topic, ctx.baseUrl);
      }
    },

    ListSubscriptions(input: Sns.ListSubscriptionsInput, ctx: OperationContext): Sns.ListSubscriptionsResponse {
      const after = Number(decodeToken(input.NextToken) ?? 0);
      const rows = store.listSubscriptions.all(ctx.account, ctx.region, after, PAGE + 1);
      const page = rows.slice(0, PAGE);
      const out: Sns.ListSubscriptionsResponse = { Subscriptions: page.map(subscriptionView) };
      if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1]!.rowid);
      return out;
    },

    ListSubscriptionsByTopic(input: Sns.ListSubscriptionsByTopicInput, ctx: OperationContext): Sns.ListSubscriptionsByTopicResponse {
      const topic = ownTopic(input.TopicArn, ctx);
      const after = Number(decodeToken(input.NextToken) ?? 0);
      const rows = store.listTopicSubscriptions.all(topic.arn, after, PAGE + 1);
      const page = rows.slice(0, PAGE);
      const out: Sns.ListSubscriptionsByTopicResponse = { Subscriptions: page.map(subscriptionView) };
      if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1]!.rowid);
      return out;
    },

    GetSubscriptionAttributes(input: Sns.GetSubscriptionAttributesInput, ctx: OperationContext): Sns.GetSubscriptionAttributesResponse {
      const row = ownSubscription(input.SubscriptionArn, ctx);
      const stored = attributesOf(row.attributes);
      const attributes: Record<string, string> = {
        ConfirmationWasAuthenticated: stored["ConfirmationWasAuthenticated"] ?? "true",
        Owner: row.account,
        PendingConfirmation: row.confirmed ? "false" : "true",
        Protocol: row.protocol,
        RawMessageDelivery: "false",
        SubscriptionArn: row.arn,
        TopicArn: row.topic_arn,
        Endpoint: row.endpoint,
        SubscriptionPrincipal: `arn:aws:iam::${row.account}:root`,
      };
      for (const [key, value] of Object.entries(stored)) attributes[key] = value;
      // A scope without a policy is kept for a later policy but not shown, as AWS does.
      if (!attributes["FilterPolicy"]) delete attributes["FilterPolicyScope"];
      if (attributes["RawMessageDelivery"]) attributes["RawMessageDelivery"] = attributes["RawMessageDelivery"].toLowerCase();
      if (row.protocol === "http" || row.protocol === "https") {
        const topic = store.getTopic.get(row.topic_arn);
        const policy = effectiveHttpPolicy(topic ? attributesOf(topic.attributes)["DeliveryPolicy"] : undefined, stored["DeliveryPolicy"]);
        attributes["EffectiveDeliveryPolicy"] = JSON.stringify({ healthyRetryPolicy: policy.retry, sicklyRetryPolicy: null, throttlePolicy: null, requestPolicy: { headerContentType: policy.contentType }, guaranteed: false });
      }
      return { Attributes: attributes };
    },

    SetSubscriptionAttributes(input: Sns.SetSubscriptionAttributesInput, ctx: OperationContext): void {
      const name = input.AttributeName ?? "";
      const value = input.AttributeValue ?? "";
      env.db.transaction(() => {
        const row = ownSubscription(input.SubscriptionArn, ctx);
        const attrs = { ...attributesOf(row.attributes) };
        if (value === "" && (name === "FilterPolicy" || name === "RedrivePolicy" || name === "DeliveryPolicy")) {
          delete attrs[name];
        } else {
          attrs[name] = value;
          if (name === "FilterPolicy" && !attrs["FilterPolicyScope"]) attrs["FilterPolicyScope"] = "MessageAttributes";
        }
        const changed = name === "FilterPolicyScope" && attrs["FilterPolicy"] ? [name, "FilterPolicy"] : [name];
        validateSubscriptionAttributes({ protocol: row.protocol, topicArn: row.topic_arn, endpoint: row.endpoint }, attrs, changed, "set");
        store.setSubscriptionAttributes.run(JSON.stringify(attrs), row.arn);
      });
    },

    AddPermission(input: Sns.AddPermissionInput, ctx: OperationContext): void {
      const label = input.Label ?? "";
      if (!/^[A-Za-z0-9_-]{1,100}$/.test(label)) throw SnsErrors.invalidParameter("Label");
      const actions = input.ActionName ?? [];
      if (actions.length === 0) throw SnsErrors.invalidParameter("ActionName");
      for (const action of actions) if (!TOPIC_ACTIONS.has(action)) throw SnsErrors.invalidParameter("Policy statement action out of service scope!");
      const accounts = input.AWSAccountId ?? [];
      if (accounts.length === 0) throw SnsErrors.invalidParameter("AWSAccountId");
      env.db.transaction(() => {
        const topic = ownTopic(input.TopicArn, ctx);
        const policy = currentPolicy(topic);
        if (policy.Statement.some((s) => s["Sid"] === label)) throw SnsErrors.invalidParameter("Statement already exists");
        const principals = accounts.map((a) => `arn:aws:iam::${a}:root`);
        const verbs = actions.map((a) => `SNS:${a}`);
        policy.Statement.push({ Sid: label, Effect: "Allow", Principal: { AWS: principals.length === 1 ? principals[0] : principals }, Action: verbs.length === 1 ? verbs[0] : verbs, Resource: topic.arn });
        store.setTopicAttributes.run(JSON.stringify({ ...attributesOf(topic.attributes), Policy: JSON.stringify(policy) }), topic.arn);
      });
    },

    RemovePermission(input: Sns.RemovePermissionInput, ctx: OperationContext): void {
      env.db.transaction(() => {
        const topic = ownTopic(input.TopicArn, ctx);
        const policy = currentPolicy(topic);
        policy.Statement = policy.Statement.filter((s) => s["Sid"] !== input.Label);
        store.setTopicAttributes.run(JSON.stringify({ ...attributesOf(topic.attributes), Policy: JSON.stringify(policy) }), topic.arn);
      });
    },

    GetSMSAttributes(input: Sns.GetSMSAttributesInput, ctx: OperationContext): Sns.GetSMSAttributesResponse {
      const all: Record<string, string> = {};
      for (const row of store.smsAttributes.all(ctx.account, ctx.region)) all[row.name] = row.value;
      if (!input.attributes?.length) return { attributes: all };
      const out: Record<string, string> = {};
      for (const name of input.attributes) if (all[name] !== undefined) out[name] = all[name];
      return { attributes: out };
    },

    SetSMSAttributes(input: Sns.SetSMSAttributesInput, ctx: OperationContext): Sns.SetSMSAttributesResponse {
      const attributes = input.attributes ?? {};
      for (const [name, value] of Object.entries(attributes)) {
        if (!SMS_ATTRIBUTES.has(name)) throw SnsErrors.invalidParameterRaw(`${name} is not a valid attribute`);
        if (name === "DefaultSMSType" && value !== "Promotional" && value !== "Transactional") throw SnsErrors.invalidParameterRaw("DefaultSMSType is invalid");
      }
      env.db.transaction(() => {
        for (const [name, value] of Object.entries(attributes)) store.setSmsAttribute.run(ctx.account, ctx.region, name, value);
      });
      return {};
    },

    CheckIfPhoneNumberIsOptedOut(input: Sns.CheckIfPhoneNumberIsOptedOutInput): Sns.CheckIfPhoneNumberIsOptedOutResponse {
      if (!input.phoneNumber) throw SnsErrors.invalidParameter("PhoneNumber");
      return { isOptedOut: false };
    },

    ListPhoneNumbersOptedOut(): Sns.ListPhoneNumbersOptedOutResponse {
      return { phoneNumbers: [] };
    },

    OptInPhoneNumber(): Sns.OptInPhoneNumberResponse {
      return {};
    },

    // cloudbox sends no real SMS, so no account is in the SMS sandbox and it has no sandbox numbers.
    GetSMSSandboxAccountStatus(): Sns.GetSMSSandboxAccountStatusResult {
      return { IsInSandbox: false };
    },

    ListSMSSandboxPhoneNumbers(): Sns.ListSMSSandboxPhoneNumbersResult {
      return { PhoneNumbers: [] };
    },

    Publish(input: Sns.PublishInput, ctx: OperationContext): Sns.PublishResponse {
      if (input.PhoneNumber !== undefined && input.TopicArn === undefined && input.TargetArn === undefined) return publishSms(input, ctx);
      const arn = input.TopicArn ?? input.TargetArn;
      if (arn === undefined) throw SnsErrors.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
      if (input.TopicArn !== undefined && input.TargetArn !== undefined) throw SnsErrors.invalidParameter("TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
      if (input.TargetArn !== undefined && !parseTopicArn(input.TargetArn)) {
        if (/:endpoint\//.test(input.TargetArn)) return publishToEndpoint(input.TargetArn, input, ctx);
        throw SnsErrors.invalidParameter("TargetArn");
      }
      const topic = ownTopic(arn, ctx);
      return publishToTopic(topic, input, ctx);
    },

    PublishBatch(input: Sns.PublishBatchInput, ctx: OperationContext): Sns.PublishBatchResponse {
      const entries = input.PublishBatchRequestEntries ?? [];
      const topic = ownTopic(input.TopicArn, ctx);
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
          const result = publishToTopic(topic, entry, ctx);
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

  function currentPolicy(topic: TopicRow): { Statement: Record<string, unknown>[] } & Record<string, unknown> {
    const text = attributesOf(topic.attributes)["Policy"] ?? defaultTopicPolicy(topic.arn, topic.account);
    const policy = parseJson<{ Statement?: Record<string, unknown>[] } & Record<string, unknown>>(text);
    return { ...policy, Statement: Array.isArray(policy.Statement) ? policy.Statement : [] };
  }

  function resourceTopic(arn: string | undefined, ctx: OperationContext): TopicRow {
    if (!arn || !parseTopicArn(arn)) throw SnsErrors.resourceNotFound();
    const row = store.getTopic.get(arn);
    if (!row || row.account !== ctx.account || row.region !== ctx.region) throw SnsErrors.resourceNotFound();
    return row;
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

  function view(row: CapturedRow): CapturedDeliveryView {
    return {
      protocol: row.protocol,
      endpoint: row.endpoint,
      subscriptionArn: row.subscription_arn,
      topicArn: row.topic_arn,
      messageId: row.message_id,
      type: row.type,
      subject: row.subject,
      message: row.message,
      body: row.body,
      timestamp: new Date(row.at).toISOString(),
      account: row.account,
      region: row.region,
    };
  }

  return {
    handlers: { ...handlers, ...platform.handlers },
    capturedDeliveries(filter = {}) {
      return store.captured
        .all()
        .filter(
          (r) =>
            (!filter.protocol || r.protocol === filter.protocol) &&
            (!filter.endpoint || r.endpoint === filter.endpoint) &&
            (!filter.topicArn || r.topic_arn === filter.topicArn) &&
            (!filter.subscriptionArn || r.subscription_arn === filter.subscriptionArn) &&
            (!filter.account || r.account === filter.account) &&
            (!filter.type || r.type === filter.type),
        )
        .map(view);
    },
    clearCapturedDeliveries() {
      store.clearCaptured.run();
    },
    async signingCertificate() {
      return (await signer()).certificatePem;
    },
    deliveryFailures() {
      return [...failures];
    },
    subscriptionToken(subscriptionArn) {
      const row = store.getSubscription.get(subscriptionArn);
      return row ? { token: row.token, topicArn: row.topic_arn, pendingConfirmation: !row.confirmed } : undefined;
    },
    reset() {
      deliverer.reset();
      failures = [];
      policies.clear();
      parsedAttributes.clear();
    },
    close() {
      deliverer.reset();
    },
  };
}

export function isSnsProvider(provider: ServiceProvider | undefined): provider is SnsProvider {
  return typeof (provider as Partial<SnsProvider> | undefined)?.capturedDeliveries === "function";
}

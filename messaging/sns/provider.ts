import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import type { QueueDelivery } from "../sqs/queue-delivery.js";
import { SnsErrors } from "./sns-errors.js";
import { parseTopicArn, topicOfSubscription } from "./arns.js";
import type { CapturedRow, SubscriptionRow, TopicRow } from "./sns-store.js";
import { createSnsStore } from "./sns-store.js";
import type { CompiledPolicy, FilterPolicyScope } from "./filter-policy.js";
import { compileFilterPolicy } from "./filter-policy.js";
import type { CapturedDelivery } from "./delivery.js";
import { SnsDeliverer } from "./delivery.js";
import { signer } from "./message-signing.js";
import { defaultTopicPolicy } from "./attributes.js";
import type { TopicTarget } from "./topic-access.js";
import { authorizeTopic } from "./topic-access.js";
import { createPlatformEndpoints } from "./platform-endpoints.js";
import type { SnsContext } from "./sns-context.js";
import { parseJson } from "./sns-context.js";
import { topicHandlers } from "./topic-handlers.js";
import { subscriptionHandlers } from "./subscription-handlers.js";
import { publishHandlers } from "./publish-handlers.js";
import { smsHandlers } from "./sms-handlers.js";

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

  function accessTarget(row: TopicRow): TopicTarget {
    return { arn: row.arn, account: row.account, policyText: attributesOf(row.attributes)["Policy"] };
  }

  function authorize(row: TopicRow | undefined, arn: string, account: string, ctx: OperationContext): void {
    authorizeTopic(row && accessTarget(row), { arn, account }, ctx, defaultTopicPolicy);
  }

  function ownTopic(arn: string | undefined, ctx: OperationContext): TopicRow {
    if (!arn) throw SnsErrors.invalidParameter("TopicArn");
    const parts = parseTopicArn(arn);
    if (!parts) throw SnsErrors.invalidParameter("TopicArn");
    const row = store.getTopic.get(arn);
    // Authorized before it is found: another account's topic answers nothing about itself to a caller its policy refuses.
    authorize(row, arn, parts.account, ctx);
    if (!row || row.region !== ctx.region) throw SnsErrors.topicNotFound();
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
    if (row) checkSubscriptionAccess(row, ctx);
    if (!row || row.region !== ctx.region) throw SnsErrors.subscriptionNotFound();
    return row;
  }

  /** A subscription is its subscriber's and its topic owner's to read, change or end. */
  function checkSubscriptionAccess(row: SubscriptionRow, ctx: OperationContext): void {
    const topicOwner = parseTopicArn(row.topic_arn)?.account;
    if (row.account !== ctx.account && topicOwner !== ctx.account) throw SnsErrors.notAuthorized(ctx.caller.arn, ctx.operation, row.arn, "none");
  }

  function signatureVersion(topic: TopicRow): "1" | "2" {
    return attributesOf(topic.attributes)["SignatureVersion"] === "2" ? "2" : "1";
  }

  function tagsOf(topic: TopicRow): [string, string][] {
    return parseJson<[string, string][]>(topic.tags);
  }

  function resourceTopic(arn: string | undefined, ctx: OperationContext): TopicRow {
    const parts = arn ? parseTopicArn(arn) : undefined;
    if (!arn || !parts) throw SnsErrors.resourceNotFound();
    const row = store.getTopic.get(arn);
    authorize(row, arn, parts.account, ctx);
    if (!row || row.region !== ctx.region) throw SnsErrors.resourceNotFound();
    return row;
  }

  function authorizeTopicRow(row: TopicRow, ctx: OperationContext): void {
    authorize(row, row.arn, row.account, ctx);
  }

  const context: SnsContext = {
    env, store, clock, deliverer, platform, attributesOf, policyOf, ownTopic, topicByArn, ownSubscription, resourceTopic, signatureVersion, tagsOf,
    authorize, authorizeTopicRow, checkSubscriptionAccess,
  };
  const handlers = { ...topicHandlers(context), ...subscriptionHandlers(context), ...publishHandlers(context), ...smsHandlers(context), ...platform.handlers };

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
    handlers,
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
      store.writes.count++; // the tables were emptied beneath the store
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

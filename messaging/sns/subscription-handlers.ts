import type * as Sns from "@aws-sdk/client-sns";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { SnsContext } from "./sns-context.js";
import { randomBytes, randomUUID } from "node:crypto";
import { SnsErrors } from "./sns-errors.js";
import { parseQueueArn, topicOfSubscription } from "./arns.js";
import { validateSubscriptionAttributes } from "./attributes.js";
import { effectiveHttpPolicy } from "./delivery-policy.js";
import { PAGE, decodeToken, encodeToken } from "./sns-context.js";
import type { SubscriptionRow, TopicRow } from "./sns-store.js";

const PENDING_TOKEN_TTL_MS = 3 * 24 * 3600 * 1000;
const PROTOCOLS = new Set(["sqs", "http", "https", "email", "email-json", "sms", "application", "lambda", "firehose"]);
const NEEDS_CONFIRMATION = new Set(["http", "https", "email", "email-json"]);

/** Subscriptions: subscribe (pending confirmation for HTTP(S) and email), confirm, unsubscribe, list, attributes. */
export function subscriptionHandlers(c: SnsContext) {
  const { env, store, clock, deliverer, attributesOf, ownTopic, topicByArn, ownSubscription, signatureVersion } = c;

  function sendConfirmation(kind: "SubscriptionConfirmation" | "UnsubscribeConfirmation", sub: SubscriptionRow, topic: TopicRow, baseUrl: string): void {
    const attrs = attributesOf(sub.attributes);
    deliverer.confirmation(
      kind,
      { arn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint, account: sub.account, region: sub.region, http: effectiveHttpPolicy(attributesOf(topic.attributes)["DeliveryPolicy"], attrs["DeliveryPolicy"]) },
      { topicArn: topic.arn, token: sub.token, baseUrl, signatureVersion: signatureVersion(topic) },
    );
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
        // A queue of another account than the subscriber's is confirmed by its owner, as on AWS.
        const pending = NEEDS_CONFIRMATION.has(protocol) || (protocol === "sqs" && parseQueueArn(endpoint)?.account !== ctx.account);
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
      c.checkSubscriptionAccess(row, ctx);
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

  };
  return handlers;
}

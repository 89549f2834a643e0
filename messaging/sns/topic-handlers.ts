import type * as Sns from "@aws-sdk/client-sns";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { SnsContext } from "./sns-context.js";
import { SnsErrors } from "./sns-errors.js";
import { parseTopicArn, topicArn as makeTopicArn } from "./arns.js";
import { defaultTopicPolicy, validateTopicAttribute } from "./attributes.js";
import { DEFAULT_EFFECTIVE_DELIVERY_POLICY } from "./delivery-policy.js";
import { PAGE, decodeToken, encodeToken, parseJson } from "./sns-context.js";
import type { TopicRow } from "./sns-store.js";

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ACTIONS = new Set(["GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission", "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive"]);

/** Topics: create (idempotent), delete, list, attributes, tags, data protection and permissions. */
export function topicHandlers(c: SnsContext) {
  const { env, store, clock, attributesOf, ownTopic, resourceTopic, tagsOf } = c;

  function validateTags(tags: Sns.Tag[]): void {
    for (const tag of tags) {
      if (!tag.Key || tag.Key.length > 128) throw SnsErrors.invalidParameter("Tags Reason: Tag keys must be between 1 and 128 characters in length.");
      if ((tag.Value ?? "").length > 256) throw SnsErrors.invalidParameter("Tags Reason: Tag values must be between 0 and 256 characters in length.");
      if (tag.Key.toLowerCase().startsWith("aws:")) throw SnsErrors.invalidParameter("Tags Reason: Tag keys can't begin with aws:");
    }
  }

  function currentPolicy(topic: TopicRow): { Statement: Record<string, unknown>[] } & Record<string, unknown> {
    const text = attributesOf(topic.attributes)["Policy"] ?? defaultTopicPolicy(topic.arn, topic.account);
    const policy = parseJson<{ Statement?: Record<string, unknown>[] } & Record<string, unknown>>(text);
    return { ...policy, Statement: Array.isArray(policy.Statement) ? policy.Statement : [] };
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
      c.authorize(row, arn, parseTopicArn(arn)!.account, ctx);
      // Deleting a topic that does not exist succeeds, as in AWS.
      if (!row || row.region !== ctx.region) return;
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

  };
  return handlers;
}

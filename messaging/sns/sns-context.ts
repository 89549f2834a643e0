import type { DomainEnvironment } from "../../storage/state/environment.js";
import type { Clock } from "../../storage/state/clock.js";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { SnsStore, SubscriptionRow, TopicRow } from "./sns-store.js";
import type { SnsDeliverer } from "./delivery.js";
import type { CompiledPolicy, FilterPolicyScope } from "./filter-policy.js";
import type { createPlatformEndpoints } from "./platform-endpoints.js";
import { SnsErrors } from "./sns-errors.js";

/** What every group of SNS handlers shares: the store, delivery, caches and lookups with AWS's errors. */
export interface SnsContext {
  env: DomainEnvironment;
  store: SnsStore;
  clock: Clock;
  deliverer: SnsDeliverer;
  platform: ReturnType<typeof createPlatformEndpoints>;
  /** Parsed attribute JSON, cached by its text. */
  attributesOf(text: string): Record<string, string>;
  /** A compiled filter policy, cached by its text and scope. */
  policyOf(text: string, scope: FilterPolicyScope): CompiledPolicy;
  /** The caller's topic (same account and region), else NotFound. */
  ownTopic(arn: string | undefined, ctx: OperationContext): TopicRow;
  /** Any topic by ARN alone (the unsigned SubscribeURL carries no account). */
  topicByArn(arn: string | undefined): TopicRow;
  ownSubscription(arn: string | undefined, ctx: OperationContext): SubscriptionRow;
  /** The topic a tagging call names, else ResourceNotFound. */
  resourceTopic(arn: string | undefined, ctx: OperationContext): TopicRow;
  /** AuthorizationError unless the topic's policy (or ownership) lets the caller perform the request's operation. */
  authorize(row: TopicRow | undefined, arn: string, account: string, ctx: OperationContext): void;
  authorizeTopicRow(row: TopicRow, ctx: OperationContext): void;
  /** AuthorizationError unless the caller is the subscription's subscriber or its topic's owner. */
  checkSubscriptionAccess(row: SubscriptionRow, ctx: OperationContext): void;
  signatureVersion(topic: TopicRow): "1" | "2";
  tagsOf(topic: TopicRow): [string, string][];
}

export const PAGE = 100;

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Opaque NextTokens: the last key of the page, base64url-encoded. */
export function encodeToken(value: string | number): string {
  return Buffer.from(String(value), "utf8").toString("base64url");
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text || encodeToken(text) !== token.replace(/=+$/, "")) throw SnsErrors.invalidParameter("NextToken");
  return text;
}

import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { AuthorizationRequest, Policy } from "../../services/identity/policy/index.js";
import { evaluate, parsePolicy } from "../../services/identity/policy/index.js";
import { SnsErrors } from "./sns-errors.js";

/**
 * Who may act on a topic, as SNS decides it: the topic's policy (the default one lets the owner's account
 * do everything, through its `AWS:SourceOwner` condition) admits other accounts for the actions it allows
 * them; the owner is refused only by an explicit Deny. Tagging and data protection are the owner's alone,
 * and so is editing the policy itself, so that no policy locks its owner out of changing it.
 */

/** The actions a topic policy (and AddPermission) can grant: AWS's list for AddPermission's ActionName. */
export const SHAREABLE_TOPIC_ACTIONS: ReadonlySet<string> = new Set([
  "GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission", "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive",
]);

/** The owner's policy administration, which the owner's own policy does not govern. */
const OWNER_ADMINISTRATION = new Set(["SetTopicAttributes", "AddPermission", "RemovePermission"]);

/** The topic action an operation is authorized as (PublishBatch is Publish; data protection its own, owner-only). */
export function topicAction(operation: string): string {
  return operation === "PublishBatch" ? "Publish" : operation;
}

export interface TopicTarget {
  arn: string;
  account: string;
  /** The topic's Policy attribute as stored; undefined for the default policy. */
  policyText: string | undefined;
}

function policyOf(target: TopicTarget, defaultPolicy: (arn: string, account: string) => string): Policy | undefined {
  try {
    return parsePolicy(target.policyText ?? defaultPolicy(target.arn, target.account));
  } catch {
    // A policy stored before policies were checked grants nothing; the owner keeps its topic.
    return undefined;
  }
}

/** Throws AWS's AuthorizationError (403) unless the caller may perform the operation on the topic. */
export function authorizeTopic(target: TopicTarget | undefined, arnAccount: { arn: string; account: string }, ctx: OperationContext, defaultPolicy: (arn: string, account: string) => string, operation = ctx.operation): void {
  const action = topicAction(operation);
  const owner = arnAccount.account === ctx.account;
  // The default policy never denies; the owner needs no look at it.
  if (owner && (!target || target.policyText === undefined || OWNER_ADMINISTRATION.has(action) || !SHAREABLE_TOPIC_ACTIONS.has(action))) return;
  const policy = target ? policyOf(target, defaultPolicy) : undefined;
  const request: AuthorizationRequest = {
    principal: { type: "AWS", id: ctx.caller.arn, account: ctx.caller.account },
    action: `sns:${action}`,
    resource: arnAccount.arn,
    // For a direct call AWS:SourceOwner is the caller's account: that is what the default policy's condition compares.
    context: { "aws:SourceOwner": ctx.caller.account, "aws:SecureTransport": ctx.baseUrl.startsWith("https:") ? "true" : "false" },
  };
  const decision = policy ? evaluate([policy], request) : "ImplicitDeny";
  if (decision === "Deny") throw SnsErrors.notAuthorized(ctx.caller.arn, action, arnAccount.arn, "explicit");
  if (owner) return;
  if (decision !== "Allow" || !SHAREABLE_TOPIC_ACTIONS.has(action)) throw SnsErrors.notAuthorized(ctx.caller.arn, action, arnAccount.arn, "none");
}

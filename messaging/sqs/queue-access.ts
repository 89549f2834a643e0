import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { AuthorizationRequest, Decision, Policy } from "../../services/identity/policy/index.js";
import { evaluate } from "../../services/identity/policy/index.js";
import { SqsErrors } from "./errors.js";

/**
 * Who may act on a queue, as SQS decides it: the owner account always, unless the queue's policy
 * explicitly denies the action; another account only when the queue's policy allows it the action.
 * Actions that SQS never shares across accounts (its own list: creating, deleting, configuring,
 * tagging and re-permissioning a queue) are the owner's alone, whatever the policy says.
 */

/** The IAM action an operation is authorized as: batches as their single-message action. */
export function queueAction(operation: string): string {
  const base = operation.endsWith("Batch") ? operation.slice(0, -"Batch".length) : operation;
  return `sqs:${base}`;
}

/** Operations whose documentation says "Cross-account permissions don't apply to this action". */
export const OWNER_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  "AddPermission", "CreateQueue", "DeleteQueue", "ListQueueTags", "ListQueues", "RemovePermission", "SetQueueAttributes", "TagQueue", "UntagQueue",
]);

/** The actions a queue policy (and AddPermission) can grant another account; the batch actions come with their single ones. */
export const SHAREABLE_ACTIONS: ReadonlySet<string> = new Set([
  "ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",
  "ReceiveMessage", "SendMessage", "StartMessageMoveTask", "CancelMessageMoveTask", "ListMessageMoveTasks",
]);

/** The queue a request names, whether or not it exists: enough to authorize before looking it up. */
export interface QueueTarget {
  account: string;
  arn: string;
  policy: Policy | null;
}

function requestFor(target: QueueTarget, action: string, principal: AuthorizationRequest["principal"], context: AuthorizationRequest["context"]): AuthorizationRequest {
  return { principal, action, resource: target.arn, context };
}

function decide(target: QueueTarget, request: AuthorizationRequest): Decision {
  return target.policy ? evaluate([target.policy], request) : "ImplicitDeny";
}

/** The condition keys cloudbox knows of a direct request: whether it came over TLS, and the time. */
function requestContext(ctx: OperationContext, now: number): AuthorizationRequest["context"] {
  return {
    "aws:SecureTransport": ctx.baseUrl.startsWith("https:") ? "true" : "false",
    "aws:CurrentTime": new Date(now).toISOString(),
    "aws:EpochTime": String(Math.floor(now / 1000)),
  };
}

/** Throws AWS's AccessDenied unless the caller may perform the operation on the queue. */
export function authorizeQueue(target: QueueTarget, ctx: OperationContext, now: number, operation = ctx.operation): void {
  const owner = target.account === ctx.account;
  // The owner's own administration is not subject to the queue policy, so no policy can lock the owner out of removing it.
  if (owner && (!target.policy || OWNER_ONLY_ACTIONS.has(operation))) return;
  const action = queueAction(operation);
  const principal: AuthorizationRequest["principal"] = { type: "AWS", id: ctx.caller.arn, account: ctx.caller.account };
  const decision = decide(target, requestFor(target, action, principal, requestContext(ctx, now)));
  if (decision === "Deny") throw SqsErrors.accessDenied(ctx.caller.arn, action, target.arn, "explicit");
  if (owner) return;
  if (decision !== "Allow" || OWNER_ONLY_ACTIONS.has(operation)) throw SqsErrors.accessDenied(ctx.caller.arn, action, target.arn, "none");
}

/** What a service that delivers into a queue (SNS fan-out, S3 notifications) says about itself. */
export interface DeliverySource {
  /** The delivering service's principal, e.g. `sns.amazonaws.com`. */
  service: string;
  /** The resource the message comes from (the topic's or bucket's ARN): aws:SourceArn. */
  sourceArn: string;
  /** The account that owns that resource: aws:SourceAccount. */
  sourceAccount: string;
}

/**
 * Whether a service may put a message on the queue for a resource of some account. A queue takes
 * deliveries from its own account's resources unless its policy denies them; from another account only
 * when its policy lets the service send for that resource (Principal `{"Service": "sns.amazonaws.com"}`
 * with an `aws:SourceArn` condition), or lets the source's account send.
 */
export function deliveryDecision(target: QueueTarget, source: DeliverySource, now: number): "Allow" | "Deny" | "ImplicitDeny" {
  const context = {
    "aws:SourceArn": source.sourceArn,
    "aws:SourceAccount": source.sourceAccount,
    "aws:SecureTransport": "true",
    "aws:CurrentTime": new Date(now).toISOString(),
    "aws:EpochTime": String(Math.floor(now / 1000)),
  };
  const asService = decide(target, requestFor(target, "sqs:SendMessage", { type: "Service", id: source.service }, context));
  const asAccount = decide(target, requestFor(target, "sqs:SendMessage", { type: "AWS", id: `arn:aws:iam::${source.sourceAccount}:root`, account: source.sourceAccount }, context));
  if (asService === "Deny" || asAccount === "Deny") return "Deny";
  if (target.account === source.sourceAccount || asService === "Allow" || asAccount === "Allow") return "Allow";
  return "ImplicitDeny";
}

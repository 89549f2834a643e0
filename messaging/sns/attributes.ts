import { parsePolicy, PolicySyntaxError } from "../../services/identity/policy/index.js";
import { SnsErrors } from "./sns-errors.js";
import type { CompiledPolicy, FilterPolicyScope } from "./filter-policy.js";
import { compileFilterPolicy, isFilterPolicyScope } from "./filter-policy.js";
import { parseQueueArn } from "./arns.js";

/** Topic and subscription attributes: which can be set, their validation and their defaults. */

const FEEDBACK = ["HTTP", "Application", "Lambda", "SQS", "Firehose"].flatMap((p) => [`${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`]);
const SETTABLE_TOPIC = new Set([
  "DeliveryPolicy",
  "DisplayName",
  "Policy",
  "TracingConfig",
  "KmsMasterKeyId",
  "SignatureVersion",
  "ContentBasedDeduplication",
  "ArchivePolicy",
  "DataProtectionPolicy",
  "FifoThroughputScope",
  ...FEEDBACK,
]);

function hasStatements(text: string): boolean {
  const statement = (JSON.parse(text) as { Statement?: unknown }).Statement;
  return Array.isArray(statement) ? statement.length > 0 : statement !== undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Validates one topic attribute as CreateTopic or SetTopicAttributes receives it. */
export function validateTopicAttribute(name: string, value: string, fifo: boolean, creating: boolean): void {
  if (name === "FifoTopic") {
    if (!creating) throw SnsErrors.invalidParameter("AttributeName");
    if (!/^(true|false)$/i.test(value)) throw SnsErrors.invalidParameter("Attributes Reason: FifoTopic: Invalid value [" + value + "]. Must be true or false.");
    return;
  }
  if (!SETTABLE_TOPIC.has(name)) throw SnsErrors.invalidParameter(creating ? `Attributes Reason: Unknown attribute ${name}` : "AttributeName");
  if (FEEDBACK.includes(name) && value !== "") {
    throw SnsErrors.notHonoured(`the topic attribute ${name}`, "delivery status logging to CloudWatch Logs is not emulated");
  }
  switch (name) {
    case "KmsMasterKeyId":
      // No KMS here: the key would be echoed back while messages are stored as they came. "" (no key) is the truth.
      if (value !== "") throw SnsErrors.notHonoured("the topic attribute KmsMasterKeyId", "SSE-KMS is not emulated (there is no KMS)");
      return;
    case "SignatureVersion":
      if (value !== "1" && value !== "2") throw SnsErrors.invalidParameter("Attributes Reason: SignatureVersion: Invalid value [" + value + "]. Must be 1 or 2.");
      return;
    case "ContentBasedDeduplication":
      if (!fifo) throw SnsErrors.invalidParameter("ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics");
      if (!/^(true|false)$/i.test(value)) throw SnsErrors.invalidParameter("Attributes Reason: ContentBasedDeduplication: Invalid value [" + value + "]. Must be true or false.");
      return;
    case "FifoThroughputScope":
      if (!fifo) throw SnsErrors.invalidParameter("FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics");
      if (value !== "Topic" && value !== "MessageGroup") throw SnsErrors.invalidParameter("FifoThroughputScope Reason: Invalid value [" + value + "]. Must be Topic or MessageGroup.");
      return;
    case "DisplayName":
      if (value.length > 100) throw SnsErrors.invalidParameter("DisplayName");
      return;
    case "Policy":
      if (value === "") return;
      if (!isJsonObject(value)) throw SnsErrors.invalidParameter(`${name}: failed to parse JSON.`);
      checkTopicPolicy(value);
      return;
    case "DeliveryPolicy":
      if (value !== "" && !isJsonObject(value)) throw SnsErrors.invalidParameter(`${name}: failed to parse JSON.`);
      return;
    case "DataProtectionPolicy":
      if (value !== "" && !isJsonObject(value)) throw SnsErrors.invalidParameter(`${name}: failed to parse JSON.`);
      // A policy of no statements changes nothing; statements (audit, deny, de-identify) would change deliveries.
      if (value !== "" && hasStatements(value)) throw SnsErrors.notHonoured("DataProtectionPolicy statements", "message data protection (audit, deny, de-identify) is not emulated; only a policy with an empty Statement list is accepted");
      return;
    case "ArchivePolicy":
      if (value !== "" && !isJsonObject(value)) throw SnsErrors.invalidParameter(`${name}: failed to parse JSON.`);
      if (value !== "" && Object.keys(JSON.parse(value) as object).length > 0) throw SnsErrors.notHonoured("the topic attribute ArchivePolicy", "message archiving and replay are not emulated");
      return;
    case "TracingConfig":
      if (value !== "Active" && value !== "PassThrough") throw SnsErrors.invalidParameter("TracingConfig");
      if (value === "Active") throw SnsErrors.notHonoured("TracingConfig Active", "X-Ray tracing is not emulated; PassThrough is accepted");
      return;
  }
}

/** A topic policy is policy language whose statements name their principals (it is a resource policy). */
function checkTopicPolicy(value: string): void {
  try {
    for (const statement of parsePolicy(value).statements) {
      if (!statement.principal && !statement.notPrincipal) throw new PolicySyntaxError("Missing required field Principal");
    }
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw SnsErrors.invalidParameter(`Policy Error: ${error.message}`);
    throw error;
  }
}

export function defaultTopicPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  });
}

const SETTABLE_SUBSCRIPTION = new Set(["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"]);
const RAW_CAPABLE = new Set(["sqs", "http", "https", "firehose", "application"]);

/**
 * Validates a subscription's attributes after a change (all of them together, since FilterPolicy is
 * checked in its FilterPolicyScope) and returns the compiled filter policy, if any.
 */
export function validateSubscriptionAttributes(
  sub: { protocol: string; topicArn: string; endpoint: string },
  attributes: Record<string, string>,
  changed: string[],
  context: "subscribe" | "set",
): CompiledPolicy | undefined {
  const reason = context === "subscribe" ? "Attributes Reason: " : "";
  for (const name of changed) {
    if (!SETTABLE_SUBSCRIPTION.has(name)) throw SnsErrors.invalidParameter(`${reason}AttributeName`);
  }
  if (changed.includes("ReplayPolicy") && attributes["ReplayPolicy"]) {
    throw SnsErrors.notHonoured("the subscription attribute ReplayPolicy", "message archiving and replay are not emulated");
  }
  if (changed.includes("RawMessageDelivery")) {
    const value = attributes["RawMessageDelivery"]!;
    if (!/^(true|false)$/i.test(value)) throw SnsErrors.invalidParameter(`${reason}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
    if (value.toLowerCase() === "true" && !RAW_CAPABLE.has(sub.protocol)) throw SnsErrors.invalidParameter(`${reason}Delivery protocol [${sub.protocol}] does not support raw message delivery.`);
  }
  const scope = attributes["FilterPolicyScope"];
  if (scope !== undefined && !isFilterPolicyScope(scope)) {
    throw SnsErrors.invalidParameter(`${reason}FilterPolicyScope: Invalid value [${scope}]. Please use either MessageBody or MessageAttributes`);
  }
  if (changed.includes("RedrivePolicy") && attributes["RedrivePolicy"]) {
    let target: unknown;
    try {
      target = (JSON.parse(attributes["RedrivePolicy"]) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    } catch {
      throw SnsErrors.invalidParameter(`${reason}RedrivePolicy: failed to parse JSON.`);
    }
    if (typeof target !== "string" || !parseQueueArn(target)) throw SnsErrors.invalidParameter(`${reason}RedrivePolicy: deadLetterTargetArn is an invalid arn`);
    if (sub.topicArn.endsWith(".fifo") && sub.endpoint.endsWith(".fifo") && !target.endsWith(".fifo")) {
      throw SnsErrors.invalidParameter(`${reason}RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.`);
    }
  }
  if (changed.includes("DeliveryPolicy") && attributes["DeliveryPolicy"] && !isJsonObject(attributes["DeliveryPolicy"])) {
    throw SnsErrors.invalidParameter(`${reason}DeliveryPolicy: failed to parse JSON.`);
  }
  const policy = attributes["FilterPolicy"];
  if (!policy) return undefined;
  return compileFilterPolicy(policy, (scope as FilterPolicyScope | undefined) ?? "MessageAttributes", context);
}

export function deadLetterArn(attributes: Record<string, string>): string | undefined {
  const text = attributes["RedrivePolicy"];
  if (!text) return undefined;
  try {
    const target = (JSON.parse(text) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === "string" ? target : undefined;
  } catch {
    return undefined;
  }
}

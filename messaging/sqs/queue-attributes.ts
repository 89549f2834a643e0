import { parsePolicy, PolicySyntaxError } from "../../services/identity/policy/index.js";
import { CommonErrors } from "../../sdk-compat/errors/service-error.js";
import { SqsErrors } from "./errors.js";

/** The 2025 limit: bodies (with attributes) up to 1 MiB, which is also the default for new queues. */
export const MAX_MESSAGE_SIZE = 1_048_576;

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

const integerRanges: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, MAX_MESSAGE_SIZE],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const standardSettable = new Set([
  ...Object.keys(integerRanges), "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled",
]);
const fifoOnly = new Set(["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);

/** Attributes GetQueueAttributes computes rather than stores. */
export const COMPUTED_ATTRIBUTES = [
  "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp", "LastModifiedTimestamp",
] as const;

export const ALL_ATTRIBUTE_NAMES = new Set<string>([...COMPUTED_ATTRIBUTES, ...standardSettable, ...fifoOnly]);

export function defaultAttributes(fifo: boolean): Record<string, string> {
  const attributes: Record<string, string> = {
    VisibilityTimeout: "30",
    MaximumMessageSize: String(MAX_MESSAGE_SIZE),
    MessageRetentionPeriod: "345600",
    DelaySeconds: "0",
    ReceiveMessageWaitTimeSeconds: "0",
    SqsManagedSseEnabled: "true",
  };
  if (fifo) {
    attributes.FifoQueue = "true";
    attributes.ContentBasedDeduplication = "false";
    attributes.DeduplicationScope = "queue";
    attributes.FifoThroughputLimit = "perQueue";
  }
  return attributes;
}

const bool = (name: string, value: string): string => {
  const lower = value.toLowerCase();
  if (lower !== "true" && lower !== "false") throw SqsErrors.invalidAttributeValue(name);
  return lower;
};

/**
 * Validates attributes a caller sets (CreateQueue, SetQueueAttributes) and returns them normalised.
 * `creating` allows FifoQueue, which is fixed after creation. Values that reference other queues
 * (RedrivePolicy) are only checked for shape here; the provider checks the target exists.
 */
export function validateAttributes(input: Record<string, string>, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    if (integerRanges[name]) {
      const [min, max] = integerRanges[name]!;
      const n = Number(value);
      if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) throw SqsErrors.invalidAttributeValue(name);
      // How long a KMS data key is reused only means something with a KMS key, which cloudbox cannot hold.
      if (name === "KmsDataKeyReusePeriodSeconds") throw CommonErrors.notHonoured("the queue attribute KmsDataKeyReusePeriodSeconds", "SSE-KMS is not emulated (there is no KMS)");
      out[name] = String(n);
    } else if (name === "SqsManagedSseEnabled") {
      out[name] = bool(name, value);
    } else if (name === "KmsMasterKeyId") {
      // No KMS here: a key would be echoed back while nothing is encrypted with it. "" (no key) is the truth.
      if (value !== "") throw CommonErrors.notHonoured("the queue attribute KmsMasterKeyId", "SSE-KMS is not emulated (there is no KMS); SqsManagedSseEnabled is accepted");
      out[name] = value;
    } else if (name === "Policy") {
      if (value !== "") checkQueuePolicy(value);
      out[name] = value;
    } else if (name === "RedrivePolicy") {
      if (value !== "") parseRedrivePolicy(value);
      out[name] = value;
    } else if (name === "RedriveAllowPolicy") {
      if (value !== "") parseRedriveAllowPolicy(value);
      out[name] = value;
    } else if (fifoOnly.has(name)) {
      if (name === "FifoQueue") {
        if (!creating) throw SqsErrors.invalidAttributeName(name);
        if (bool(name, value) !== String(fifo)) {
          throw fifo ? SqsErrors.invalidAttributeValue(name) : SqsErrors.invalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
        // Standard queues do not carry the attribute at all.
        if (fifo) out[name] = "true";
        continue;
      }
      if (!fifo) throw SqsErrors.invalidAttributeName(name);
      if (name === "ContentBasedDeduplication") out[name] = bool(name, value);
      else if (name === "DeduplicationScope") {
        if (value !== "queue" && value !== "messageGroup") throw SqsErrors.invalidAttributeValue(name);
        out[name] = value;
      } else {
        if (value !== "perQueue" && value !== "perMessageGroupId") throw SqsErrors.invalidAttributeValue(name);
        out[name] = value;
      }
    } else {
      throw SqsErrors.invalidAttributeName(name);
    }
  }
  if (fifo && out.FifoThroughputLimit === "perMessageGroupId" && out.DeduplicationScope === "queue") {
    throw SqsErrors.invalidAttributeValue("FifoThroughputLimit", "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.");
  }
  return out;
}

/**
 * A queue policy must be valid policy language, and as a resource policy each statement names its
 * principals (Principal or NotPrincipal): a statement without them would otherwise apply to everyone.
 */
function checkQueuePolicy(value: string): void {
  try {
    const policy = parsePolicy(value);
    for (const statement of policy.statements) {
      if (!statement.principal && !statement.notPrincipal) throw new PolicySyntaxError("Missing required field Principal");
    }
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw SqsErrors.invalidAttributeValue("Policy", error.message);
    throw error;
  }
}

export function parseRedrivePolicy(value: string): RedrivePolicy {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.`);
  }
  const arn = doc?.deadLetterTargetArn;
  const count = Number(doc?.maxReceiveCount);
  if (typeof arn !== "string" || !arn.startsWith("arn:")) {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.`);
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(doc.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

export interface RedriveAllowPolicy {
  redrivePermission: "allowAll" | "denyAll" | "byQueue";
  sourceQueueArns?: string[];
}

export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  let doc: RedriveAllowPolicy;
  try {
    doc = JSON.parse(value) as RedriveAllowPolicy;
  } catch {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Invalid JSON.`);
  }
  const permission = doc?.redrivePermission;
  if (permission !== "allowAll" && permission !== "denyAll" && permission !== "byQueue") {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.`);
  }
  if (permission === "byQueue") {
    const arns = doc.sourceQueueArns;
    if (!Array.isArray(arns) || arns.length === 0 || arns.length > 10) {
      throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.`);
    }
  } else if (doc.sourceQueueArns !== undefined && doc.sourceQueueArns.length > 0) {
    throw SqsErrors.invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. To specify one or more source queues, you must set redrivePermission to byQueue.`);
  }
  return doc;
}

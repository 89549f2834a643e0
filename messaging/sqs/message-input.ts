import type { MessageAttributeValue, MessageSystemAttributeValue } from "@aws-sdk/client-sqs";
import { SqsErrors } from "./errors.js";
import type { StoredAttribute } from "./message-md5.js";
import { digestHex, md5Hex, md5OfAttributes } from "./message-md5.js";
import type { Queue } from "./queue-store.js";

/** What SendMessage, a batch entry and QueueDelivery all hand over. */
export interface MessageInput {
  MessageBody?: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageSystemAttributes?: Record<string, MessageSystemAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** A validated message, ready to store. */
export interface PreparedMessage {
  body: string;
  md5Body: string;
  attributes: string | null;
  md5Attributes: string | null;
  traceHeader: string | null;
  md5System: string | null;
  delaySeconds: number;
  groupId: string | null;
  dedupId: string | null;
  /** Body plus attribute bytes, for the batch total. */
  size: number;
}

// Characters SQS accepts (XML 1.0 Char production); anything else is InvalidMessageContents.
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]{1,256}$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;
// FIFO group and deduplication ids: alphanumerics and punctuation, 1 to 128 characters.
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;

export function validBody(body: string): boolean {
  return !INVALID_CHARACTER.test(body);
}

function validateAttributes(attributes: Record<string, MessageAttributeValue>): { stored: Record<string, StoredAttribute>; size: number } {
  const names = Object.keys(attributes);
  if (names.length > 10) throw SqsErrors.invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  const stored: Record<string, StoredAttribute> = {};
  let size = 0;
  for (const name of names) {
    const value = attributes[name]!;
    if (!ATTRIBUTE_NAME.test(name) || name.includes("..") || name.startsWith(".") || name.endsWith(".") || /^(aws\.|amazon\.)/i.test(name)) {
      throw SqsErrors.invalidParameterValue(`Message (user) attribute name '${name}' is invalid.`);
    }
    const type = value?.DataType;
    if (!type) throw SqsErrors.invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const kind = ATTRIBUTE_TYPE.exec(type)?.[1];
    if (!kind || type.length > 256) throw SqsErrors.invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    if (kind === "Binary") {
      if (value.BinaryValue === undefined || value.BinaryValue.length === 0) {
        throw SqsErrors.invalidParameterValue(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      stored[name] = { DataType: type, BinaryValue: Buffer.from(value.BinaryValue) };
      size += value.BinaryValue.length;
    } else {
      const text = value.StringValue;
      if (text === undefined || text === "") throw SqsErrors.invalidParameterValue(`The message attribute '${name}' with type '${kind}' must use field 'String'.`);
      if (kind === "Number" && (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !Number.isFinite(Number(text)))) {
        throw SqsErrors.invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (!validBody(text)) throw SqsErrors.invalidParameterValue(`Message (user) attribute '${name}' value contains invalid characters.`);
      stored[name] = { DataType: type, StringValue: text };
      size += Buffer.byteLength(text, "utf8");
    }
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(type, "utf8");
  }
  return { stored, size };
}

/** Serialises stored attributes compactly: name -> [type, value], binary values base64 with a "B" marker. */
export function encodeAttributes(stored: Record<string, StoredAttribute>): string {
  const out: Record<string, [string, string] | [string, string, 1]> = {};
  for (const [name, a] of Object.entries(stored)) {
    out[name] = a.BinaryValue !== undefined ? [a.DataType, Buffer.from(a.BinaryValue).toString("base64"), 1] : [a.DataType, a.StringValue!];
  }
  return JSON.stringify(out);
}

export function decodeAttributes(text: string): Record<string, StoredAttribute> {
  const raw = JSON.parse(text) as Record<string, [string, string, 1?]>;
  const out: Record<string, StoredAttribute> = {};
  for (const [name, [type, value, binary]] of Object.entries(raw)) {
    out[name] = binary ? { DataType: type, BinaryValue: Buffer.from(value, "base64") } : { DataType: type, StringValue: value };
  }
  return out;
}

/** Validates one message against its queue's rules; throws the ServiceError AWS answers with. */
export function prepareMessage(queue: Queue, input: MessageInput): PreparedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === "") throw SqsErrors.missingParameter("MessageBody");
  if (!validBody(body)) throw SqsErrors.invalidMessageContents();
  let size = Buffer.byteLength(body, "utf8");
  let attributes: string | null = null;
  let md5Attributes: string | null = null;
  if (input.MessageAttributes && Object.keys(input.MessageAttributes).length > 0) {
    const checked = validateAttributes(input.MessageAttributes);
    size += checked.size;
    attributes = encodeAttributes(checked.stored);
    md5Attributes = md5OfAttributes(checked.stored);
  }
  if (size > queue.maxMessageSize) {
    throw SqsErrors.invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${queue.maxMessageSize} bytes.`);
  }
  let traceHeader: string | null = null;
  let md5System: string | null = null;
  if (input.MessageSystemAttributes) {
    for (const [name, value] of Object.entries(input.MessageSystemAttributes)) {
      if (name !== "AWSTraceHeader") throw SqsErrors.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
      if (value?.DataType !== "String" || !value.StringValue) throw SqsErrors.invalidParameterValue(`Message system attribute '${name}' must have data type String and a value.`);
      traceHeader = value.StringValue;
    }
    if (traceHeader !== null) md5System = md5OfAttributes({ AWSTraceHeader: { DataType: "String", StringValue: traceHeader } });
  }
  let delaySeconds = queue.delaySeconds;
  if (input.DelaySeconds !== undefined && input.DelaySeconds !== null) {
    if (!Number.isInteger(input.DelaySeconds) || input.DelaySeconds < 0 || input.DelaySeconds > 900) {
      throw SqsErrors.invalidParameter("DelaySeconds", input.DelaySeconds, "DelaySeconds must be >= 0 and <= 900.");
    }
    if (queue.fifo && input.DelaySeconds !== 0) {
      throw SqsErrors.invalidParameter("DelaySeconds", input.DelaySeconds, "The request include parameter that is not valid for this queue type.");
    }
    delaySeconds = input.DelaySeconds;
  }
  let groupId: string | null = null;
  let dedupId: string | null = null;
  if (queue.fifo) {
    if (!input.MessageGroupId) throw SqsErrors.missingParameter("MessageGroupId");
    if (!FIFO_ID.test(input.MessageGroupId)) throw SqsErrors.invalidParameter("MessageGroupId", input.MessageGroupId, "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.");
    groupId = input.MessageGroupId;
    if (input.MessageDeduplicationId) {
      if (!FIFO_ID.test(input.MessageDeduplicationId)) {
        throw SqsErrors.invalidParameter("MessageDeduplicationId", input.MessageDeduplicationId, "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.");
      }
      dedupId = input.MessageDeduplicationId;
    } else if (queue.contentBasedDeduplication) {
      dedupId = digestHex("sha256", body);
    } else {
      throw SqsErrors.invalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    }
  } else {
    if (input.MessageDeduplicationId !== undefined) {
      throw SqsErrors.invalidParameter("MessageDeduplicationId", input.MessageDeduplicationId, "The request include parameter that is not valid for this queue type");
    }
    // Standard queues accept a group id since fair queues (2025); it only tags the message.
    if (input.MessageGroupId !== undefined) {
      if (!FIFO_ID.test(input.MessageGroupId)) throw SqsErrors.invalidParameter("MessageGroupId", input.MessageGroupId, "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.");
      groupId = input.MessageGroupId;
    }
  }
  return { body, md5Body: md5Hex(body), attributes, md5Attributes, traceHeader, md5System, delaySeconds, groupId, dedupId, size };
}

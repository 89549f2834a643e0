import type { MessageAttributeValue } from "@aws-sdk/client-sns";
import { SnsErrors } from "./sns-errors.js";

/** Publish's input rules and limits, with AWS's codes and messages. */

export const MAX_MESSAGE_BYTES = 262_144;

export interface PublishFields {
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface ValidatedPublish {
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
  /** Bytes counted against the 256 KiB limit: the message plus attribute names, types and values. */
  size: number;
}

const PLAIN_ATTRIBUTE_NAME = /^[A-Za-z0-9_-](?:[A-Za-z0-9_-]|\.(?!\.))*$/;

function validateAttributeName(name: string): void {
  // Most names are plain and short: one test, and the character walk only to word an error.
  if (name.length <= 256 && !name.endsWith(".") && PLAIN_ATTRIBUTE_NAME.test(name)) return;
  if (Buffer.byteLength(name) > 256) throw SnsErrors.parameterValueInvalid("Length of message attribute name must be less than 256 bytes.");
  if (name.startsWith(".")) throw SnsErrors.parameterValueInvalid("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith(".")) throw SnsErrors.parameterValueInvalid("Invalid message attribute name ending with character '.' was found.");
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (!/[A-Za-z0-9_.-]/.test(c)) {
      throw SnsErrors.parameterValueInvalid(
        `Invalid non-alphanumeric character '#x${c.codePointAt(0)!.toString(16).toUpperCase()}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
      );
    }
    if (c === "." && name[i - 1] === ".") throw SnsErrors.parameterValueInvalid("Message attribute name can not have successive '.' character.");
  }
}
const DEDUP_ID = /^[\x21-\x7e]{1,128}$/;

export function validatePublish(input: PublishFields, fifo: boolean, contentBasedDedup: boolean): ValidatedPublish {
  const message = input.Message;
  if (message === undefined || message === "") throw SnsErrors.invalidParameter("Empty message");
  let size = Buffer.byteLength(message, "utf8");

  let subject: string | undefined;
  if (input.Subject !== undefined) {
    subject = input.Subject;
    // AWS: ASCII text, no line breaks or control characters, 1-100 characters.
    if (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) throw SnsErrors.invalidParameter("Subject");
  }

  let perProtocol: Record<string, string> | undefined;
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== "json") throw SnsErrors.invalidParameter("Invalid message structure type");
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
    const map = parsed as Record<string, unknown>;
    if (typeof map["default"] !== "string") throw SnsErrors.invalidParameter("Message Structure - No default entry in JSON message body");
    perProtocol = {};
    // Entries whose value is not a string are ignored, as AWS does.
    for (const [key, value] of Object.entries(map)) if (typeof value === "string") perProtocol[key] = value;
  }

  let attributes: ValidatedPublish["attributes"];
  if (input.MessageAttributes && Object.keys(input.MessageAttributes).length > 0) {
    attributes = {};
    for (const [name, value] of Object.entries(input.MessageAttributes)) {
      validateAttributeName(name);
      const type = value.DataType ?? "";
      const base = type.split(".")[0];
      if (base !== "String" && base !== "Number" && base !== "Binary") {
        throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
      }
      size += Buffer.byteLength(name) + Buffer.byteLength(type);
      if (value.StringValue === undefined && value.BinaryValue === undefined) {
        throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      const field = base === "Binary" ? "Binary" : "String";
      if ((field === "Binary" ? value.BinaryValue : value.StringValue) === undefined) {
        throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' with type '${type}' must use field '${field}'.`);
      }
      if (base === "Binary") {
        if (value.BinaryValue === undefined || value.BinaryValue.length === 0) {
          throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
        }
        size += value.BinaryValue.length;
        attributes[name] = { DataType: type, BinaryValue: value.BinaryValue };
        continue;
      }
      const text = value.StringValue;
      if (text === undefined || text === "") {
        throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      if (base === "Number" && (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !Number.isFinite(Number(text)))) {
        throw SnsErrors.parameterValueInvalid(`Could not cast message attribute '${name}' value to number.`);
      }
      if (type === "String.Array") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (!Array.isArray(parsed)) throw SnsErrors.parameterValueInvalid(`The message attribute '${name}' with type 'String.Array' has an invalid value: ${text}.`);
      }
      size += Buffer.byteLength(text);
      attributes[name] = { DataType: type, StringValue: text };
    }
  }
  if (size > MAX_MESSAGE_BYTES) throw SnsErrors.invalidParameter("Message too long");

  if (fifo) {
    if (!input.MessageGroupId) throw SnsErrors.invalidParameter("The MessageGroupId parameter is required for FIFO topics");
    if (!/^[\x21-\x7e]{1,128}$/.test(input.MessageGroupId)) throw SnsErrors.invalidParameter("MessageGroupId Reason: MessageGroupId can only contain alphanumeric characters and punctuation, and be at most 128 characters long");
    if (input.MessageDeduplicationId === undefined && !contentBasedDedup) {
      throw SnsErrors.invalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    }
  } else if (input.MessageDeduplicationId !== undefined) {
    throw SnsErrors.invalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
  }
  if (input.MessageDeduplicationId !== undefined && !DEDUP_ID.test(input.MessageDeduplicationId)) {
    throw SnsErrors.invalidParameter("MessageDeduplicationId Reason: MessageDeduplicationId can only contain alphanumeric characters and punctuation, and be at most 128 characters long");
  }
  const out: ValidatedPublish = { message, size };
  if (perProtocol) out.perProtocol = perProtocol;
  if (subject !== undefined) out.subject = subject;
  if (attributes) out.attributes = attributes;
  return out;
}

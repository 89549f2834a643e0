import type { Signer } from "./message-signing.js";

/** A published message as delivery needs it, captured when Publish commits. */
export interface PublishedMessage {
  account: string;
  region: string;
  topicArn: string;
  messageId: string;
  /** The Message parameter, or the per-protocol map when MessageStructure=json. */
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
  /** Epoch ms of the publish. */
  timestamp: number;
  /** Where the client reached cloudbox, for SubscribeURL / UnsubscribeURL / SigningCertURL. */
  baseUrl: string;
  signatureVersion: "1" | "2";
}

/** The text a subscriber of `protocol` gets: its entry of a MessageStructure=json message, else the default. */
export function messageFor(published: PublishedMessage, protocol: string): string {
  if (!published.perProtocol) return published.message;
  return published.perProtocol[protocol] ?? published.perProtocol["default"] ?? published.message;
}

export function signingCertUrl(baseUrl: string): string {
  return `${baseUrl}/_cloudbox/sns/SimpleNotificationService.pem`;
}

export function unsubscribeUrl(baseUrl: string, subscriptionArn: string): string {
  return `${baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
}

export function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
}

// The signature and the envelope of a message both show its Timestamp: format it once.
let lastMs = Number.NaN;
let lastIso = "";

export function isoTimestamp(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Message attributes as the JSON envelope shows them: Type and Value (binary base64-encoded). */
export function envelopeAttributes(attributes: PublishedMessage["attributes"]): Record<string, { Type: string; Value: string }> | undefined {
  if (!attributes) return undefined;
  const names = Object.keys(attributes);
  if (names.length === 0) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const name of names) {
    const a = attributes[name]!;
    out[name] = { Type: a.DataType, Value: a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue).toString("base64") : (a.StringValue ?? "") };
  }
  return out;
}

/**
 * The signed part of a notification, computed once per distinct message text and shared by every
 * subscription that receives that text (the UnsubscribeURL, which differs, is not signed).
 */
export interface SignedNotification {
  text: string;
  signature: string;
}

export function signNotification(signer: Signer, published: PublishedMessage, text: string): SignedNotification {
  const signature = signer.sign(
    { Type: "Notification", MessageId: published.messageId, TopicArn: published.topicArn, Subject: published.subject, Message: text, Timestamp: isoTimestamp(published.timestamp) },
    published.signatureVersion,
  );
  return { text, signature };
}

/**
 * The JSON envelope SQS queues, HTTP(S) endpoints and email-json addresses receive, in AWS's field
 * order. Written as text, field by field: every delivery builds one, and an object with optional
 * keys added one by one costs more to build and to stringify than the string itself.
 */
export function notificationEnvelope(published: PublishedMessage, signed: SignedNotification, subscriptionArn: string): string {
  const json = JSON.stringify;
  let out = `{"Type":"Notification","MessageId":${json(published.messageId)}`;
  if (published.sequenceNumber !== undefined) out += `,"SequenceNumber":${json(published.sequenceNumber)}`;
  out += `,"TopicArn":${json(published.topicArn)}`;
  if (published.subject !== undefined) out += `,"Subject":${json(published.subject)}`;
  out += `,"Message":${json(signed.text)},"Timestamp":"${isoTimestamp(published.timestamp)}","SignatureVersion":"${published.signatureVersion}","Signature":"${signed.signature}"`;
  out += `,"SigningCertURL":${json(signingCertUrl(published.baseUrl))},"UnsubscribeURL":${json(unsubscribeUrl(published.baseUrl, subscriptionArn))}`;
  const attributes = envelopeAttributes(published.attributes);
  if (attributes) out += `,"MessageAttributes":${json(attributes)}`;
  return `${out}}`;
}

/** SubscriptionConfirmation / UnsubscribeConfirmation, signed over AWS's confirmation fields. */
export function confirmationEnvelope(
  signer: Signer,
  type: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
  fields: { messageId: string; topicArn: string; subscriptionArn: string; token: string; baseUrl: string; timestamp: number; signatureVersion: "1" | "2" },
): { body: string; message: string; subscribeUrl: string } {
  const message =
    type === "SubscriptionConfirmation"
      ? `You have chosen to subscribe to the topic ${fields.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${fields.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  const url = subscribeUrl(fields.baseUrl, fields.topicArn, fields.token);
  const timestamp = isoTimestamp(fields.timestamp);
  const signature = signer.sign({ Type: type, MessageId: fields.messageId, Token: fields.token, TopicArn: fields.topicArn, Message: message, SubscribeURL: url, Timestamp: timestamp }, fields.signatureVersion);
  const body = JSON.stringify({
    Type: type,
    MessageId: fields.messageId,
    Token: fields.token,
    TopicArn: fields.topicArn,
    Message: message,
    SubscribeURL: url,
    Timestamp: timestamp,
    SignatureVersion: fields.signatureVersion,
    Signature: signature,
    SigningCertURL: signingCertUrl(fields.baseUrl),
  });
  return { body, message, subscribeUrl: url };
}

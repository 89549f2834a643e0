import { request as httpRequest } from "node:http";
import type { ClientRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { randomUUID } from "node:crypto";
import type { Clock } from "../../storage/state/clock.js";
import type { DeliverySource, QueueDelivery, QueueMessage } from "../sqs/queue-delivery.js";
import type { CompiledPolicy, FilterPolicyScope } from "./filter-policy.js";
import { attributeSubject, bodySubject, policyMatches } from "./filter-policy.js";
import type { HttpPolicy } from "./delivery-policy.js";
import { retryDelaySeconds } from "./delivery-policy.js";
import type { Signer } from "./message-signing.js";
import { readySigner, signer } from "./message-signing.js";
import type { PublishedMessage, SignedNotification } from "./notification.js";
import { platformOf } from "./platform-endpoints.js";
import { confirmationEnvelope, messageFor, notificationEnvelope, signNotification } from "./notification.js";

/** A subscription as it stood when the message was published. */
export interface DeliveryTarget {
  arn: string;
  protocol: string;
  endpoint: string;
  raw: boolean;
  filter?: { policy: CompiledPolicy; scope: FilterPolicyScope };
  /** RedrivePolicy's deadLetterTargetArn: where a message goes once delivery has failed for good. */
  deadLetterArn?: string;
  http: HttpPolicy;
}

/** An email / SMS / mobile delivery, kept so users can read what would have been sent. */
export interface CapturedDelivery {
  account: string;
  region: string;
  protocol: string;
  endpoint: string;
  subscription_arn: string | null;
  topic_arn: string | null;
  message_id: string;
  type: string;
  subject: string | null;
  message: string;
  body: string;
  at: number;
}

export interface DeliveryDeps {
  queues: () => QueueDelivery | undefined;
  clock: Clock;
  capture(row: CapturedDelivery): void;
  /** Failures nobody else hears of (an unreachable endpoint, a deleted queue); for logs and tests. */
  onFailure?(target: DeliveryTarget, reason: string): void;
}

interface HttpAttempt {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const HTTP_TIMEOUT_MS = 15_000;
const CAPTURED_PROTOCOLS = new Set(["email", "email-json", "sms", "application", "lambda", "firehose"]);
/** Protocols whose deliveries carry no signed envelope. */
const UNSIGNED_PROTOCOLS = new Set(["email", "sms", "application", "lambda", "firehose"]);

/**
 * Delivers published messages to subscriptions, always after Publish has answered, each
 * subscription on its own so one failing subscriber never affects another. SQS deliveries are
 * synchronous enqueues through SQS's QueueDelivery; HTTP(S) deliveries are POSTs retried per the
 * delivery policy on the clock (a virtual clock in tests moves retries along); email, SMS and
 * mobile deliveries are captured.
 */
export class SnsDeliverer {
  private readonly cancels = new Set<() => void>();
  private generation = 0;
  /** Requests on the wire, ended at reset/close so a hung endpoint cannot hold the process open. */
  private readonly inFlight = new Set<ClientRequest>();

  constructor(private readonly deps: DeliveryDeps) {}

  publish(published: PublishedMessage, targets: DeliveryTarget[]): void {
    if (targets.length === 0) return;
    const generation = this.generation;
    setImmediate(() => {
      if (generation !== this.generation) return;
      const needsSignature = targets.some((t) => !(t.raw || UNSIGNED_PROTOCOLS.has(t.protocol)));
      if (!needsSignature) {
        this.fanOut(published, targets, undefined);
        return;
      }
      const ready = readySigner();
      if (ready) {
        this.fanOut(published, targets, ready);
        return;
      }
      signer().then(
        (s) => {
          if (generation === this.generation) this.fanOut(published, targets, s);
        },
        (error: unknown) => {
          for (const t of targets) this.deps.onFailure?.(t, `signing failed: ${String(error)}`);
        },
      );
    });
  }

  private fanOut(published: PublishedMessage, targets: DeliveryTarget[], s: Signer | undefined): void {
    const signed = new Map<string, SignedNotification>();
    const attributes = published.attributes ? attributeSubject(published.attributes) : undefined;
    for (const target of targets) {
      try {
        // Mobile endpoints take their platform's entry of a MessageStructure=json message (GCM, APNS, …).
        const text = messageFor(published, target.protocol === "application" ? (platformOf(target.endpoint) ?? "application") : target.protocol);
        if (target.filter) {
          const subject = target.filter.scope === "MessageBody" ? bodySubject(text) : (attributes ?? attributeSubject(undefined));
          if (!subject || !policyMatches(target.filter.policy, subject)) continue;
        }
        let envelope: string | undefined;
        const envelopeFor = (): string => {
          if (envelope === undefined) {
            let sig = signed.get(text);
            if (!sig) {
              sig = signNotification(s!, published, text);
              signed.set(text, sig);
            }
            envelope = notificationEnvelope(published, sig, target.arn);
          }
          return envelope;
        };
        this.deliverOne(published, target, text, envelopeFor);
      } catch (error) {
        this.deps.onFailure?.(target, error instanceof Error ? error.message : String(error));
      }
    }
  }

  private deliverOne(published: PublishedMessage, target: DeliveryTarget, text: string, envelopeFor: () => string): void {
    switch (target.protocol) {
      case "sqs": {
        const message = this.queueMessage(published, target, text, envelopeFor);
        try {
          this.enqueue(target.endpoint, message, published);
        } catch (error) {
          this.deps.onFailure?.(target, error instanceof Error ? error.message : String(error));
          this.redrive(target, message, published);
        }
        return;
      }
      case "http":
      case "https": {
        const headers: Record<string, string> = {
          "content-type": target.http.contentType,
          "user-agent": "Amazon Simple Notification Service Agent",
          "x-amz-sns-message-type": "Notification",
          "x-amz-sns-message-id": published.messageId,
          "x-amz-sns-topic-arn": published.topicArn,
          "x-amz-sns-subscription-arn": target.arn,
        };
        if (target.raw) headers["x-amz-sns-rawdelivery"] = "true";
        const body = target.raw ? text : envelopeFor();
        this.post({ url: target.endpoint, headers, body }, target, 0, () => this.redrive(target, this.queueMessage(published, target, text, envelopeFor), published));
        return;
      }
      default:
        if (CAPTURED_PROTOCOLS.has(target.protocol)) {
          this.deps.capture({
            account: published.account,
            region: published.region,
            protocol: target.protocol,
            endpoint: target.endpoint,
            subscription_arn: target.arn,
            topic_arn: published.topicArn,
            message_id: published.messageId,
            type: "Notification",
            // An email without a Subject goes out with AWS's default one.
            subject: published.subject ?? (target.protocol.startsWith("email") ? "AWS Notification Message" : null),
            message: text,
            // Only email-json carries the JSON envelope; push services and phones get the bare text.
            body: target.protocol === "email-json" ? envelopeFor() : text,
            at: this.deps.clock.now(),
          });
        }
    }
  }

  private queueMessage(published: PublishedMessage, target: DeliveryTarget, text: string, envelopeFor: () => string): QueueMessage {
    const message: QueueMessage = { body: target.raw ? text : envelopeFor() };
    if (target.raw && published.attributes && Object.keys(published.attributes).length > 0) message.attributes = published.attributes;
    if (published.messageGroupId !== undefined) message.messageGroupId = published.messageGroupId;
    if (published.messageDeduplicationId !== undefined) message.messageDeduplicationId = published.messageDeduplicationId;
    return message;
  }

  /** Enqueues as the topic: the queue's policy decides whether SNS may send for this topic (a queue of another account needs it to). */
  private enqueue(queueArn: string, message: QueueMessage, published: { topicArn: string; account: string }): void {
    const queues = this.deps.queues();
    if (!queues) throw new Error("SQS is not running in this cloudbox, so SNS cannot deliver to queues.");
    const source: DeliverySource = { service: "sns.amazonaws.com", sourceArn: published.topicArn, sourceAccount: published.account };
    // A FIFO topic may feed standard queues, which refuse a deduplication id.
    if (message.messageDeduplicationId !== undefined && !queueArn.endsWith(".fifo")) {
      const { messageDeduplicationId: _dropped, ...rest } = message;
      queues.deliver(queueArn, rest, source);
      return;
    }
    queues.deliver(queueArn, message, source);
  }

  private redrive(target: DeliveryTarget, message: QueueMessage, published: PublishedMessage): void {
    if (!target.deadLetterArn) return;
    try {
      this.enqueue(target.deadLetterArn, message, published);
    } catch (error) {
      this.deps.onFailure?.(target, `dead-letter queue: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** POSTs once; on a network error, timeout, 429 or 5xx schedules the next retry on the clock. */
  private post(attempt: HttpAttempt, target: DeliveryTarget, retry: number, exhausted: () => void): void {
    const generation = this.generation;
    sendHttp(attempt, this.inFlight).then((status) => {
      if (generation !== this.generation) return;
      if (status >= 200 && status < 300) return;
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable) {
        this.deps.onFailure?.(target, `HTTP ${status}`);
        exhausted();
        return;
      }
      const delay = retryDelaySeconds(target.http.retry, retry + 1);
      if (delay === undefined) {
        this.deps.onFailure?.(target, status === 0 ? "endpoint unreachable" : `HTTP ${status}`);
        exhausted();
        return;
      }
      const cancel = this.deps.clock.schedule(this.deps.clock.now() + delay * 1000, () => {
        this.cancels.delete(cancel);
        if (generation === this.generation) this.post(attempt, target, retry + 1, exhausted);
      });
      this.cancels.add(cancel);
    });
  }

  /** Sends a SubscriptionConfirmation (HTTP POST, or a captured email) for a pending subscription. */
  confirmation(
    kind: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
    sub: { arn: string; protocol: string; endpoint: string; account: string; region: string; http: HttpPolicy },
    fields: { topicArn: string; token: string; baseUrl: string; signatureVersion: "1" | "2" },
  ): void {
    const generation = this.generation;
    const messageId = randomUUID();
    const timestamp = this.deps.clock.now();
    setImmediate(() => {
      signer().then((s) => {
        if (generation !== this.generation) return;
        const { body, message } = confirmationEnvelope(s, kind, { messageId, timestamp, subscriptionArn: sub.arn, ...fields });
        if (sub.protocol === "http" || sub.protocol === "https") {
          const headers: Record<string, string> = {
            "content-type": sub.http.contentType,
            "user-agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type": kind,
            "x-amz-sns-message-id": messageId,
            "x-amz-sns-topic-arn": fields.topicArn,
          };
          if (kind === "UnsubscribeConfirmation") headers["x-amz-sns-subscription-arn"] = sub.arn;
          const target: DeliveryTarget = { arn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint, raw: false, http: sub.http };
          this.post({ url: sub.endpoint, headers, body }, target, 0, () => {});
        } else if (sub.protocol === "sqs") {
          // Another account's queue subscribed by the topic's owner: its owner confirms from the message, if its policy lets SNS send it.
          const target: DeliveryTarget = { arn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint, raw: false, http: sub.http };
          try {
            this.enqueue(sub.endpoint, { body }, { topicArn: fields.topicArn, account: fields.topicArn.split(":")[4] ?? "" });
          } catch (error) {
            this.deps.onFailure?.(target, error instanceof Error ? error.message : String(error));
          }
        } else if (sub.protocol === "email" || sub.protocol === "email-json") {
          this.deps.capture({
            account: sub.account,
            region: sub.region,
            protocol: sub.protocol,
            endpoint: sub.endpoint,
            subscription_arn: sub.arn,
            topic_arn: fields.topicArn,
            message_id: messageId,
            type: kind,
            subject: "AWS Notification - Subscription Confirmation",
            message,
            body,
            at: timestamp,
          });
        }
      }, () => {});
    });
  }

  /** Forgets every pending retry and drops deliveries still queued (reset, close). */
  reset(): void {
    this.generation++;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }
}

/** Resolves with the HTTP status, or 0 when the endpoint could not be reached or timed out. */
function sendHttp(attempt: HttpAttempt, inFlight: Set<ClientRequest>): Promise<number> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(attempt.url);
    } catch {
      resolve(0);
      return;
    }
    const body = Buffer.from(attempt.body, "utf8");
    const options = {
      method: "POST",
      headers: { ...attempt.headers, "content-length": String(body.length) },
      timeout: HTTP_TIMEOUT_MS,
      // Local endpoints commonly use self-signed certificates; AWS's own endpoints are not in play.
      rejectUnauthorized: false,
    };
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(res.statusCode ?? 0));
    });
    inFlight.add(req);
    req.on("close", () => inFlight.delete(req));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

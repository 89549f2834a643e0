import { randomUUID } from "node:crypto";
import type { NotificationConfiguration } from "@aws-sdk/client-s3";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import type { QueueDelivery } from "../../../messaging/sqs/queue-delivery.js";
import { ConfigErrors, notHonoured } from "./config-errors.js";

/** The event types S3 notifies, each also as its `*` family. */
const EVENTS = new Set([
  "s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
  "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:Replication:*",
  "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
  "s3:Replication:OperationReplicatedAfterThreshold", "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put",
  "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:ObjectTagging:*",
  "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
]);

/** The events cloudbox delivers (storage/s3/notifications/): a destination asking for another is refused, not left silent. */
const DELIVERED = /^s3:(ObjectCreated|ObjectRemoved):/;

/** The source S3 delivers as: the queue's policy must let `s3.amazonaws.com` send for the bucket. */
export const s3Source = (bucket: string, account: string) => ({ service: "s3.amazonaws.com", sourceArn: `arn:aws:s3:::${bucket}`, sourceAccount: account });

const unableToValidate = (arn: string) =>
  new ServiceError("InvalidArgument", "Unable to validate the following destination configurations", { fields: { ArgumentName1: arn, ArgumentValue1: "Permissions on the destination queue do not allow S3 to publish notifications from this bucket" } });

interface Destination {
  Events?: string[];
  Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } };
}

function checkDestination(destination: Destination): void {
  if (!destination.Events?.length) throw ConfigErrors.malformedXml();
  for (const event of destination.Events) {
    if (!EVENTS.has(event)) throw ConfigErrors.invalidArgument("The event is not supported for notifications", "Event", event);
    if (!DELIVERED.test(event)) throw notHonoured(`delivery of ${event} event notifications (only s3:ObjectCreated:* and s3:ObjectRemoved:* are sent)`);
  }
  const seen = new Set<string>();
  for (const rule of destination.Filter?.Key?.FilterRules ?? []) {
    const name = rule.Name?.toLowerCase();
    if (name !== "prefix" && name !== "suffix") throw ConfigErrors.invalidArgument("filter rule name must be either prefix or suffix", "FilterRule", rule.Name ?? "");
    if (seen.has(name)) throw ConfigErrors.invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, "FilterRule", name);
    seen.add(name);
  }
}

/** The message S3 puts on a queue when a configuration names it: how AWS proves the destination exists. */
function testEvent(bucket: string, requestId: string, now: number): string {
  return JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: new Date(now).toISOString(), Bucket: bucket, RequestId: requestId, HostId: Buffer.from(requestId).toString("base64") });
}

/**
 * Checks a notification configuration as PutBucketNotificationConfiguration does: known events, prefix/suffix
 * filters, unique ids (made up where missing, as S3 does), and SQS destinations that exist and whose policy lets
 * S3 send for the bucket (each gets AWS's s3:TestEvent). SNS topic destinations are refused: SNS offers other
 * modules no interface to publish through, so S3 could not deliver to them; cloudbox serves no Lambda.
 */
export function validateNotification(config: NotificationConfiguration | undefined, queues: QueueDelivery | undefined, bucket: { name: string; account: string }, requestId: string, now: number): NotificationConfiguration {
  const out = config ?? {};
  if (out.LambdaFunctionConfigurations?.length) throw notHonoured("Lambda function destinations for S3 event notifications");
  if (out.TopicConfigurations?.length) throw notHonoured("SNS topic destinations for S3 event notifications (SNS offers no delivery interface to S3 yet)");
  const ids = new Set<string>();
  for (const destination of out.QueueConfigurations ?? []) {
    checkDestination(destination);
    if (destination.Id !== undefined) {
      if (ids.has(destination.Id)) throw ConfigErrors.invalidArgument("Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.", "Id", destination.Id);
      ids.add(destination.Id);
    }
  }
  for (const queue of out.QueueConfigurations ?? []) {
    const arn = queue.QueueArn ?? "";
    if (!queues) throw unableToValidate(arn);
    try {
      queues.deliver(arn, { body: testEvent(bucket.name, requestId, now) }, s3Source(bucket.name, bucket.account));
    } catch (error) {
      if (error instanceof ServiceError) throw unableToValidate(arn);
      throw error;
    }
  }
  const QueueConfigurations = out.QueueConfigurations?.map((q) => (q.Id !== undefined ? q : { ...q, Id: Buffer.from(randomUUID()).toString("base64") }));
  return QueueConfigurations ? { ...out, QueueConfigurations } : out;
}

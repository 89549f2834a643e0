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

const unableToValidate = (arn: string) =>
  new ServiceError("InvalidArgument", "Unable to validate the following destination configurations", { fields: { ArgumentName1: arn, ArgumentValue1: "Permissions on the destination queue do not allow S3 to publish notifications from this bucket" } });

interface Destination {
  Events?: string[];
  Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } };
}

function checkDestination(destination: Destination): void {
  if (!destination.Events?.length) throw ConfigErrors.malformedXml();
  for (const event of destination.Events) if (!EVENTS.has(event)) throw ConfigErrors.invalidArgument("The event is not supported for notifications", "Event", event);
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
 * filters, unique ids, and SQS destinations that exist (each gets AWS's s3:TestEvent). Stored only: events are
 * not delivered yet. SNS topics and Lambda functions are not checked for existence: SNS offers no interface for
 * it yet, and cloudbox serves no Lambda.
 */
export function validateNotification(config: NotificationConfiguration | undefined, queues: QueueDelivery | undefined, bucket: string, requestId: string, now: number): NotificationConfiguration {
  const out = config ?? {};
  if (out.LambdaFunctionConfigurations?.length) throw notHonoured("Lambda function destinations for S3 event notifications");
  const ids = new Set<string>();
  const all: (Destination & { Id?: string })[] = [...(out.QueueConfigurations ?? []), ...(out.TopicConfigurations ?? [])];
  for (const destination of all) {
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
      queues.deliver(arn, { body: testEvent(bucket, requestId, now) });
    } catch (error) {
      if (error instanceof ServiceError) throw unableToValidate(arn);
      throw error;
    }
  }
  return out;
}

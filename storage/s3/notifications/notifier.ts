import type { DeleteObjectsRequest, DeleteObjectsOutput, NotificationConfiguration } from "@aws-sdk/client-s3";
import type { OperationContext, ServiceHandlers } from "../../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import type { QueueDelivery } from "../../../messaging/sqs/queue-delivery.js";
import type { Clock } from "../../state/clock.js";
import type { BucketRow, S3Store } from "../s3-store.js";
import type { BucketConfigStore } from "../bucket-config/config-store.js";
import { answeredVersionId } from "../versions.js";
import { s3Source } from "../bucket-config/notification-config.js";
import type { EventSequence } from "./event-sequence.js";
import type { EventObject } from "./event-record.js";
import { eventRecord } from "./event-record.js";
import { matchingQueues } from "./event-matching.js";

type Input = Record<string, unknown>;
type Out = Record<string, unknown>;

/** An event a request caused, before the sequencer and destinations are known. */
interface Happened {
  eventName: string;
  key: string;
  /** For the events that write an object: its size and ETag are read from the committed row. */
  written?: boolean;
  versionId?: string;
}

export interface NotifierDeps {
  store: S3Store;
  configs: BucketConfigStore;
  sequence: EventSequence;
  clock: Clock;
  queues: () => QueueDelivery | undefined;
}

const unquote = (etag: string) => etag.replace(/^"|"$/g, "");

/** The events of each operation that S3 notifies, from what the committed request took and answered. */
const EVENTS_OF: Record<string, (input: Input, out: Out, bucket: BucketRow, store: S3Store) => Happened[]> = {
  PutObject: (input, out) => [{ eventName: "ObjectCreated:Put", key: input.Key as string, written: true, versionId: out.VersionId as string | undefined }],
  PostObject: (input, out) => [{ eventName: "ObjectCreated:Post", key: (out.Key ?? input.Key) as string, written: true, versionId: out.VersionId as string | undefined }],
  CopyObject: (input, out) => [{ eventName: "ObjectCreated:Copy", key: input.Key as string, written: true, versionId: out.VersionId as string | undefined }],
  CompleteMultipartUpload: (input, out) => [{ eventName: "ObjectCreated:CompleteMultipartUpload", key: input.Key as string, written: true, versionId: out.VersionId as string | undefined }],
  DeleteObject: (input, out) => [{ eventName: out.DeleteMarker && input.VersionId === undefined ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete", key: input.Key as string, versionId: out.VersionId as string | undefined }],
  DeleteObjects: (input, out, bucket, store) => {
    const failed = new Set(((out as unknown as DeleteObjectsOutput).Errors ?? []).map((e) => `${e.Key}\n${e.VersionId ?? ""}`));
    const happened: Happened[] = [];
    for (const { Key, VersionId } of (input as unknown as DeleteObjectsRequest).Delete?.Objects ?? []) {
      if (Key === undefined || failed.has(`${Key}\n${VersionId ?? ""}`)) continue;
      if (VersionId !== undefined) {
        happened.push({ eventName: "ObjectRemoved:Delete", key: Key, versionId: VersionId });
        continue;
      }
      // A quiet answer lists nothing: the committed rows tell whether a delete marker took the key.
      const current = store.object(bucket.id, Key);
      if (current?.delete_marker) happened.push({ eventName: "ObjectRemoved:DeleteMarkerCreated", key: Key, versionId: answeredVersionId(current.version_id, bucket.versioning) });
      else happened.push({ eventName: "ObjectRemoved:Delete", key: Key });
    }
    return happened;
  },
};

/**
 * Sends S3 event notifications around the handlers, so that they stay free of it: once a write has
 * committed (the handler has answered), each event it caused goes to every queue of the bucket's
 * notification configuration whose events and filter take it, through SQS's delivery interface, as
 * `s3.amazonaws.com` for the bucket (the queue's policy decides, as on AWS). A refused or failed delivery
 * never fails the write: AWS does not either.
 */
export class Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  wrap(handlers: ServiceHandlers): ServiceHandlers {
    const wrapped: ServiceHandlers = { ...handlers };
    for (const [operation, events] of Object.entries(EVENTS_OF)) {
      const handler = handlers[operation];
      if (!handler) continue;
      wrapped[operation] = (input: Input, ctx: OperationContext) => {
        const answered = handler(input, ctx);
        const after = (out: Out): Out => {
          this.notify(input, ctx, out, events);
          return out;
        };
        return answered instanceof Promise ? answered.then(after) : after(answered as Out);
      };
    }
    return wrapped;
  }

  private notify(input: Input, ctx: OperationContext, out: Out, events: (typeof EVENTS_OF)[string]): void {
    const { store, configs } = this.deps;
    const bucket = store.bucket((out.Bucket ?? input.Bucket) as string);
    if (!bucket) return;
    const config = configs.read<NotificationConfiguration>(bucket.id, "notification");
    if (!config?.QueueConfigurations?.length) return;
    for (const happened of events(input, out, bucket, store)) {
      const destinations = matchingQueues(config, happened.eventName, happened.key);
      if (destinations.length === 0) continue;
      const object: EventObject = { key: happened.key, sequencer: this.deps.sequence.next() };
      if (happened.written) {
        const row = store.object(bucket.id, happened.key);
        if (row) Object.assign(object, { size: row.size, eTag: unquote(row.etag) });
      }
      if (happened.versionId !== undefined) object.versionId = happened.versionId;
      for (const destination of destinations) {
        const record = eventRecord(happened.eventName, destination.Id ?? "", bucket, object, { requestId: ctx.requestId, caller: ctx.caller, time: this.deps.clock.now() });
        this.deliver(destination.QueueArn!, JSON.stringify({ Records: [record] }), bucket);
      }
    }
  }

  private deliver(queueArn: string, body: string, bucket: BucketRow): void {
    const queues = this.deps.queues();
    if (!queues) return;
    try {
      queues.deliver(queueArn, { body }, s3Source(bucket.name, bucket.account));
    } catch (error) {
      // A queue deleted or re-permissioned since the configuration was put loses the event, as on AWS.
      if (!(error instanceof ServiceError)) throw error;
    }
  }
}

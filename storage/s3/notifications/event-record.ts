import type { Caller } from "../../../sdk-compat/protocol/operation-handler.js";

/** What an event says of its object; size and eTag only for the events that write one. */
export interface EventObject {
  key: string;
  size?: number;
  /** Without the quotes S3 puts around ETag headers. */
  eTag?: string;
  versionId?: string;
  sequencer: string;
}

export interface EventBucket {
  name: string;
  account: string;
  region: string;
}

export interface EventRequest {
  requestId: string;
  caller: Caller;
  time: number;
}

/**
 * Keys in events are URL-encoded as S3 does it (form encoding: a space is "+"), with "/" kept so that
 * "photos/cat.jpg" reads as it is stored.
 */
export function eventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, "/")
    .replace(/%20/g, "+")
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The principal S3 names in events: the account for its root, `AWS:` and the user or role id otherwise. */
function principalOf(caller: Caller): string {
  return caller.arn.endsWith(":root") ? caller.account : `AWS:${caller.userId}`;
}

/** One record of AWS's event message structure, version 2.1, as S3 puts it on a queue (inside `{"Records": [...]}`). */
export function eventRecord(eventName: string, configurationId: string, bucket: EventBucket, object: EventObject, request: EventRequest): Record<string, unknown> {
  const { key, ...rest } = object;
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: bucket.region,
    eventTime: new Date(request.time).toISOString(),
    eventName,
    userIdentity: { principalId: principalOf(request.caller) },
    // cloudbox's domain does not see the client's address; AWS names the caller's IP here.
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: { "x-amz-request-id": request.requestId, "x-amz-id-2": Buffer.from(request.requestId).toString("base64") },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId,
      bucket: { name: bucket.name, ownerIdentity: { principalId: bucket.account }, arn: `arn:aws:s3:::${bucket.name}` },
      object: { key: eventKey(key), ...rest },
    },
  };
}

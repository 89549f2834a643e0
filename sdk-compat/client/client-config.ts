import type { InProcessHandler } from "./in-process-handler.js";

/** Something that knows where cloudbox answers: a started cloudbox, or just its endpoint URL. */
export type CloudboxTarget = string | { endpoint: string; handler?: InProcessHandler };

export interface CloudboxClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** S3 only; other clients ignore it. Path style needs no DNS for bucket hosts. */
  forcePathStyle: boolean;
  requestHandler?: InProcessHandler;
}

export interface ClientConfigOptions {
  /** Send requests in-process, with no socket (needs a started cloudbox, not a URL). */
  inProcess?: boolean;
  region?: string;
  /** A 12-digit access key id picks the account; anything else is account 000000000000. */
  accessKeyId?: string;
}

/**
 * Options for any `@aws-sdk/client-*` pointed at cloudbox: `new S3Client(clientConfig(cb))`.
 * Further options (retries, logger, …) can be spread in afterwards.
 */
export function clientConfig(target: CloudboxTarget, options: ClientConfigOptions = {}): CloudboxClientConfig {
  const endpoint = typeof target === "string" ? target : target.endpoint;
  const config: CloudboxClientConfig = {
    endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: options.accessKeyId ?? "test", secretAccessKey: "test" },
    forcePathStyle: true,
  };
  if (options.inProcess) {
    if (typeof target === "string" || !target.handler) throw new TypeError("clientConfig: inProcess needs a started cloudbox (the value startCloudbox() returned), not a URL.");
    config.requestHandler = target.handler;
  }
  return config;
}

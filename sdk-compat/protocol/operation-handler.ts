/**
 * What a domain handler sees of a request besides its typed input: who is calling, where, and
 * nothing of HTTP. `baseUrl` is the scheme, host and port the request came to, so URLs handed back
 * (SQS QueueUrls, …) work from wherever the client is.
 */
export interface OperationContext {
  account: string;
  region: string;
  requestId: string;
  operation: string;
  baseUrl: string;
  /** Aborted when the client goes away, so long waits (SQS long polling) can end early. */
  signal: AbortSignal;
}

// A streaming payload (S3 object, EBS block) arrives as a Readable, or as a Buffer when the request
// declared a small Content-Length (64 KiB or less): handlers take either.
// Handlers are typed by their domain with the SDK's request/result types; the registry sees them erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationHandler = (input: any, context: OperationContext) => unknown;

export type ServiceHandlers = Record<string, OperationHandler>;

/** What a domain module hands the platform: its operation handlers and lifecycle hooks. */
export interface ServiceProvider {
  handlers: ServiceHandlers;
  /** Called after the database was emptied, to drop in-memory caches or waiters. */
  reset?(): void;
  close?(): void;
}

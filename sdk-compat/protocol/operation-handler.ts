/**
 * The principal behind a request's credentials. A plain access key is its account's root; IAM users'
 * keys and STS sessions resolve to their user or assumed role.
 */
export interface Caller {
  /** The account the credentials belong to. */
  account: string;
  /** `arn:aws:iam::ACCOUNT:root`, `arn:aws:iam::ACCOUNT:user/NAME`, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  arn: string;
  /** As GetCallerIdentity answers it: the account id for root, `AIDA…` for a user, `AROA…:SESSION` for a role session. */
  userId: string;
  /** The access key id the request was signed with; undefined for an unsigned request. */
  accessKeyId?: string;
}

/**
 * What a domain handler sees of a request besides its typed input: who is calling, where, and
 * nothing of HTTP. `baseUrl` is the scheme, host and port the request came to, so URLs handed back
 * (SQS QueueUrls, …) work from wherever the client is.
 */
export interface OperationContext {
  /** The account the request acts in: its caller's account. */
  account: string;
  /** Who signed the request, as resource policies name principals. */
  caller: Caller;
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

import type { Clock } from "../storage/state/clock.js";

export const ALL_SERVICES = ["s3", "sqs", "sns", "ec2", "ebs", "sts", "iam"] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export interface CloudboxOptions {
  /** Port to listen on; 0 picks a free one. Default 4566. */
  port?: number;
  /** false: open no port at all; SDK clients reach cloudbox through `cb.handler` only. */
  listen?: boolean;
  /** Address to bind; loopback unless told otherwise. */
  host?: string;
  /** Where state and blobs persist; by default a temp directory removed on stop. */
  dataDir?: string;
  /** Which services answer; default all. */
  services?: readonly ServiceName[] | readonly string[];
  /** "real" (default), "virtual" for tests that advance time, or a Clock of your own. */
  clock?: "real" | "virtual" | Clock;
  /** fsync every commit, to survive power loss and not only a killed process. */
  durable?: boolean;
  /** Per-service settings (for example `{ ec2: { fleet: … } }`). */
  settings?: Record<string, Record<string, unknown>>;
  /** The account of access keys that name none (not 12 digits, not issued by IAM or STS). Default 000000000000. */
  accountId?: string;
  /** Log each request to stderr. */
  logRequests?: boolean;
}

export const DEFAULT_PORT = 4566;
export const DEFAULT_HOST = "127.0.0.1";

export function resolveServices(requested: CloudboxOptions["services"]): ServiceName[] {
  if (!requested || requested.length === 0) return [...ALL_SERVICES];
  const unknown = requested.filter((s) => !(ALL_SERVICES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`Unknown service(s): ${unknown.join(", ")}. cloudbox serves: ${ALL_SERVICES.join(", ")}.`);
  return requested as ServiceName[];
}

/** The default account, checked: AWS account ids are 12 digits. */
export function resolveAccountId(requested: string | undefined): string {
  if (requested === undefined) return "000000000000";
  if (!/^\d{12}$/.test(requested)) throw new Error(`The account id must be 12 digits, not "${requested}".`);
  return requested;
}

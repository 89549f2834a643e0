import type { Database } from "./database.js";
import type { Clock } from "./clock.js";
import type { BlobStore } from "../blobs/blob-store.js";

/** What every service provider is built from: the shared store, blobs, clock and its own settings. */
export interface DomainEnvironment {
  db: Database;
  blobs: BlobStore;
  clock: Clock;
  /** Per-service settings from startCloudbox options / CLI (`ec2.fleet`, lifecycle durations, …). */
  settings: Record<string, unknown>;
}

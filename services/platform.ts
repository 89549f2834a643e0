import { mkdirSync, mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Database } from "../storage/state/database.js";
import { BlobStore } from "../storage/blobs/blob-store.js";
import type { Clock } from "../storage/state/clock.js";
import { RealClock, VirtualClock } from "../storage/state/clock.js";
import type { CloudboxOptions } from "./config.js";
import { resolveAccountId, resolveServices } from "./config.js";
import type { RegisteredService } from "./service-registry.js";
import { registerService } from "./service-registry.js";
import { AwsDispatcher } from "./edge/aws-dispatcher.js";
import { identityCallers } from "./edge/credential.js";
import { IdentityStore } from "./identity/identity-store.js";
import { CallerResolver } from "./identity/callers.js";

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8")) as { version: string };
    return pkg.version;
  } catch {
    return "0.0.0";
  }
}

/** Everything one cloudbox is made of, without any network listener: store, blobs, clock, services. */
export class Platform {
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly services = new Map<string, RegisteredService>();
  readonly dispatcher: AwsDispatcher;
  /** Who credentials stand for: IAM users' keys, STS sessions, plain keys as their account's root. */
  readonly callers: CallerResolver;
  readonly dataDir: string;
  readonly version = packageVersion();
  private readonly temporary: boolean;

  constructor(options: CloudboxOptions = {}) {
    const defaultAccount = resolveAccountId(options.accountId);
    this.temporary = !options.dataDir;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "cloudbox-"));
    mkdirSync(this.dataDir, { recursive: true });
    this.db = new Database(options.dataDir ? join(this.dataDir, "state.db") : ":memory:", { durable: options.durable });
    this.blobs = new BlobStore(this.db, this.dataDir);
    const clock = options.clock ?? "real";
    this.clock = clock === "real" ? new RealClock() : clock === "virtual" ? new VirtualClock() : clock;
    this.callers = new CallerResolver(new IdentityStore(this.db), this.clock, defaultAccount);
    for (const name of resolveServices(options.services)) {
      this.services.set(name, registerService(name, { db: this.db, blobs: this.blobs, clock: this.clock, settings: options.settings?.[name] ?? {} }, this.services, { callers: this.callers }));
    }
    this.dispatcher = new AwsDispatcher(this.services, (error, request) => {
      process.stderr.write(`cloudbox: internal error on ${request.method} ${request.url}: ${error instanceof Error ? error.stack : String(error)}\n`);
    }, { now: () => this.clock.now(), resolveCaller: identityCallers(this.callers) });
  }

  /** Wipes every resource of every service, as if cloudbox had just started. */
  reset(): void {
    this.db.reset();
    this.blobs.reset();
    for (const service of this.services.values()) service.provider.reset?.();
  }

  close(): void {
    for (const service of this.services.values()) service.provider.close?.();
    this.db.close();
    if (this.temporary) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

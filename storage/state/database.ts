import BetterSqlite3 from "better-sqlite3";
import { CommonErrors } from "../../sdk-compat/errors/service-error.js";

/**
 * The metadata store: one SQLite database per cloudbox, in memory or in `<data-dir>/state.db` (WAL),
 * and the one truth of every stored fact (docs/state.md). Modules register their schema as an
 * ordered list of migrations; only the new ones are applied. WAL with synchronous=NORMAL keeps every
 * committed transaction through a process kill without an fsync per write; `durable` (fsync on
 * commit) survives power loss too.
 */
export class Database {
  readonly sql: BetterSqlite3.Database;
  // One transaction wrapper for every call: better-sqlite3 builds four wrapped variants per
  // transaction(fn), about 5 µs, which the hot paths (SQS batches, receives) paid on every request.
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  constructor(file: string | ":memory:", options: { durable?: boolean } = {}) {
    this.sql = new BetterSqlite3(file);
    if (file !== ":memory:") this.sql.pragma("journal_mode = WAL");
    this.sql.pragma(`synchronous = ${options.durable ? "FULL" : "NORMAL"}`);
    this.sql.pragma("foreign_keys = ON");
    this.runInTransaction = this.sql.transaction((fn: () => unknown) => fn());
    this.sql.exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  }

  registerSchema(module: string, migrations: string[]): void {
    const row = this.sql.prepare("SELECT version FROM schema_migrations WHERE module = ?").get(module) as { version: number } | undefined;
    const from = row?.version ?? 0;
    if (from >= migrations.length) return;
    this.transaction(() => {
      for (let i = from; i < migrations.length; i++) this.sql.exec(migrations[i]!);
      this.sql.prepare("INSERT INTO schema_migrations (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version").run(module, migrations.length);
    });
  }

  /**
   * Runs `fn` as one transaction: all of it is stored, or (when it throws) none. A broken
   * constraint (a duplicate id, a missing row it refers to) is the service's fault, and answers as
   * AWS answers one: an InternalError.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.runInTransaction(fn) as T;
    } catch (error) {
      if (error instanceof BetterSqlite3.SqliteError && error.code.startsWith("SQLITE_CONSTRAINT")) throw CommonErrors.internal(`A stored invariant was violated: ${error.message}`);
      throw error;
    }
  }

  /** Empties every table, keeping the schema. */
  reset(): void {
    const tables = this.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as { name: string }[];
    this.sql.pragma("foreign_keys = OFF");
    try {
      this.transaction(() => {
        for (const { name } of tables) this.sql.exec(`DELETE FROM "${name}"`);
      });
    } finally {
      this.sql.pragma("foreign_keys = ON");
    }
  }

  close(): void {
    if (this.sql.open) this.sql.close();
  }
}

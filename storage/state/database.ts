import BetterSqlite3 from "better-sqlite3";

/** A cache that mirrors table data in memory and must drop it when a transaction it saw rolls back. */
export interface UncommittedReader {
  rolledBack(): void;
}

/**
 * The metadata store: one SQLite database per cloudbox, in memory or in `<data-dir>/state.db` (WAL).
 * Modules register their schema as an ordered list of migrations; only the new ones are applied.
 * WAL with synchronous=NORMAL keeps every committed transaction through a process kill without
 * an fsync per write; `durable` (fsync on commit) survives power loss too.
 */
export class Database {
  readonly sql: BetterSqlite3.Database;
  // One transaction wrapper for every call: better-sqlite3 builds four wrapped variants per
  // transaction(fn), about 5 µs, which the hot paths (SQS batches, receives) paid on every request.
  private readonly runInTransaction: (fn: () => unknown) => unknown;
  /**
   * Transactions that threw (and so rolled back). A cache that counts its table's writes may have
   * read, inside a transaction, a row that a rollback then undid: it also compares this count.
   */
  rollbacks = 0;
  /**
   * Caches that took in writes or rows inside the open transaction. A failed request of any service
   * rolls back; only the caches that saw the rolled-back transaction have to read their rows again.
   */
  private readonly uncommittedReaders = new Set<UncommittedReader>();

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

  transaction<T>(fn: () => T): T {
    try {
      const result = this.runInTransaction(fn) as T;
      if (!this.sql.inTransaction) this.uncommittedReaders.clear();
      return result;
    } catch (error) {
      this.rollbacks++;
      // A nested transaction undoes only its own part, but which cache saw which part is not known.
      for (const reader of this.uncommittedReaders) reader.rolledBack();
      if (!this.sql.inTransaction) this.uncommittedReaders.clear();
      throw error;
    }
  }

  /** `reader` has just taken in a write or rows of the open transaction, if one is open. */
  tookIn(reader: UncommittedReader): void {
    if (this.sql.inTransaction) this.uncommittedReaders.add(reader);
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

import type { Statement } from "better-sqlite3";
import type { Database } from "../../state/database.js";

/**
 * Where S3 events get their `sequencer`: one counter in the database, so the values keep increasing
 * across a restart from a data directory, and a reset starts them over with the state they order.
 */
const MIGRATIONS = [`CREATE TABLE s3_event_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);`];

export class EventSequence {
  private readonly bump: Statement;

  constructor(private readonly db: Database) {
    db.registerSchema("s3-events", MIGRATIONS);
    this.bump = db.sql.prepare("INSERT INTO s3_event_sequence (id, value) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET value = value + 1 RETURNING value").pluck();
  }

  /**
   * The next sequencer, as fixed-width upper-case hex like AWS's ("0055AED6DCD90281E5"): consumers compare
   * sequencers of one key as strings, so the width must not change.
   */
  next(): string {
    const value = this.db.transaction(() => this.bump.get() as number);
    return value.toString(16).toUpperCase().padStart(18, "0");
  }
}

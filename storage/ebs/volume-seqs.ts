import type { Database, UncommittedReader } from "../state/database.js";

/**
 * Each volume's row number by its id, kept in memory beside the volume table so that the table
 * needs no index on volume_id: every launch inserts a root volume, and the primary key's index was
 * a second B-tree that each insert wrote. Read from the rows on first use; the store reports each
 * insert after the statement ran. A volume keeps its row when it is deleted (it shows `deleting`,
 * then `deleted`), so rows only ever go all at once, in a reset. When a transaction that inserted
 * volumes rolls back, the map is read again from the rows.
 */
export class VolumeSeqs implements UncommittedReader {
  /** Undefined until read, and again after a rollback or reset; an insert meanwhile is read with the rows. */
  private loaded: Map<string, number> | undefined;

  constructor(private readonly db: Database, private readonly readRows: () => { seq: number; volume_id: string }[]) {}

  rolledBack(): void {
    this.loaded = undefined;
  }

  /** After the rows were emptied (a reset). */
  clear(): void {
    this.loaded = undefined;
  }

  // An insert registers for rollback whether or not the map is loaded: a load later in the same
  // transaction reads the uncommitted row. A load alone does not register, so a failing request
  // that only read keeps the map (reading it again is a scan of the whole table).
  inserted(volumeId: string, seq: number): void {
    this.db.tookIn(this);
    this.loaded?.set(volumeId, seq);
  }

  seqOf(volumeId: string): number | undefined {
    return this.current().get(volumeId);
  }

  private current(): Map<string, number> {
    if (this.loaded) return this.loaded;
    const loaded = new Map<string, number>();
    for (const row of this.readRows()) loaded.set(row.volume_id, row.seq);
    return (this.loaded = loaded);
  }
}

import type { Database, UncommittedReader } from "../state/database.js";
import type { AttachmentRow } from "./schema.js";

/** An attachment row and its rowid: the order in which attachments were written. */
export interface LiveAttachment extends AttachmentRow {
  readonly seq: number;
}

interface Loaded {
  byVolume: Map<string, LiveAttachment[]>;
  /** By account and region, then by instance. */
  byScope: Map<string, Map<string, LiveAttachment[]>>;
  /** The rows whose detachment has started: each leaves both maps once it has completed. */
  detaching: Set<LiveAttachment>;
}

const scopeKey = (account: string, region: string) => `${account}\n${region}`;

/** Every read asks for attachments that are not detached yet: attaching, attached or detaching. */
const isLive = (row: AttachmentRow, now: number) => row.detached_at === null || row.detached_at > now;

/** The order of attachmentsOfVolume: by attach time, then as written. */
const byAttachTime = (a: LiveAttachment, b: LiveAttachment) => a.attach_time - b.attach_time || a.seq - b.seq;

/** The order of an instance's attachments (its block device mappings): by attach time, the root first, then as written. */
const byAttachTimeRootFirst = (a: LiveAttachment, b: LiveAttachment) => a.attach_time - b.attach_time || b.is_root - a.is_root || a.seq - b.seq;

/**
 * The attachments that are not yet detached, kept in memory beside the table, so that the table
 * needs no index on volume or instance: a launch writes an attachment per volume, and each index
 * was a B-tree insert at a random key. Read from the rows on first use; the store reports each of
 * its writes after the statement ran. A row whose detachment has completed leaves the mirror at
 * the next read (clocks only move forward, so it never shows again). When a transaction that
 * wrote attachments rolls back, the mirror is read again from the rows. Rows are frozen: callers
 * share them.
 */
export class LiveAttachments implements UncommittedReader {
  /** Undefined until read, and again after a rollback or reset; a write meanwhile is read with the rows. */
  private loaded: Loaded | undefined;

  constructor(private readonly db: Database, private readonly readLive: (now: number) => LiveAttachment[]) {}

  rolledBack(): void {
    this.loaded = undefined;
  }

  /** After the rows were emptied (a reset). */
  clear(): void {
    this.loaded = undefined;
  }

  // A write registers for rollback whether or not the mirror is loaded: a load later in the same
  // transaction reads the uncommitted row. A load alone does not register, so a failing request
  // that only read leaves the mirror in place (reading it again is a scan of the whole table).
  inserted(row: LiveAttachment): void {
    this.db.tookIn(this);
    if (this.loaded) add(this.loaded, row);
  }

  /** `after` (the same rowid, changed columns) replaces `before`. */
  replaced(before: LiveAttachment, after: LiveAttachment): void {
    this.db.tookIn(this);
    const loaded = this.loaded;
    if (!loaded) return;
    remove(loaded, before);
    add(loaded, after);
  }

  ofVolume(volumeId: string, now: number): LiveAttachment[] {
    const list = this.current(now).byVolume.get(volumeId);
    return list ? list.slice().sort(byAttachTime) : [];
  }

  ofInstance(account: string, region: string, instanceId: string, now: number): LiveAttachment[] {
    const list = this.current(now).byScope.get(scopeKey(account, region))?.get(instanceId);
    return list ? list.slice().sort(byAttachTimeRootFirst) : [];
  }

  /** Every live attachment of an account and region, in the order of an instance's attachments. */
  ofScope(account: string, region: string, now: number): LiveAttachment[] {
    const out: LiveAttachment[] = [];
    for (const list of this.current(now).byScope.get(scopeKey(account, region))?.values() ?? []) for (const row of list) out.push(row);
    return out.sort(byAttachTimeRootFirst);
  }

  private current(now: number): Loaded {
    let loaded = this.loaded;
    if (!loaded) {
      loaded = { byVolume: new Map(), byScope: new Map(), detaching: new Set() };
      for (const row of this.readLive(now)) add(loaded, row);
      this.loaded = loaded;
    }
    for (const row of loaded.detaching) if (!isLive(row, now)) remove(loaded, row);
    return loaded;
  }
}

function add(loaded: Loaded, row: LiveAttachment): void {
  Object.freeze(row);
  addTo(loaded.byVolume, row.volume_id, row);
  const key = scopeKey(row.account, row.region);
  let scope = loaded.byScope.get(key);
  if (!scope) loaded.byScope.set(key, (scope = new Map()));
  addTo(scope, row.instance_id, row);
  if (row.detached_at !== null) loaded.detaching.add(row);
}

function remove(loaded: Loaded, row: LiveAttachment): void {
  removeFrom(loaded.byVolume, row.volume_id, row);
  const scope = loaded.byScope.get(scopeKey(row.account, row.region));
  if (scope) removeFrom(scope, row.instance_id, row);
  loaded.detaching.delete(row);
}

function addTo(lists: Map<string, LiveAttachment[]>, key: string, row: LiveAttachment): void {
  const list = lists.get(key);
  if (list) list.push(row);
  else lists.set(key, [row]);
}

function removeFrom(lists: Map<string, LiveAttachment[]>, key: string, row: LiveAttachment): void {
  const list = lists.get(key);
  if (!list) return;
  const at = list.indexOf(row);
  if (at === -1) return;
  if (list.length === 1) lists.delete(key);
  else list.splice(at, 1);
}

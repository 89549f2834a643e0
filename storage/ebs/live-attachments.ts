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
 * its writes after the statement ran. A row whose detachment has completed is dropped when a read
 * meets it (clocks only move forward, so it never shows again). When a transaction in which the
 * mirror took in writes or rows rolls back, it is read again from the rows.
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

  inserted(row: LiveAttachment): void {
    if (!this.loaded) return;
    add(this.loaded, row);
    this.db.tookIn(this);
  }

  /** `after` (the same rowid, changed columns) replaces `before`; a row already detached at `now` leaves. */
  replaced(before: LiveAttachment, after: LiveAttachment, now: number): void {
    const loaded = this.loaded;
    if (!loaded) return;
    this.db.tookIn(this);
    const live = isLive(after, now);
    replaceIn(loaded.byVolume, before.volume_id, before, live ? after : undefined);
    const scope = loaded.byScope.get(scopeKey(before.account, before.region));
    if (scope) replaceIn(scope, before.instance_id, before, live ? after : undefined);
  }

  ofVolume(volumeId: string, now: number): LiveAttachment[] {
    return liveIn(this.current(now).byVolume, volumeId, now).sort(byAttachTime);
  }

  ofInstance(account: string, region: string, instanceId: string, now: number): LiveAttachment[] {
    const scope = this.current(now).byScope.get(scopeKey(account, region));
    return scope ? liveIn(scope, instanceId, now).sort(byAttachTimeRootFirst) : [];
  }

  /** Every live attachment of an account and region, in the order of an instance's attachments. */
  ofScope(account: string, region: string, now: number): LiveAttachment[] {
    const scope = this.current(now).byScope.get(scopeKey(account, region));
    const out: LiveAttachment[] = [];
    if (!scope) return out;
    for (const instanceId of [...scope.keys()]) for (const row of liveIn(scope, instanceId, now)) out.push(row);
    return out.sort(byAttachTimeRootFirst);
  }

  private current(now: number): Loaded {
    if (this.loaded) return this.loaded;
    const loaded: Loaded = { byVolume: new Map(), byScope: new Map() };
    for (const row of this.readLive(now)) add(loaded, row);
    this.db.tookIn(this);
    return (this.loaded = loaded);
  }
}

function add(loaded: Loaded, row: LiveAttachment): void {
  addTo(loaded.byVolume, row.volume_id, row);
  const key = scopeKey(row.account, row.region);
  let scope = loaded.byScope.get(key);
  if (!scope) loaded.byScope.set(key, (scope = new Map()));
  addTo(scope, row.instance_id, row);
}

function addTo(lists: Map<string, LiveAttachment[]>, key: string, row: LiveAttachment): void {
  const list = lists.get(key);
  if (list) list.push(row);
  else lists.set(key, [row]);
}

function replaceIn(lists: Map<string, LiveAttachment[]>, key: string, before: LiveAttachment, after: LiveAttachment | undefined): void {
  const list = lists.get(key);
  if (!list) return;
  const rest: LiveAttachment[] = [];
  for (const row of list) {
    if (row !== before) rest.push(row);
    else if (after) rest.push(after);
  }
  if (rest.length) lists.set(key, rest);
  else lists.delete(key);
}

/** The key's live rows, as a new array; the rows whose detachment has completed are dropped from the map. */
function liveIn(lists: Map<string, LiveAttachment[]>, key: string, now: number): LiveAttachment[] {
  const list = lists.get(key);
  if (!list) return [];
  const live: LiveAttachment[] = [];
  for (const row of list) if (isLive(row, now)) live.push(row);
  if (live.length === list.length) return live;
  if (live.length) lists.set(key, live.slice());
  else lists.delete(key);
  return live;
}

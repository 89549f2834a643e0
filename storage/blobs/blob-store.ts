import { createReadStream, mkdirSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Database } from "../state/database.js";
import { FileRangeStream } from "./file-range-stream.js";
import { uuid } from "../state/ids.js";

export interface BlobInfo {
  id: string;
  size: number;
}

/** A piece of a blob: multipart objects and sparse volumes are read as a list of these. */
export interface BlobSegment {
  id: string;
  /** Offset within the blob where this segment's bytes start. */
  offset?: number;
  length: number;
}

const INLINE_LIMIT = 64 * 1024;
// 1 MiB reads: fewer syscalls and chunks per GiB; measured 1.0–1.26 GB/s against 0.73–0.99 with 256 KiB
const READ_CHUNK = 1024 * 1024;
const WRITE_BATCH = 1024 * 1024;
const WRITES_IN_FLIGHT = 4;

/**
 * Immutable byte blobs for object and block data. Small blobs live inline in the database; larger
 * ones stream to a temp file and are renamed into place once complete, so a blob file is never seen
 * half-written. Blobs are reference-counted by the rows that point at them: callers `retain` and
 * `release` inside the same transaction that commits their metadata, and a blob whose count drops
 * to zero is removed. Unreferenced blobs left by a crash are swept when the store opens.
 */
export class BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  // Prepared once: statement preparation costs more than the small-object operations themselves.
  private readonly stmt: ReturnType<BlobStore["prepare"]>;

  constructor(private readonly db: Database, dir: string, private readonly inlineLimit = INLINE_LIMIT) {
    this.blobsDir = join(dir, "blobs");
    this.tmpDir = join(dir, "tmp");
    mkdirSync(this.blobsDir, { recursive: true });
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    db.registerSchema("blobs", ["CREATE TABLE blobs (id TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB, refs INTEGER NOT NULL DEFAULT 0)"]);
    this.stmt = this.prepare();
    this.sweep();
  }

  private prepare() {
    const sql = this.db.sql;
    return {
      insert: sql.prepare("INSERT INTO blobs (id, size, data) VALUES (?, ?, ?)"),
      retain: sql.prepare("UPDATE blobs SET refs = refs + 1 WHERE id = ?"),
      release: sql.prepare("UPDATE blobs SET refs = refs - 1 WHERE id = ? RETURNING refs, data IS NULL AS onDisk"),
      refs: sql.prepare("SELECT refs, data IS NULL AS onDisk FROM blobs WHERE id = ?"),
      remove: sql.prepare("DELETE FROM blobs WHERE id = ?"),
      size: sql.prepare("SELECT size FROM blobs WHERE id = ?"),
      data: sql.prepare("SELECT data FROM blobs WHERE id = ?"),
    };
  }

  private pathOf(id: string): string {
    return join(this.blobsDir, id);
  }

  /**
   * Stores the bytes of `source`, calling `onChunk` with each chunk as it passes (for hashing and
   * limits; a throw aborts the write). The blob starts with no references.
   */
  async write(source: AsyncIterable<Uint8Array> | Uint8Array, onChunk?: (chunk: Buffer) => void): Promise<BlobInfo> {
    const id = uuid().replace(/-/g, "");
    if (source instanceof Uint8Array && source.length <= this.inlineLimit) {
      // Small bodies already in memory skip the async iteration: they are most requests.
      const chunk = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      if (chunk.length) onChunk?.(chunk);
      this.stmt.insert.run(id, chunk.length, chunk);
      return { id, size: chunk.length };
    }
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let size = 0;
    let written = 0;
    let file: Awaited<ReturnType<typeof open>> | undefined;
    // A few batched writes in flight while the next batch fills: disk and network overlap, memory stays bounded.
    const inflight: Promise<unknown>[] = [];
    const tmp = join(this.tmpDir, id);
    try {
      const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = source instanceof Uint8Array ? [source] : source;
      for await (const raw of chunks) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        if (chunk.length === 0) continue;
        onChunk?.(chunk);
        size += chunk.length;
        pending.push(chunk);
        pendingSize += chunk.length;
        if (!file && size > this.inlineLimit) file = await open(tmp, "w");
        if (file && pendingSize >= WRITE_BATCH) {
          if (inflight.length >= WRITES_IN_FLIGHT) await inflight.shift();
          // Explicit positions: writes running side by side in the thread pool must not depend on the file offset.
          inflight.push(file.writev(pending, written));
          written += pendingSize;
          pending = [];
          pendingSize = 0;
        }
      }
      if (file) {
        await Promise.all(inflight.splice(0));
        if (pending.length) await file.writev(pending, written);
        await file.close();
        file = undefined;
        await rename(tmp, this.pathOf(id));
        this.stmt.insert.run(id, size, null);
      } else {
        this.stmt.insert.run(id, size, pending.length === 1 ? pending[0]! : Buffer.concat(pending, size));
      }
      return { id, size };
    } catch (error) {
      await Promise.allSettled(inflight.splice(0));
      if (file) await file.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw error;
    }
  }

  retain(id: string): void {
    this.stmt.retain.run(id);
  }

  /** Drops one reference; the last one removes the blob. Open readers keep their bytes (POSIX unlink). */
  release(id: string): void {
    const row = this.stmt.release.get(id) as { refs: number; onDisk: number } | undefined;
    if (row && row.refs <= 0) this.remove(id, row.onDisk === 1);
  }

  /** Removes a blob nobody references (a write whose metadata commit was refused). */
  discard(id: string): void {
    const row = this.stmt.refs.get(id) as { refs: number; onDisk: number } | undefined;
    if (row && row.refs <= 0) this.remove(id, row.onDisk === 1);
  }

  private remove(id: string, onDisk: boolean): void {
    this.stmt.remove.run(id);
    if (onDisk) {
      try {
        unlinkSync(this.pathOf(id));
      } catch {
        // already gone: nothing to free
      }
    }
  }

  size(id: string): number | undefined {
    return (this.stmt.size.get(id) as { size: number } | undefined)?.size;
  }

  /** The bytes of a blob kept inline in the database, or undefined for a file-backed (or missing) one. */
  inlineData(id: string): Buffer | undefined {
    return (this.stmt.data.get(id) as { data: Buffer | null } | undefined)?.data ?? undefined;
  }

  /** Reads bytes [start, end] (inclusive) of one blob. */
  read(id: string, start = 0, end?: number): Readable {
    return this.readSegments([{ id, length: this.size(id) ?? 0 }], start, end);
  }

  /** Reads bytes [start, end] (inclusive) of the concatenation of segments, streaming file-backed parts. */
  readSegments(segments: BlobSegment[], start = 0, end?: number): Readable {
    const total = segments.reduce((n, s) => n + s.length, 0);
    const last = Math.min(end ?? total - 1, total - 1);
    if (segments.length === 1 && last >= start) {
      // One file-backed blob (large single PUTs): the file stream itself, without a generator around it.
      const only = segments[0]!;
      const row = this.stmt.data.get(only.id) as { data: Buffer | null } | undefined;
      if (row && row.data === null) {
        const base = only.offset ?? 0;
        return new FileRangeStream(this.pathOf(only.id), base + start, base + last, READ_CHUNK);
      }
    }
    const store = this;
    async function* generate(): AsyncGenerator<Buffer> {
      let position = 0;
      for (const segment of segments) {
        const segStart = position;
        const segEnd = position + segment.length - 1;
        position += segment.length;
        if (segEnd < start || segStart > last) continue;
        const from = Math.max(start, segStart) - segStart + (segment.offset ?? 0);
        const to = Math.min(last, segEnd) - segStart + (segment.offset ?? 0);
        const row = store.stmt.data.get(segment.id) as { data: Buffer | null } | undefined;
        if (!row) throw new Error(`blob ${segment.id} is missing`);
        if (row.data) {
          yield row.data.subarray(from, to + 1);
        } else {
          for await (const chunk of createReadStream(store.pathOf(segment.id), { start: from, end: to, highWaterMark: READ_CHUNK })) yield chunk as Buffer;
        }
      }
    }
    return Readable.from(generate(), { objectMode: false, highWaterMark: READ_CHUNK });
  }

  /** Removes blobs no row references and files with no blob row: what a crash mid-write leaves. */
  sweep(): void {
    const unreferenced = this.db.sql.prepare("SELECT id, data IS NULL AS onDisk FROM blobs WHERE refs <= 0").all() as { id: string; onDisk: number }[];
    for (const { id, onDisk } of unreferenced) this.remove(id, onDisk === 1);
    const known = this.db.sql.prepare("SELECT 1 FROM blobs WHERE id = ?");
    for (const name of readdirSync(this.blobsDir)) if (!known.get(name)) rmSync(this.pathOf(name), { force: true });
  }

  /** Forgets every blob (after the database was reset). */
  reset(): void {
    rmSync(this.blobsDir, { recursive: true, force: true });
    mkdirSync(this.blobsDir, { recursive: true });
  }
}

import { open, type FileHandle } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";

const POOL_SIZE = 4;

/**
 * Bytes [start, end] of a blob file. Read as a stream it behaves like fs.createReadStream; written
 * with `writeTo` it sends the range from a few reused buffers, each handed back by its write
 * callback, so a 1 GiB GET makes no garbage per chunk (a fresh buffer per read cost as much CPU in
 * GC as the copy itself).
 */
export class FileRangeStream extends Readable {
  private handle: FileHandle | undefined;
  private position: number;

  constructor(private readonly path: string, start: number, private readonly end: number, private readonly chunkSize: number) {
    super({ highWaterMark: chunkSize });
    this.position = start;
  }

  override _read(): void {
    this.readNext().catch((error: unknown) => this.destroy(error as Error));
  }

  private async readNext(): Promise<void> {
    const left = this.end - this.position + 1;
    if (left <= 0) {
      this.push(null);
      return;
    }
    this.handle ??= await open(this.path, "r");
    const buffer = Buffer.allocUnsafe(Math.min(this.chunkSize, left));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
    if (bytesRead === 0) throw new Error(`blob file ${this.path} is shorter than its recorded size`);
    this.position += bytesRead;
    this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return callback(error);
    handle.close().then(() => callback(error), () => callback(error));
  }

  /** Sends the whole range to `out` and ends it; the stream itself is then destroyed (its 'close' fires). */
  async writeTo(out: Writable): Promise<void> {
    const free: Buffer[] = [];
    let created = 0;
    let wake: (() => void) | undefined;
    const waitForBuffer = () => new Promise<void>((resolve) => (wake = resolve));
    const onClose = () => wake?.();
    out.on("close", onClose);
    try {
      this.handle ??= await open(this.path, "r");
      while (this.position <= this.end && !out.destroyed) {
        let buffer = free.pop();
        if (!buffer && created < POOL_SIZE) {
          buffer = Buffer.allocUnsafeSlow(this.chunkSize);
          created++;
        }
        if (!buffer) {
          await waitForBuffer();
          continue;
        }
        const want = Math.min(buffer.length, this.end - this.position + 1);
        const { bytesRead } = await this.handle.read(buffer, 0, want, this.position);
        if (bytesRead === 0) throw new Error(`blob file ${this.path} is shorter than its recorded size`);
        this.position += bytesRead;
        const sent = buffer;
        out.write(bytesRead === sent.length ? sent : sent.subarray(0, bytesRead), () => {
          free.push(sent);
          const w = wake;
          wake = undefined;
          w?.();
        });
      }
      if (!out.destroyed) out.end();
    } catch (error) {
      out.destroy(error as Error);
    } finally {
      out.off("close", onClose);
      this.destroy();
    }
  }
}

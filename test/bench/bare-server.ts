import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { createWriteStream, unlink } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The floor every benchmark compares against: a bare node:http server that consumes request bodies
 * and, for GET /bytes/<n>, streams n bytes; anything else gets an empty 200. No parsing, no storage.
 * PUT /store/… is the floor of an object store instead: the body streams to a temp file while its
 * MD5 (S3's ETag) is computed, and the answer waits for both.
 */
const CHUNK = Buffer.alloc(256 * 1024, 97);
const port = Number(process.argv[2] ?? 0);
let stored = 0;
const server = createServer((req, res) => {
  if (req.method === "PUT" && req.url?.startsWith("/store/")) {
    const path = join(tmpdir(), `bare-store-${process.pid}-${stored++}`);
    const md5 = createHash("md5");
    const file = createWriteStream(path, { highWaterMark: 1024 * 1024 });
    req.on("data", (chunk: Buffer) => md5.update(chunk));
    req.pipe(file);
    file.on("finish", () => {
      res.writeHead(200, { etag: `"${md5.digest("hex")}"`, "content-length": 0 });
      res.end();
      unlink(path, () => {});
    });
    return;
  }
  const m = /^\/bytes\/(\d+)/.exec(req.url ?? "");
  req.on("data", () => {});
  req.on("end", () => {
    if (!m) {
      res.writeHead(200, { "content-length": 0 });
      res.end();
      return;
    }
    let left = Number(m[1]);
    res.writeHead(200, { "content-length": left, "content-type": "application/octet-stream" });
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : port}\n`);
});

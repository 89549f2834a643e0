import { createServer } from "node:http";

/**
 * The floor every benchmark compares against: a bare node:http server that consumes request bodies
 * and, for GET /bytes/<n>, streams n bytes; anything else gets an empty 200. No parsing, no storage.
 */
const CHUNK = Buffer.alloc(256 * 1024, 97);
const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
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

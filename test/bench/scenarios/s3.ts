import { request } from "node:http";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { BenchTarget, RunResult, Scenario } from "../scenario.js";
import { isCloudbox } from "../scenario.js";
import { benchClientConfig, measureLoop, warmUp } from "../scenario.js";

const KiB = Buffer.alloc(1024, 120);
const GiB = 1024 * 1024 * 1024;
const BLOCK = Buffer.alloc(1024 * 1024, 98);

async function bucketClient(target: BenchTarget, bucket: string): Promise<S3Client> {
  const s3 = new S3Client(benchClientConfig(target));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return s3;
}

/** A raw HTTP exchange: large transfers skip the SDK so the client's own hashing does not set the pace. */
function exchange(target: BenchTarget, method: "PUT" | "GET", path: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: target.port, method, path, headers: method === "PUT" ? { "content-length": String(size), "content-type": "application/octet-stream" } : {} }, (res) => {
      let received = 0;
      res.on("data", (chunk: Buffer) => (received += chunk.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(method === "PUT" ? size : received) : reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (method === "GET") {
      req.end();
      return;
    }
    let left = size;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, BLOCK.length);
        left -= n;
        if (!req.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function timed(operation: () => Promise<number>): Promise<RunResult> {
  const started = process.hrtime.bigint();
  const bytes = await operation();
  return { operations: 1, latenciesMs: [Number(process.hrtime.bigint() - started) / 1e6], bytes };
}

// The bare server answers any PUT and streams n bytes for GET /bytes/<n>: the floor for 1 GiB transfers.
// bare-node-store's PUT writes the body to disk while computing its MD5: the least work an S3 PUT does.
const bigPath = (target: BenchTarget, method: "PUT" | "GET"): string =>
  target.name === "bare-node" && method === "GET" ? `/bytes/${GiB}` : target.name === "bare-node-store" ? "/store/object.bin" : "/bench-big/object.bin";

export const scenarios: Scenario[] = [
  {
    name: "s3: PutObject 1 KiB (2,000 calls, 8 in flight)",
    targets: ["cloudbox", "moto", "s3rver"],
    target: { cpuMicrosPerOp: 200 },
    async setup(target) {
      const s3 = await bucketClient(target, "bench-put");
      await warmUp((i) => s3.send(new PutObjectCommand({ Bucket: "bench-put", Key: `warm/${i % 200}`, Body: KiB })));
      return s3;
    },
    async run(_target, state) {
      const s3 = state as S3Client;
      return measureLoop(2000, 8, (i) => s3.send(new PutObjectCommand({ Bucket: "bench-put", Key: `k/${i % 200}`, Body: KiB })));
    },
    async teardown(_target, state) {
      (state as S3Client).destroy();
    },
  },
  {
    name: "s3: GetObject 1 KiB (2,000 calls, 8 in flight)",
    targets: ["cloudbox", "moto", "s3rver"],
    target: { cpuMicrosPerOp: 200 },
    async setup(target) {
      const s3 = await bucketClient(target, "bench-get");
      await s3.send(new PutObjectCommand({ Bucket: "bench-get", Key: "one-kib", Body: KiB }));
      await warmUp(async () => (await s3.send(new GetObjectCommand({ Bucket: "bench-get", Key: "one-kib" }))).Body!.transformToByteArray());
      return s3;
    },
    async run(_target, state) {
      const s3 = state as S3Client;
      return measureLoop(2000, 8, async () => (await s3.send(new GetObjectCommand({ Bucket: "bench-get", Key: "one-kib" }))).Body!.transformToByteArray());
    },
    async teardown(_target, state) {
      (state as S3Client).destroy();
    },
  },
  {
    name: "s3: ListObjectsV2 one page of 1,000 keys from a 10,000-key bucket (40 calls)",
    targets: ["cloudbox", "moto", "s3rver"],
    target: { cpuMicrosPerOp: 5000 },
    async setup(target) {
      const s3 = await bucketClient(target, "bench-list");
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < 10_000) {
          const i = next++;
          await s3.send(new PutObjectCommand({ Bucket: "bench-list", Key: `dir${i % 10}/key-${String(i).padStart(5, "0")}`, Body: "" }));
        }
      }));
      await s3.send(new ListObjectsV2Command({ Bucket: "bench-list" }));
      return s3;
    },
    async run(_target, state) {
      const s3 = state as S3Client;
      // Pages start at different places so no server can answer from a cache of the first page.
      return measureLoop(40, 1, (i) => s3.send(new ListObjectsV2Command({ Bucket: "bench-list", StartAfter: `dir${i % 9}/` })));
    },
    async teardown(_target, state) {
      (state as S3Client).destroy();
    },
  },
  {
    // Peers buffer whole bodies (1.9–4.8 GB peaks measured before); on a shared machine only the floor runs beside cloudbox.
    name: "s3: 1 GiB single PUT (streamed, raw HTTP)",
    targets: ["cloudbox", "bare-node", "bare-node-store"],
    target: { throughputRatioToBare: 0.7, peakRssMb: 150 },
    async setup(target) {
      if (isCloudbox(target)) (await bucketClient(target, "bench-big")).destroy();
    },
    run: (target) => timed(() => exchange(target, "PUT", bigPath(target, "PUT"), GiB)),
  },
  {
    name: "s3: 1 GiB GET (streamed, raw HTTP)",
    targets: ["cloudbox", "bare-node"],
    target: { throughputRatioToBare: 0.7, peakRssMb: 150 },
    async setup(target) {
      if (target.name !== "bare-node") {
        (await bucketClient(target, "bench-big")).destroy();
        await exchange(target, "PUT", bigPath(target, "PUT"), GiB);
      }
    },
    run: (target) => timed(() => exchange(target, "GET", bigPath(target, "GET"), GiB)),
  },
];

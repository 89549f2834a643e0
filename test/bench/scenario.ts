/**
 * A benchmark scenario runs the same work against several servers in one run, so the figures
 * compare servers on the same noisy machine at the same moment. The harness measures the server's
 * CPU time (from /proc/<pid>/stat) and peak RSS around `run`; the scenario reports latencies.
 */
/**
 * "bare-node-store" is the same bare server addressed at its store path (PUT to disk with MD5).
 * "cloudbox-baseline" is another cloudbox build (CLOUDBOX_BASELINE names its checkout), run beside
 * this one to compare a change with what it changes.
 */
export type TargetName = "cloudbox" | "cloudbox-baseline" | "moto" | "s3rver" | "bare-node" | "bare-node-store";

/** Both cloudbox builds run a scenario's cloudbox side. */
export const isCloudbox = (target: BenchTarget): boolean => target.name === "cloudbox" || target.name === "cloudbox-baseline";

export interface BenchTarget {
  name: TargetName;
  endpoint: string;
  pid: number;
  port: number;
}

export interface RunResult {
  /** Operations performed in the measured part (the unit of "per operation"). */
  operations: number;
  /** One latency per operation, in milliseconds (may be empty for throughput-only scenarios). */
  latenciesMs: number[];
  /** Bytes moved, for throughput scenarios. */
  bytes?: number;
  /** Standalone scenarios report memory and CPU themselves. */
  peakRssMb?: number;
  cpuMicrosPerOp?: number;
}

export interface Scenario {
  name: string;
  /** The servers this scenario compares, in the order they run. */
  targets: TargetName[];
  /** The cloudbox figure the issue asks for, shown beside the measurement. */
  target?: { cpuMicrosPerOp?: number; throughputRatioToBare?: number; peakRssMb?: number; p50Ms?: number };
  /** The scenario starts its own servers (startup timing): the harness only hands it each target's name. */
  standalone?: boolean;
  /** Unmeasured preparation (buckets, queues, 10,000 keys, …); its result is passed to run. */
  setup?(target: BenchTarget): Promise<unknown>;
  run(target: BenchTarget, state: unknown): Promise<RunResult>;
  /** Unmeasured cleanup. */
  teardown?(target: BenchTarget, state: unknown): Promise<void>;
}

/** Runs `count` operations with `concurrency` in flight, timing each one. */
export async function measureLoop(count: number, concurrency: number, operation: (i: number) => Promise<unknown>): Promise<RunResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      const started = process.hrtime.bigint();
      await operation(i);
      latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { operations: count, latenciesMs };
}

/**
 * Operations run before measuring, on every server alike: V8 keeps optimizing a Node server for
 * the first few thousand requests, so a short warm-up measures the compiler, not the server.
 */
export const WARMUP_OPERATIONS = 2000;

export async function warmUp(operation: (i: number) => Promise<unknown>, count = WARMUP_OPERATIONS): Promise<void> {
  await measureLoop(count, 8, operation);
}

export const BENCH_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Client options for any @aws-sdk/client-* pointed at a bench target. */
export function benchClientConfig(target: BenchTarget, region = "us-east-1") {
  // s3rver only accepts its own fixed key pair.
  const credentials = target.name === "s3rver" ? { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } : BENCH_CREDENTIALS;
  return { endpoint: target.endpoint, region, credentials, forcePathStyle: true, maxAttempts: 1 };
}

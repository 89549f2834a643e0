import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import type { BenchTarget, TargetName } from "./scenario.js";

export interface RunningServer extends BenchTarget {
  child: ChildProcess;
  /** Milliseconds from spawn to the first answered request. */
  startupMs: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

async function waitUntilAnswering(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`no answer from ${url} within ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

interface Recipe {
  command: string;
  args: (port: number, dir: string) => string[];
  probe: string;
  env?: NodeJS.ProcessEnv;
}

const RECIPES: Record<TargetName, Recipe> = {
  cloudbox: { command: process.execPath, args: (port) => ["bin/cloudbox.js", "--port", String(port)], probe: "/_cloudbox/health" },
  "cloudbox-baseline": { command: process.execPath, args: (port) => [join(process.env["CLOUDBOX_BASELINE"] ?? ".", "bin/cloudbox.js"), "--port", String(port)], probe: "/_cloudbox/health" },
  "bare-node": { command: process.execPath, args: (port) => ["dist/test/bench/bare-server.js", String(port)], probe: "/" },
  "bare-node-store": { command: process.execPath, args: (port) => ["dist/test/bench/bare-server.js", String(port)], probe: "/" },
  moto: { command: process.env["CLOUDBOX_PYTHON"] ?? "python3", args: (port) => ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], probe: "/moto-api/" },
  s3rver: {
    command: process.execPath,
    args: (port, dir) => ["node_modules/s3rver/bin/s3rver.js", "--silent", "-a", "127.0.0.1", "-p", String(port), "-d", dir],
    probe: "/",
    env: { NODE_OPTIONS: "--openssl-legacy-provider" },
  },
};

export async function startServer(name: TargetName): Promise<RunningServer> {
  const recipe = RECIPES[name];
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const started = process.hrtime.bigint();
  const child = spawn(recipe.command, recipe.args(port, dir), { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...recipe.env } });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint + recipe.probe, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${name} did not start: ${(error as Error).message}\n${stderr}`);
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    name,
    endpoint,
    port,
    pid: child.pid!,
    child,
    startupMs,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

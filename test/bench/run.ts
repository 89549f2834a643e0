import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RunResult, Scenario, TargetName } from "./scenario.js";
import { cpuMicros, rssMb, startServer, type RunningServer } from "./servers.js";

/**
 * `npm run bench [filter…]`: every scenario under scenarios/, each against cloudbox and the peers
 * installed here in the same run. Servers run as separate processes so their CPU and memory are
 * their own; the client (this process) is not counted.
 */
interface Row {
  scenario: string;
  target: TargetName;
  opsPerSec: number;
  p50: number;
  p99: number;
  cpuPerOpMicros: number;
  peakRssMb: number;
  mbPerSec?: number;
  error?: string;
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN);

async function loadScenarios(filters: string[]): Promise<Scenario[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "scenarios");
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".js")).sort()) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { scenarios?: Scenario[] };
    for (const s of module.scenarios ?? []) if (filters.length === 0 || filters.some((f) => s.name.toLowerCase().includes(f.toLowerCase()))) scenarios.push(s);
  }
  return scenarios;
}

async function measure(scenario: Scenario, server: RunningServer): Promise<Row> {
  const state = await scenario.setup?.(server);
  let peak = rssMb(server.pid);
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(server.pid));
    } catch {
      // the process ended; the run will report it
    }
  }, 20);
  const cpuBefore = cpuMicros(server.pid);
  const started = process.hrtime.bigint();
  let result: RunResult;
  try {
    result = await scenario.run(server, state);
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuMicros(server.pid) - cpuBefore;
  peak = Math.max(peak, rssMb(server.pid));
  await scenario.teardown?.(server, state);
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    target: server.name,
    opsPerSec: result.operations / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuPerOpMicros: cpu / result.operations,
    peakRssMb: peak,
    mbPerSec: result.bytes !== undefined ? result.bytes / 1048576 / seconds : undefined,
  };
}

const fmt = (n: number | undefined, digits = 1): string => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits));

function printScenario(scenario: Scenario, rows: Row[]): void {
  const base = rows.find((r) => r.target === "cloudbox" && !r.error);
  // Ratios are each server's figure over cloudbox's: above 1× means cloudbox does better.
  console.log(`\n## ${scenario.name}${scenario.target ? `  (target: ${JSON.stringify(scenario.target)})` : ""}`);
  console.log("| server | ops/s | p50 ms | p50 vs cloudbox | p99 ms | server CPU µs/op | CPU vs cloudbox | peak RSS MB | RSS vs cloudbox | MB/s | MB/s vs cloudbox |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    if (r.error) {
      console.log(`| ${r.target} | failed: ${r.error.split("\n")[0]!.slice(0, 120)} | | | | | | | | | |`);
      continue;
    }
    const cpuRatio = base ? r.cpuPerOpMicros / base.cpuPerOpMicros : NaN;
    const p50Ratio = base ? r.p50 / base.p50 : NaN;
    const rssRatio = base ? r.peakRssMb / base.peakRssMb : NaN;
    const tputRatio = base?.mbPerSec && r.mbPerSec ? r.mbPerSec / base.mbPerSec : undefined;
    console.log(`| ${r.target} | ${fmt(r.opsPerSec, 0)} | ${fmt(r.p50, 2)} | ${fmt(p50Ratio, 2)}× | ${fmt(r.p99, 2)} | ${fmt(r.cpuPerOpMicros, 0)} | ${fmt(cpuRatio, 2)}× | ${fmt(r.peakRssMb, 0)} | ${fmt(rssRatio, 2)}× | ${fmt(r.mbPerSec, 0)} | ${tputRatio ? fmt(tputRatio, 2) + "×" : "-"} |`);
  }
}

/** BENCH_TARGETS=cloudbox,bare-node runs only those servers: for iterating on one side, never for a reported figure. */
const onlyTargets = process.env["BENCH_TARGETS"]?.split(",").map((t) => t.trim());
/**
 * CLOUDBOX_BASELINE=<another built checkout> runs that build after this one wherever a scenario runs
 * cloudbox, and BENCH_ROUNDS=n runs every scenario's servers n times in turn: paired figures of a
 * change on a shared, noisy machine (compare their medians).
 */
const baseline = process.env["CLOUDBOX_BASELINE"];
const rounds = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 1));

function targetsOf(scenario: Scenario): TargetName[] {
  const targets = baseline ? scenario.targets.flatMap((t): TargetName[] => (t === "cloudbox" ? ["cloudbox", "cloudbox-baseline"] : [t])) : scenario.targets;
  return targets.filter((t) => !onlyTargets || onlyTargets.includes(t) || (t === "cloudbox-baseline" && onlyTargets.includes("cloudbox")));
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const scenarios = await loadScenarios(filters);
  if (scenarios.length === 0) {
    console.log(`no scenario matches ${filters.join(" ")}`);
    return;
  }
  console.log(`# cloudbox benchmarks (${new Date().toISOString()}, node ${process.version})`);
  console.log("Server CPU per operation is the figure that compares servers: the client shares this machine's cores.");
  for (const scenario of scenarios) {
    const rows: Row[] = [];
    for (let round = 0; round < rounds; round++) for (const name of targetsOf(scenario)) {
      let server: RunningServer | undefined;
      try {
        if (scenario.standalone) {
          const result = await scenario.run({ name, endpoint: "", pid: 0, port: 0 }, undefined);
          const sorted = [...result.latenciesMs].sort((a, b) => a - b);
          rows.push({ scenario: scenario.name, target: name, opsPerSec: NaN, p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpuPerOpMicros: result.cpuMicrosPerOp ?? NaN, peakRssMb: result.peakRssMb ?? NaN });
          continue;
        }
        server = await startServer(name);
        rows.push(await measure(scenario, server));
      } catch (error) {
        rows.push({ scenario: scenario.name, target: name, opsPerSec: NaN, p50: NaN, p99: NaN, cpuPerOpMicros: NaN, peakRssMb: NaN, error: (error as Error).message });
      } finally {
        await server?.stop();
      }
    }
    printScenario(scenario, rows);
    if (rounds > 1) {
      console.log(`\nmedian server CPU µs/op over ${rounds} rounds: ${targetsOf(scenario).map((t) => `${t} ${fmt(median(rows.filter((r) => r.target === t).map((r) => r.cpuPerOpMicros)), 0)}`).join(", ")}`);
    }
  }
}

await main();

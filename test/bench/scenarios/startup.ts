import type { Scenario, TargetName } from "../scenario.js";
import { rssMb, startServer } from "../servers.js";

const STARTS = 5;

/**
 * Startup to first answered request, and idle memory after start. Each operation is a whole server
 * start, so "p50 ms" is the median start time and "peak RSS" is the largest idle RSS of the fresh servers
 * (targets for cloudbox: ≤ 1.5× the bare server's start time, ≤ 1.3× its idle RSS).
 */
export const scenarios: Scenario[] = [
  {
    name: "startup: spawn to first answered request, idle RSS",
    targets: ["cloudbox", "bare-node"] satisfies TargetName[],
    standalone: true,
    async run(target) {
      const latenciesMs: number[] = [];
      let idle = 0;
      for (let i = 0; i < STARTS; i++) {
        const server = await startServer(target.name);
        latenciesMs.push(server.startupMs);
        await new Promise((r) => setTimeout(r, 300));
        idle = Math.max(idle, rssMb(server.pid));
        await server.stop();
      }
      return { operations: STARTS, latenciesMs, peakRssMb: idle };
    },
  },
];

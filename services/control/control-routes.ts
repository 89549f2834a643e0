import express from "express";
import type { Platform } from "../platform.js";
import { healthBody } from "./health.js";
import { ec2HostsRoute } from "./ec2-hosts-route.js";
import { snsRoutes } from "./sns-routes.js";

/** The control plane under /_cloudbox/ (and LocalStack's health path, so wait scripts keep working). */
export function controlRoutes(platform: Platform): express.Router {
  const router = express.Router();
  const health = (_req: express.Request, res: express.Response) => {
    res.json(healthBody(platform));
  };
  router.get("/_cloudbox/health", health);
  router.get("/_localstack/health", health);
  router.post("/_cloudbox/reset", (_req, res) => {
    platform.reset();
    res.json({ reset: true });
  });
  router.get("/_cloudbox/clock", (_req, res) => {
    res.json({ kind: platform.clock.kind, now: new Date(platform.clock.now()).toISOString(), epochMillis: platform.clock.now() });
  });
  router.post("/_cloudbox/clock/advance", express.json(), (req, res) => {
    const clock = platform.clock;
    const ms = Number((req.body as { ms?: unknown } | undefined)?.ms ?? req.query["ms"]);
    if (clock.kind !== "virtual" || !("advance" in clock)) {
      res.status(409).json({ error: "The clock is real. Start cloudbox with a virtual clock (clock: \"virtual\" or --clock virtual) to move time." });
      return;
    }
    if (!Number.isFinite(ms) || ms < 0) {
      res.status(400).json({ error: "Give the milliseconds to advance as a non-negative number: {\"ms\": 30000}." });
      return;
    }
    (clock as { advance(ms: number): void }).advance(ms);
    res.json({ kind: clock.kind, now: new Date(clock.now()).toISOString(), epochMillis: clock.now() });
  });
  router.get("/_cloudbox/ec2/hosts", ec2HostsRoute(platform));
  router.use(snsRoutes(platform));
  return router;
}

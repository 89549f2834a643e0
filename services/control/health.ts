import type { IncomingMessage, ServerResponse } from "node:http";
import type { Platform } from "../platform.js";

export const HEALTH_PATHS = new Set(["/_cloudbox/health", "/_localstack/health"]);

export function healthBody(platform: Platform): Record<string, unknown> {
  return { services: Object.fromEntries([...platform.services.keys()].map((s) => [s, "running"])), edition: "cloudbox", version: platform.version };
}

/** Health answered without loading the rest of the control plane: wait scripts poll it at start. */
export function answerHealth(platform: Platform, _req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(healthBody(platform));
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

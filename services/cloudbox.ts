import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createServer } from "node:http";
import express from "express";
import type { CloudboxOptions } from "./config.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "./config.js";
import { Platform } from "./platform.js";
import { controlRoutes } from "./control/control-routes.js";
import { httpHandler } from "./edge/http-adapter.js";
import type { Clock, VirtualClock } from "../storage/state/clock.js";
import { InProcessHandler } from "../sdk-compat/client/in-process-handler.js";

export interface Cloudbox {
  /** http://host:port, ready for AWS_ENDPOINT_URL or an SDK client's `endpoint`. */
  endpoint: string;
  port: number;
  host: string;
  clock: Clock & Partial<Pick<VirtualClock, "advance" | "set">>;
  /** An SDK `requestHandler` that reaches this cloudbox without a socket. */
  handler: InProcessHandler;
  platform: Platform;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`Port ${port} on ${host} is already in use. Stop whatever holds it, or start cloudbox on another port with --port (or CLOUDBOX_PORT).`);
    this.name = "PortInUseError";
  }
}

/** The endpoint of a cloudbox started with `listen: false`: clients reach it only through `handler`. */
export const IN_PROCESS_ENDPOINT = "http://cloudbox.internal";

/** Starts cloudbox: one HTTP server answering every service and the control plane. */
export async function startCloudbox(options: CloudboxOptions = {}): Promise<Cloudbox> {
  const host = options.host ?? DEFAULT_HOST;
  const wantedPort = options.port ?? DEFAULT_PORT;
  const platform = new Platform(options);
  const handler = new InProcessHandler((raw) => platform.dispatcher.dispatch(raw));
  if (options.listen === false) {
    let closed = false;
    return {
      endpoint: IN_PROCESS_ENDPOINT,
      port: 0,
      host,
      clock: platform.clock,
      handler,
      platform,
      reset: async () => platform.reset(),
      stop: async () => {
        if (!closed) platform.close();
        closed = true;
      },
    };
  }
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  const aws = httpHandler(platform.dispatcher, options.logRequests ? (line) => process.stderr.write(`${line}\n`) : undefined);
  const control = controlRoutes(platform);
  app.use((req, res, next) => {
    if (req.url.startsWith("/_cloudbox/") || req.url.startsWith("/_localstack/")) control(req, res, next);
    else aws(req, res);
  });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, app);
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(wantedPort, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    platform.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(host, wantedPort);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "localhost" : host;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    host,
    clock: platform.clock,
    handler,
    platform,
    reset: async () => platform.reset(),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          platform.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

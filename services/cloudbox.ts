import type { AddressInfo } from "node:net";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { CloudboxOptions } from "./config.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "./config.js";
import { Platform } from "./platform.js";
import { loadControlApp } from "./control/control-app.js";
import { answerHealth, HEALTH_PATHS } from "./control/health.js";
import { httpHandler } from "./edge/http-adapter.js";
import { withS3Cors } from "./edge/s3-cors.js";
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
  const aws = httpHandler(withS3Cors(platform.dispatcher, platform.services), options.logRequests ? (line) => process.stderr.write(`${line}\n`) : undefined);
  let control: ReturnType<typeof loadControlApp> | undefined;
  const app = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    if (!url.startsWith("/_cloudbox/") && !url.startsWith("/_localstack/")) return aws(req, res);
    if (req.method === "GET" && HEALTH_PATHS.has(url)) return answerHealth(platform, req, res);
    control ??= loadControlApp(platform);
    control.then((handle) => handle(req, res), (error: unknown) => {
      res.statusCode = 500;
      res.end(`cloudbox control plane failed to load: ${String(error)}`);
    });
  };
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

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Platform } from "../platform.js";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The control plane's express app, loaded on its first request: express costs tens of
 * milliseconds to load, which AWS requests and start-up should not pay.
 */
export async function loadControlApp(platform: Platform): Promise<NodeHandler> {
  const [{ default: express }, { controlRoutes }] = await Promise.all([import("express"), import("./control-routes.js")]);
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(controlRoutes(platform));
  app.use((_req, res) => {
    res.status(404).json({ error: "No such control-plane endpoint. See the README's Control plane section." });
  });
  return app;
}

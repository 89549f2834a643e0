import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { WireResponse } from "../../sdk-compat/protocol/wire.js";

/** Writes a wire response; a streamed body that fails midway ends the connection rather than lying. */
export function writeResponse(res: ServerResponse, response: WireResponse, method: string): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  const body = response.body;
  if (body instanceof Readable) {
    if (method === "HEAD") {
      body.destroy();
      res.end();
      return;
    }
    body.on("error", () => res.destroy());
    res.on("close", () => body.destroy());
    body.pipe(res);
    return;
  }
  if (body === undefined) {
    if (!res.hasHeader("content-length") && method !== "HEAD") res.setHeader("content-length", 0);
    res.end();
    return;
  }
  if (!res.hasHeader("content-length")) res.setHeader("content-length", Buffer.byteLength(body));
  res.end(method === "HEAD" ? undefined : body);
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { AwsDispatcher, RawRequest } from "./aws-dispatcher.js";
import { writeResponse } from "./write-response.js";
import { httpFramingHasNoBody } from "./read-body.js";

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Turns a node HTTP request into a RawRequest for the dispatcher and writes its answer back. */
export function httpHandler(dispatcher: AwsDispatcher, log?: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const started = log ? process.hrtime.bigint() : 0n;
    const headers = flatHeaders(req);
    const raw: RawRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers,
      bodyless: httpFramingHasNoBody(headers),
      body: req,
      baseUrl: `http://${req.headers.host ?? "localhost"}`,
      signal: controller.signal,
    };
    dispatcher.dispatch(raw).then((response) => {
      if (log) log(`${raw.method} ${raw.url} ${response.service ?? "-"}.${response.operation ?? "-"} ${response.status} ${Number(process.hrtime.bigint() - started) / 1e6}ms`);
      writeResponse(res, response, raw.method);
    }, (error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
}

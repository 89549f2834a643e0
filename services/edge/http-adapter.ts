import type { IncomingMessage, ServerResponse } from "node:http";
import type { AwsDispatcher, RawRequest } from "./aws-dispatcher.js";
import { writeResponse } from "./write-response.js";
import { httpFramingHasNoBody } from "./read-body.js";

/** node already lower-cases names and joins repeated values; only set-cookie stays an array, and no AWS client sends it. */
const headersOf = (req: IncomingMessage): Record<string, string | undefined> => req.headers as Record<string, string | undefined>;

/** The abort signal of a request, made only when a handler asks for it (long polls do; most calls never). */
function lazySignal(res: ServerResponse): () => AbortSignal {
  let controller: AbortController | undefined;
  return () => {
    if (!controller) {
      const made = new AbortController();
      controller = made;
      if (res.destroyed) made.abort();
      else res.on("close", () => {
        if (!res.writableFinished) made.abort();
      });
    }
    return controller.signal;
  };
}

/** Turns a node HTTP request into a RawRequest for the dispatcher and writes its answer back. */
export function httpHandler(dispatcher: AwsDispatcher, log?: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = log ? process.hrtime.bigint() : 0n;
    const headers = headersOf(req);
    const signal = lazySignal(res);
    const raw: RawRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers,
      bodyless: httpFramingHasNoBody(headers),
      body: req,
      baseUrl: `http://${req.headers.host ?? "localhost"}`,
      get signal() {
        return signal();
      },
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

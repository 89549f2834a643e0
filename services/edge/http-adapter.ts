import type { IncomingMessage, ServerResponse } from "node:http";
import type { AwsDispatcher } from "./aws-dispatcher.js";
import { writeResponse } from "./write-response.js";
import { HttpRawRequest } from "./http-raw-request.js";

/** Turns a node HTTP request into a RawRequest for the dispatcher and writes its answer back. */
export function httpHandler(dispatcher: Pick<AwsDispatcher, "dispatch">, log?: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = log ? process.hrtime.bigint() : 0n;
    const raw = new HttpRawRequest(req, res);
    dispatcher.dispatch(raw).then((response) => {
      if (log) log(`${raw.method} ${raw.url} ${response.service ?? "-"}.${response.operation ?? "-"} ${response.status} ${Number(process.hrtime.bigint() - started) / 1e6}ms`);
      writeResponse(res, response, raw.method);
    }, (error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
}

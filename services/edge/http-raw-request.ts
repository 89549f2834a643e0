import type { IncomingMessage, ServerResponse } from "node:http";
import type { RawRequest } from "../../sdk-compat/protocol/wire.js";
import { httpFramingHasNoBody } from "./read-body.js";

/**
 * A node HTTP request seen as a RawRequest. A class, not an object literal with a getter, which
 * kept each call's request, response and headers alive longer (measured: 40 µs of GC per call instead of 4).
 */
export class HttpRawRequest implements RawRequest {
  readonly method: string;
  readonly url: string;
  /** node already lower-cases names and joins repeated values; only set-cookie stays an array, and no AWS client sends it. */
  readonly headers: Record<string, string | undefined>;
  readonly bodyless: boolean;
  readonly body: IncomingMessage;
  readonly baseUrl: string;
  private controller: AbortController | undefined = undefined;

  constructor(req: IncomingMessage, private readonly res: ServerResponse) {
    this.method = req.method ?? "GET";
    this.url = req.url ?? "/";
    this.headers = req.headers as Record<string, string | undefined>;
    this.bodyless = httpFramingHasNoBody(this.headers);
    this.body = req;
    this.baseUrl = `http://${req.headers.host ?? "localhost"}`;
  }

  /** Made only when a handler asks (long polls do; most calls never): aborted when the client goes away first. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const made = new AbortController();
      this.controller = made;
      const res = this.res;
      if (res.destroyed) made.abort();
      else res.on("close", () => {
        if (!res.writableFinished) made.abort();
      });
    }
    return this.controller.signal;
  }
}

import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { WireResponse } from "../../sdk-compat/protocol/wire.js";
import { ChunkedBody } from "../../sdk-compat/protocol/wire.js";
import { FileRangeStream } from "../../storage/blobs/file-range-stream.js";

/** Headers as one flat [name, value, …] list: a single writeHead costs less than a setHeader each. */
function headerList(headers: Record<string, string>, contentLength: number | undefined): string[] {
  const list: string[] = [];
  let hasLength = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === "content-length") hasLength = true;
    list.push(name, value);
  }
  if (!hasLength && contentLength !== undefined) list.push("content-length", String(contentLength));
  return list;
}

/** Writes a wire response; a streamed body that fails midway ends the connection rather than lying. */
export function writeResponse(res: ServerResponse, response: WireResponse, method: string): void {
  const body = response.body;
  if (body instanceof Readable) {
    res.writeHead(response.status, headerList(response.headers, undefined));
    if (method === "HEAD") {
      body.destroy();
      res.end();
      return;
    }
    if (body instanceof FileRangeStream) {
      void body.writeTo(res);
      return;
    }
    body.on("error", () => res.destroy());
    res.on("close", () => body.destroy());
    body.pipe(res);
    return;
  }
  if (body instanceof ChunkedBody) {
    res.writeHead(response.status, headerList(response.headers, body.length));
    // writes in one tick are corked by node and leave as one writev: no joined copy of the body
    if (method !== "HEAD") for (const chunk of body.chunks) res.write(chunk);
    res.end();
    return;
  }
  if (body === undefined) {
    res.writeHead(response.status, headerList(response.headers, method === "HEAD" ? undefined : 0));
    res.end();
    return;
  }
  res.writeHead(response.status, headerList(response.headers, Buffer.byteLength(body)));
  res.end(method === "HEAD" ? undefined : body);
}

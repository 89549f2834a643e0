import type { ResolvedOperation } from "./protocol.js";
import { inputShape } from "./protocol.js";
import { QueryProtocol } from "./query-protocol.js";
import type { WireRequest } from "./wire.js";

/**
 * SQS's query protocol. Older clients (the Java SDK v1's QueueUrlHandler, boto 2) do not send the
 * QueueUrl parameter: they post to the queue URL itself (`/<account>/<queue>`). Such a request gets
 * its QueueUrl back from the path, so handlers always see one.
 */
export class SqsQueryProtocol extends QueryProtocol {
  override parseInput(resolved: ResolvedOperation, request: WireRequest): Record<string, unknown> {
    const input = super.parseInput(resolved, request);
    if (input.QueueUrl === undefined && inputShape(this.model, resolved.operation)?.members?.QueueUrl && /^\/[^/]+\/[^/]+\/?$/.test(request.path)) {
      input.QueueUrl = `http://${request.headers["host"] ?? "localhost"}${request.path.replace(/\/$/, "")}`;
    }
    return input;
  }
}

import type { Readable } from "node:stream";
import { ServiceError, CommonErrors } from "../../sdk-compat/errors/service-error.js";
import type { Protocol, ResolvedOperation } from "../../sdk-compat/protocol/protocol.js";
import { inputShape } from "../../sdk-compat/protocol/protocol.js";
import type { RawRequest, WireRequest, WireResponse } from "../../sdk-compat/protocol/wire.js";

export type { RawRequest } from "../../sdk-compat/protocol/wire.js";
import { requestParams } from "../../sdk-compat/protocol/query-protocol.js";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { RegisteredService } from "../service-registry.js";
import { accountOf, callerScope, DEFAULT_REGION } from "./credential.js";
import { isFormRequest, resolveService } from "./service-resolver.js";
import { readBody } from "./read-body.js";
import { s3VirtualHostPath } from "./s3-virtual-host.js";
import { randomUUID } from "node:crypto";

export interface DispatchResult extends WireResponse {
  service?: string;
  operation?: string;
}

const EMPTY = Buffer.alloc(0);

function unknownOperation(protocol: Protocol, request: WireRequest): ServiceError {
  switch (protocol.name) {
    case "query":
    case "ec2": {
      const action = requestParams(request).get("Action");
      return action
        ? new ServiceError("InvalidAction", `The action ${action} is not valid for this web service.`)
        : new ServiceError("MissingAction", "The request must contain the parameter Action.");
    }
    case "json":
      return new ServiceError("UnknownOperationException", `The operation ${request.headers["x-amz-target"] ?? "(none)"} is not known.`);
    case "rest-xml":
      return new ServiceError("MethodNotAllowed", "The specified method is not allowed against this resource.", { status: 405 });
    case "rest-json":
      return new ServiceError("UnknownOperationException", `No operation matches ${request.method} ${request.path}.`, { status: 404 });
  }
}

function checkRequired(protocol: Protocol, resolved: ResolvedOperation, input: Record<string, unknown>): void {
  const shape = inputShape(protocol.model, resolved.operation);
  for (const name of shape?.required ?? []) {
    if (input[name] === undefined) {
      const ref = shape!.members![name]!;
      throw CommonErrors.missingParameter(protocol.name === "ec2" ? ref.queryName ?? name : ref.locationName ?? name);
    }
  }
}

/**
 * One AWS request end to end, independent of transport: pick the service and protocol, resolve
 * the operation, read the body unless the payload streams, parse, call the handler, serialize.
 * Whatever goes wrong becomes the protocol's own error envelope; nothing escapes as a crash.
 */
export class AwsDispatcher {
  constructor(private readonly services: Map<string, RegisteredService>, private readonly onError: (error: unknown, request: RawRequest) => void) {}

  async dispatch(raw: RawRequest): Promise<DispatchResult> {
    const requestId = randomUUID();
    const q = raw.url.indexOf("?");
    let path = q === -1 ? raw.url : raw.url.slice(0, q);
    const rawQuery = q === -1 ? "" : raw.url.slice(q + 1);
    const query = new URLSearchParams(rawQuery);
    const wire: WireRequest = { method: raw.method, path, rawQuery, query, headers: raw.headers, body: EMPTY, stream: raw.body };
    const scope = callerScope(raw.headers, query);
    let service: RegisteredService | undefined;
    let protocol: Protocol | undefined;
    let resolved: ResolvedOperation | undefined;
    try {
      if (isFormRequest(raw.method, raw.headers)) {
        wire.body = await readBody(raw.body, undefined, raw.headers);
        wire.stream = undefined;
      }
      service = resolveService(this.services, scope, raw.headers, wire.stream ? undefined : requestParams(wire));
      if (!service) throw new ServiceError("UnrecognizedClientException", "The request does not name a service cloudbox serves.");
      protocol = this.pickProtocol(service, raw.headers);
      if (protocol.name === "rest-xml") {
        path = s3VirtualHostPath(raw.headers["host"], path);
        wire.path = path;
      }
      resolved = protocol.resolveOperation(wire);
      if (!resolved) throw unknownOperation(protocol, wire);
      if (wire.stream && !protocol.streamsInput(resolved.operation)) {
        wire.body = await readBody(wire.stream, undefined, raw.headers);
        wire.stream = undefined;
      }
      const input = protocol.parseInput(resolved, wire);
      checkRequired(protocol, resolved, input);
      const handler = service.provider.handlers[resolved.operation.name];
      if (!handler) throw CommonErrors.notImplemented(resolved.operation.name);
      const context: OperationContext = {
        account: accountOf(scope.accessKeyId),
        region: scope.region ?? DEFAULT_REGION,
        requestId,
        operation: resolved.operation.name,
        baseUrl: raw.baseUrl,
        signal: raw.signal,
      };
      const output = ((await handler(input, context)) ?? {}) as Record<string, unknown>;
      return { ...protocol.serializeOutput(resolved.operation, output, requestId), service: service.name, operation: resolved.operation.name };
    } catch (thrown) {
      wire.stream?.resume();
      let error: ServiceError;
      if (thrown instanceof ServiceError) {
        error = thrown;
      } else {
        this.onError(thrown, raw);
        error = CommonErrors.internal();
      }
      protocol ??= service?.protocols[0] ?? this.services.get("s3")?.protocols[0];
      if (!protocol) return { status: error.status, headers: { "content-type": "text/plain" }, body: `${error.code}: ${error.message}` };
      return { ...protocol.serializeError(error, requestId, resolved?.operation, wire), service: service?.name, operation: resolved?.operation.name };
    }
  }

  private pickProtocol(service: RegisteredService, headers: Record<string, string | undefined>): Protocol {
    if (service.protocols.length === 1) return service.protocols[0]!;
    const wantsJson = headers["x-amz-target"] !== undefined || (headers["content-type"] ?? "").startsWith("application/x-amz-json");
    return service.protocols.find((p) => (p.name === "json") === wantsJson) ?? service.protocols[0]!;
  }
}

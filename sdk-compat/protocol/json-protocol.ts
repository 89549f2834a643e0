import type { MemberRef, Operation, ServiceModel } from "../model/service-model.js";
import { CommonErrors, ServiceError } from "../errors/service-error.js";
import type { Protocol, ResolvedOperation } from "./protocol.js";
import { inputShape, outputShape } from "./protocol.js";
import type { WireRequest, WireResponse } from "./wire.js";
import { fromJson, toJson } from "./json-codec.js";
import { wireErrorCode } from "./query-protocol.js";

/**
 * The awsJson protocol (SQS today): `X-Amz-Target: Prefix.Operation`, JSON in and out. For
 * `awsQueryCompatible` services the error also carries `x-amzn-query-error: Code;Fault`, from
 * which boto3 and SDK v3 take the query-era error code users compare against.
 */
export class JsonProtocol implements Protocol {
  readonly name = "json" as const;
  readonly routesByBody = false;
  readonly checksPayloadDigest = false;
  readonly hostNamesResource = false;
  private readonly contentType: string;

  constructor(readonly model: ServiceModel) {
    this.contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? "1.0"}`;
  }

  resolveOperation(request: WireRequest): ResolvedOperation | undefined {
    const target = request.headers["x-amz-target"];
    if (!target) return undefined;
    const dot = target.lastIndexOf(".");
    const prefix = target.slice(0, dot);
    if (this.model.metadata.targetPrefix && prefix !== this.model.metadata.targetPrefix) return undefined;
    const operation = this.model.operations[target.slice(dot + 1)];
    return operation ? { operation, labels: {} } : undefined;
  }

  streamsInput(): boolean {
    return false;
  }

  parseInput(resolved: ResolvedOperation, request: WireRequest): Record<string, unknown> {
    const shape = inputShape(this.model, resolved.operation);
    if (!shape) return {};
    const text = request.body.toString("utf8").trim();
    if (text === "") return {};
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new ServiceError("SerializationException", "Start of structure or map found where not expected, or the request body is not valid JSON.");
    }
    return fromJson(this.model, shape, document) as Record<string, unknown>;
  }

  serializeOutput(operation: Operation, output: Record<string, unknown>, requestId: string): WireResponse {
    const shape = outputShape(this.model, operation);
    const body = shape ? JSON.stringify(toJson(this.model, shape, output)) : "{}";
    return { status: 200, headers: { "content-type": this.contentType, "x-amzn-requestid": requestId }, body };
  }

  serializeError(error: ServiceError, requestId: string): WireResponse {
    const headers: Record<string, string> = { "content-type": this.contentType, "x-amzn-requestid": requestId, ...error.headers };
    if (this.model.metadata.awsQueryCompatible) headers["x-amzn-query-error"] = `${wireErrorCode(this.model, error.code)};${error.fault}`;
    const body = JSON.stringify({ __type: `com.amazonaws.${this.model.metadata.endpointPrefix}#${error.code}`, message: error.message, ...error.fields });
    return { status: error.status, headers, body };
  }

  unknownOperation(request: WireRequest): ServiceError {
    return new ServiceError("UnknownOperationException", `The operation ${request.headers["x-amz-target"] ?? "(none)"} is not known.`);
  }

  missingMember(name: string, ref: MemberRef): ServiceError {
    return CommonErrors.missingParameter(ref.locationName ?? name);
  }
}

import type { MemberRef, Operation, ServiceModel, Shape } from "../model/service-model.js";
import type { ServiceError } from "../errors/service-error.js";
import type { WireRequest, WireResponse } from "./wire.js";

export type ProtocolName = "json" | "query" | "ec2" | "rest-xml" | "rest-json";

export interface ResolvedOperation {
  operation: Operation;
  /** URI labels of REST operations, already percent-decoded. */
  labels: Record<string, string>;
}

/** One AWS wire protocol bound to one service model: routing, parsing and serialization. */
export interface Protocol {
  readonly name: ProtocolName;
  readonly model: ServiceModel;
  /** Whether the operation can only be told once the body is read (query's form `Action`). */
  readonly routesByBody: boolean;
  resolveOperation(request: WireRequest): ResolvedOperation | undefined;
  /** Whether the request body is handed to the handler as a stream rather than read first. */
  streamsInput(operation: Operation): boolean;
  parseInput(resolved: ResolvedOperation, request: WireRequest): Record<string, unknown>;
  serializeOutput(operation: Operation, output: Record<string, unknown>, requestId: string): WireResponse;
  serializeError(error: ServiceError, requestId: string, operation: Operation | undefined, request: WireRequest): WireResponse;
  /** The error for a request that names no operation of the model, as this protocol's services answer it. */
  unknownOperation(request: WireRequest): ServiceError;
  /** The error for a required member the input lacks. */
  missingMember(name: string, ref: MemberRef): ServiceError;
  /** Whether the service checks the body against x-amz-content-sha256 itself (XAmzContentSHA256Mismatch), as S3-style REST services do. */
  readonly checksPayloadDigest: boolean;
  /** Whether the Host header may name the resource (S3's virtual-hosted buckets). */
  readonly hostNamesResource: boolean;
}

export function inputShape(model: ServiceModel, operation: Operation): Shape | undefined {
  return operation.input ? model.shapes[operation.input.shape] : undefined;
}

export function outputShape(model: ServiceModel, operation: Operation): Shape | undefined {
  return operation.output ? model.shapes[operation.output.shape] : undefined;
}

/** Finds the error shape a code names, for protocols that map shape names to wire codes. */
export function errorShape(model: ServiceModel, code: string): Shape | undefined {
  const shape = model.shapes[code];
  return shape?.exception ? shape : undefined;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

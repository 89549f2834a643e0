import type { MemberRef, Operation, ServiceModel } from "../model/service-model.js";
import { CommonErrors, ServiceError } from "../errors/service-error.js";
import type { Protocol, ResolvedOperation } from "./protocol.js";
import { errorShape, inputShape, outputShape, XML_DECLARATION } from "./protocol.js";
import type { WireRequest, WireResponse } from "./wire.js";
import { formParams, parseQueryInput } from "./query-parser.js";
import { XmlWriter, escapeXml } from "./xml-writer.js";

/** The request's form parameters, parsed on first use and kept on the request itself (it lives as long as they are needed). */
export function requestParams(request: WireRequest): Map<string, string> {
  return (request.formParams ??= formParams(request.body, request.query));
}

/**
 * The `query` protocol (SNS, and SQS for older clients): form-encoded `Action=` requests,
 * `<OpResponse><OpResult>` answers and `<ErrorResponse>` errors. The wire code of a modelled error
 * is its `error.code` (SQS's `AWS.SimpleQueueService.NonExistentQueue`), else the shape name.
 */
export class QueryProtocol implements Protocol {
  readonly name: "query" | "ec2" = "query";
  readonly routesByBody = true;
  readonly checksPayloadDigest = false;
  readonly hostNamesResource = false;
  protected readonly namespace: string;

  constructor(readonly model: ServiceModel) {
    this.namespace = model.metadata.xmlNamespace ?? "";
  }

  resolveOperation(request: WireRequest): ResolvedOperation | undefined {
    const action = requestParams(request).get("Action");
    const operation = action ? this.model.operations[action] : undefined;
    return operation ? { operation, labels: {} } : undefined;
  }

  streamsInput(): boolean {
    return false;
  }

  parseInput(resolved: ResolvedOperation, request: WireRequest): Record<string, unknown> {
    return parseQueryInput(this.model, inputShape(this.model, resolved.operation), requestParams(request), this.name === "ec2");
  }

  serializeOutput(operation: Operation, output: Record<string, unknown>, requestId: string): WireResponse {
    const shape = outputShape(this.model, operation);
    const writer = new XmlWriter(this.model);
    const name = operation.name;
    writer.parts.push(XML_DECLARATION, `<${name}Response xmlns="${this.namespace}">`);
    if (shape) {
      const wrapper = operation.output?.resultWrapper ?? `${name}Result`;
      writer.parts.push(`<${wrapper}>`);
      writer.members(shape, output);
      writer.parts.push(`</${wrapper}>`);
    }
    writer.parts.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${name}Response>`);
    return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: writer.toString() };
  }

  serializeError(error: ServiceError, requestId: string): WireResponse {
    const code = wireErrorCode(this.model, error.code);
    const body = `${XML_DECLARATION}<ErrorResponse xmlns="${this.namespace}"><Error><Type>${error.fault}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId, ...error.headers }, body };
  }

  unknownOperation(request: WireRequest): ServiceError {
    const action = requestParams(request).get("Action");
    return action
      ? new ServiceError("InvalidAction", `The action ${action} is not valid for this web service.`)
      : new ServiceError("MissingAction", "The request must contain the parameter Action.");
  }

  missingMember(name: string, ref: MemberRef): ServiceError {
    return CommonErrors.missingParameter(ref.locationName ?? name);
  }
}

export function wireErrorCode(model: ServiceModel, code: string): string {
  return errorShape(model, code)?.error?.code ?? code;
}

import type { MemberRef, Operation } from "../model/service-model.js";
import { CommonErrors } from "../errors/service-error.js";
import type { ServiceError } from "../errors/service-error.js";
import { outputShape, XML_DECLARATION } from "./protocol.js";
import type { WireResponse } from "./wire.js";
import { QueryProtocol } from "./query-protocol.js";
import { XmlWriter, escapeXml } from "./xml-writer.js";

/**
 * The `ec2` protocol: query-style requests where every list is `Name.N`, answers with the output
 * members directly under `<OpResponse>` plus `<requestId>`, and errors in
 * `<Response><Errors><Error>` with a capital-ID `<RequestID>`.
 */
export class Ec2Protocol extends QueryProtocol {
  override readonly name = "ec2" as const;

  override serializeOutput(operation: Operation, output: Record<string, unknown>, requestId: string): WireResponse {
    const shape = outputShape(this.model, operation);
    const writer = new XmlWriter(this.model);
    const name = operation.name;
    writer.parts.push(XML_DECLARATION, `<${name}Response xmlns="${this.namespace}/"><requestId>${requestId}</requestId>`);
    if (shape) writer.members(shape, output);
    writer.parts.push(`</${name}Response>`);
    return { status: 200, headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId }, body: writer.toBody() };
  }

  override serializeError(error: ServiceError, requestId: string): WireResponse {
    const body = `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    return { status: error.status, headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId, ...error.headers }, body };
  }

  override missingMember(name: string, ref: MemberRef): ServiceError {
    return CommonErrors.missingParameter(ref.queryName ?? name);
  }
}

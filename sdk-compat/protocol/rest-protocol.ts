import { Readable } from "node:stream";
import type { MemberRef, Operation, ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { CommonErrors, ServiceError } from "../errors/service-error.js";
import type { Protocol, ResolvedOperation } from "./protocol.js";
import { inputShape, outputShape, XML_DECLARATION } from "./protocol.js";
import type { WireRequest, WireResponse } from "./wire.js";
import { RestRouter } from "./rest-router.js";
import { formatScalar, parseScalar } from "./scalars.js";
import { fromJson, toJson } from "./json-codec.js";
import { fromXml, readXmlDocument, MalformedXmlError } from "./xml-reader.js";
import { XmlWriter, escapeXml } from "./xml-writer.js";

/**
 * `rest-xml` (S3) and `rest-json` (EBS direct API): HTTP bindings (URI labels, query string,
 * headers, status code) handled once here; the body is XML or JSON by variant. A streaming
 * payload (S3 object bodies, EBS blocks) stays a stream in both directions.
 */
interface Binding {
  name: string;
  ref: MemberRef;
  target: Shape;
  wireName: string;
  lowerName: string;
}

export class RestProtocol implements Protocol {
  readonly routesByBody = false;
  readonly checksPayloadDigest = true;
  private readonly bindings = new Map<Shape, Binding[]>();
  private readonly router: RestRouter;
  private readonly namespace: string | undefined;

  constructor(readonly model: ServiceModel, readonly name: "rest-xml" | "rest-json") {
    this.router = new RestRouter(model);
    this.namespace = model.metadata.xmlNamespace;
  }

  resolveOperation(request: WireRequest): ResolvedOperation | undefined {
    return this.router.resolve(request);
  }

  streamsInput(operation: Operation): boolean {
    const shape = inputShape(this.model, operation);
    const payload = shape?.payload ? shape.members?.[shape.payload] : undefined;
    return payload !== undefined && shapeOf(this.model, payload).type === "blob";
  }

  parseInput(resolved: ResolvedOperation, request: WireRequest): Record<string, unknown> {
    const shape = inputShape(this.model, resolved.operation);
    if (!shape) return {};
    const input: Record<string, unknown> = {};
    for (const binding of this.bindingsOf(shape)) {
      const value = this.bindInput(binding, resolved, request);
      if (value !== undefined) input[binding.name] = value;
    }
    if (shape.payload) {
      const ref = shape.members![shape.payload]!;
      const target = shapeOf(this.model, ref);
      if (target.type === "blob") input[shape.payload] = request.stream ?? request.body;
      else if (target.type === "string") input[shape.payload] = request.body.toString("utf8");
      else if (request.body.length > 0) input[shape.payload] = this.parseBody(target, request.body, ref.locationName ?? ref.shape);
    } else if (request.body.length > 0 && this.name === "rest-json") {
      Object.assign(input, this.parseBody(shape, request.body, undefined));
    }
    return input;
  }

  /** The HTTP-bound members of an input shape, resolved once: S3 inputs have dozens of members per request. */
  private bindingsOf(shape: Shape): Binding[] {
    let bindings = this.bindings.get(shape);
    if (!bindings) {
      bindings = Object.entries(shape.members ?? {})
        .filter(([, ref]) => ref.location !== undefined)
        .map(([name, ref]) => {
          const wireName = ref.locationName ?? name;
          return { name, ref, target: shapeOf(this.model, ref), wireName, lowerName: wireName.toLowerCase() };
        });
      this.bindings.set(shape, bindings);
    }
    return bindings;
  }

  private bindInput({ ref, target, wireName, lowerName }: Binding, resolved: ResolvedOperation, request: WireRequest): unknown {
    switch (ref.location) {
      case "uri": {
        const text = resolved.labels[wireName];
        return text === undefined ? undefined : parseScalar(target, text, wireName);
      }
      case "querystring": {
        if (target.type === "map") {
          const out: Record<string, string> = {};
          for (const [k, v] of request.query) out[k] = v;
          return out;
        }
        if (target.type === "list") {
          const all = request.query.getAll(wireName);
          return all.length ? all.map((v) => parseScalar(shapeOf(this.model, target.member!), v, wireName)) : undefined;
        }
        const text = request.query.get(wireName);
        return text === null ? undefined : parseScalar(target, text, wireName);
      }
      case "header": {
        // Presigned URLs carry x-amz-* headers in the query string (SigV4 "hoisting"); AWS reads them as headers.
        const text = request.headers[lowerName] ?? (lowerName.startsWith("x-amz-") && request.rawQuery.includes("X-Amz-Signature=") ? request.query.get(lowerName) ?? undefined : undefined);
        if (text === undefined) return undefined;
        if (target.type === "list") return text.split(",").map((v) => v.trim());
        if (ref.jsonvalue || target.type === "string" && (target as Shape & { jsonvalue?: boolean }).jsonvalue) return JSON.parse(Buffer.from(text, "base64").toString("utf8"));
        return parseScalar(target, text, wireName);
      }
      case "headers": {
        const prefix = lowerName;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(request.headers)) if (k.startsWith(prefix) && v !== undefined) out[k.slice(prefix.length)] = v;
        return Object.keys(out).length ? out : undefined;
      }
      default:
        return undefined;
    }
  }

  private parseBody(shape: Shape, body: Buffer, element: string | undefined): Record<string, unknown> {
    if (this.name === "rest-json") {
      let document: unknown;
      try {
        document = JSON.parse(body.toString("utf8"));
      } catch {
        throw new ServiceError("SerializationException", "The request body is not valid JSON.");
      }
      return fromJson(this.model, shape, document) as Record<string, unknown>;
    }
    try {
      const { root, node } = readXmlDocument(body.toString("utf8"));
      if (element && root !== element && shape.locationName && root !== shape.locationName) throw new MalformedXmlError(`Unexpected root element ${root}`);
      return fromXml(this.model, shape, node) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof MalformedXmlError) throw new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
      throw error;
    }
  }

  serializeOutput(operation: Operation, output: Record<string, unknown>, requestId: string): WireResponse {
    const headers: Record<string, string> = this.requestIdHeaders(requestId);
    let status = operation.http.responseCode ?? 200;
    const shape = outputShape(this.model, operation);
    if (!shape) return { status, headers };
    let body: WireResponse["body"];
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const value = output[name];
      if (value === undefined || value === null) continue;
      const target = shapeOf(this.model, ref);
      const wireName = ref.locationName ?? name;
      switch (ref.location) {
        case "header":
          headers[wireName.toLowerCase()] = target.type === "list" ? (value as unknown[]).join(",") : ref.jsonvalue ? Buffer.from(JSON.stringify(value)).toString("base64") : formatScalar(target, value, ref.timestampFormat ?? target.timestampFormat ?? "rfc822");
          break;
        case "headers":
          for (const [k, v] of Object.entries(value as Record<string, string>)) headers[`${wireName.toLowerCase()}${k}`] = String(v);
          break;
        case "statusCode":
          status = Number(value);
          break;
      }
    }
    if (shape.payload) {
      const ref = shape.members![shape.payload]!;
      const value = output[shape.payload];
      const target = shapeOf(this.model, ref);
      if (value !== undefined && value !== null) {
        if (target.type === "blob" || target.type === "string") {
          body = value instanceof Readable || Buffer.isBuffer(value) || typeof value === "string" ? value : Buffer.from(value as Uint8Array);
        } else if (this.name === "rest-json") {
          body = JSON.stringify(toJson(this.model, target, value));
          headers["content-type"] ??= "application/json";
        } else {
          body = this.xmlDocument(ref.locationName ?? target.locationName ?? ref.shape, target, value as Record<string, unknown>);
          headers["content-type"] ??= "application/xml";
        }
      }
    } else if (this.name === "rest-json") {
      body = JSON.stringify(toJson(this.model, shape, output));
      headers["content-type"] = "application/json";
    } else if (Object.entries(shape.members ?? {}).some(([n, r]) => !r.location && output[n] !== undefined)) {
      body = this.xmlDocument(shape.xmlRootName ?? shape.locationName ?? operation.output!.shape, shape, output);
      headers["content-type"] = "application/xml";
    }
    return { status, headers, body };
  }

  private xmlDocument(root: string, shape: Shape, value: Record<string, unknown>): string {
    const writer = new XmlWriter(this.model);
    const ns = shape.xmlNamespace?.uri ?? this.namespace;
    writer.parts.push(XML_DECLARATION, `<${root}${ns ? ` xmlns="${ns}"` : ""}>`);
    writer.members(shape, value);
    writer.parts.push(`</${root}>`);
    return writer.toString();
  }

  private requestIdHeaders(requestId: string): Record<string, string> {
    return this.name === "rest-xml"
      ? { "x-amz-request-id": requestId, "x-amz-id-2": Buffer.from(requestId).toString("base64") }
      : { "x-amzn-requestid": requestId };
  }

  serializeError(error: ServiceError, requestId: string, _operation: Operation | undefined, request: WireRequest): WireResponse {
    const headers = { ...this.requestIdHeaders(requestId), ...error.headers };
    if (this.name === "rest-json") {
      headers["x-amzn-errortype"] = error.code;
      headers["content-type"] = "application/json";
      return { status: error.status, headers, body: JSON.stringify({ message: error.message, ...error.fields }) };
    }
    if (request.method === "HEAD") return { status: error.status, headers };
    headers["content-type"] = "application/xml";
    const fields = Object.entries(error.fields).map(([k, v]) => `<${k}>${escapeXml(v instanceof Date ? v.toISOString() : String(v))}</${k}>`).join("");
    const body = `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${headers["x-amz-id-2"] ?? ""}</HostId></Error>`;
    return { status: error.status, headers, body };
  }

  get hostNamesResource(): boolean {
    return this.name === "rest-xml";
  }

  unknownOperation(request: WireRequest): ServiceError {
    if (this.name === "rest-xml") return new ServiceError("MethodNotAllowed", "The specified method is not allowed against this resource.", { status: 405 });
    return new ServiceError("UnknownOperationException", `No operation matches ${request.method} ${request.path}.`, { status: 404 });
  }

  missingMember(name: string, ref: MemberRef): ServiceError {
    // rest-json services (EBS direct API) validate like Coral/Smithy services do, not with EC2/SQS's MissingParameter.
    if (this.name === "rest-json") {
      return new ServiceError("ValidationException", `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    }
    return CommonErrors.missingParameter(ref.locationName ?? name);
  }
}

import type { Readable } from "node:stream";
import { ServiceError, CommonErrors } from "../../sdk-compat/errors/service-error.js";
import type { Protocol, ResolvedOperation } from "../../sdk-compat/protocol/protocol.js";
import { inputShape } from "../../sdk-compat/protocol/protocol.js";
import type { RawRequest, WireRequest, WireResponse } from "../../sdk-compat/protocol/wire.js";

export type { RawRequest } from "../../sdk-compat/protocol/wire.js";
import { requestParams } from "../../sdk-compat/protocol/query-protocol.js";
import type { Caller, OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { RegisteredService } from "../service-registry.js";
import type { ResolveCaller } from "./credential.js";
import { callerScope, DEFAULT_REGION, rootCallers } from "./credential.js";
import { isFormRequest, resolveService } from "./service-resolver.js";
import { unservedAnswer } from "./unserved-service.js";
import { declaredLength, readBody, SMALL_STREAMED_PAYLOAD } from "./read-body.js";
import { s3VirtualHostPath } from "./s3-virtual-host.js";
import { randomUUID } from "node:crypto";
import { decodeAwsChunkedRequest, isAwsChunked } from "../../sdk-compat/aws-chunked/chunked-request.js";
import { checkPresignedExpiry, parsePresignedQuery } from "../../sdk-compat/sigv4/presigned-query.js";
import type { VerifiedSignature } from "../../sdk-compat/sigv4/signature-v4.js";
import { chunkSignatureVerifier, sha256Hex, verifySignatureV4 } from "../../sdk-compat/sigv4/signature-v4.js";
import { checkPayloadSha256, declaredPayloadSha256, PayloadSha256Verifier } from "../../sdk-compat/sigv4/payload-hash.js";

export interface DispatchResult extends WireResponse {
  service?: string;
  operation?: string;
}

const EMPTY = Buffer.alloc(0);
/** Most AWS calls carry no query string: they share one empty, never-written parameter list. */
const NO_QUERY = new URLSearchParams();

function checkRequired(protocol: Protocol, resolved: ResolvedOperation, input: Record<string, unknown>): void {
  const shape = inputShape(protocol.model, resolved.operation);
  for (const name of shape?.required ?? []) {
    if (input[name] === undefined) throw protocol.missingMember(name, shape!.members![name]!);
  }
}

/** A handler's OperationContext, with the signal getter on the class (as HttpRawRequest: less garbage-collection time per call). */
class RequestContext implements OperationContext {
  readonly account: string;

  constructor(
    readonly caller: Caller,
    readonly region: string,
    readonly requestId: string,
    readonly operation: string,
    private readonly raw: RawRequest,
  ) {
    this.account = caller.account;
  }

  get baseUrl(): string {
    return this.raw.baseUrl;
  }

  /** Read on demand: the HTTP transport only builds a signal for handlers that wait. */
  get signal(): AbortSignal {
    return this.raw.signal;
  }
}

export interface DispatcherOptions {
  /** Wall time for presigned-URL expiry: the platform clock, so a virtual clock can expire URLs in tests. */
  now?: () => number;
  /** Fail bodies whose hex x-amz-content-sha256 does not match (XAmzContentSHA256Mismatch). Default true. */
  verifyPayloadSha256?: boolean;
  /**
   * Strict SigV4: when set, every request's signature (and a signed chunked body's chunk
   * signatures) is checked against the secret this returns for its access key. Default: off.
   */
  secretFor?: (accessKeyId: string) => string | undefined;
  /** Who a request's credentials stand for (identity's resolver); default: every key is its account's root. */
  resolveCaller?: ResolveCaller;
}

/**
 * One AWS request end to end, independent of transport: pick the service and protocol, resolve
 * the operation, read the body unless the payload streams, parse, call the handler, serialize.
 * Whatever goes wrong becomes the protocol's own error envelope; nothing escapes as a crash.
 */
export class AwsDispatcher {
  private readonly now: () => number;
  private readonly resolveCaller: ResolveCaller;

  constructor(
    private readonly services: Map<string, RegisteredService>,
    private readonly onError: (error: unknown, request: RawRequest) => void,
    private readonly options: DispatcherOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.resolveCaller = options.resolveCaller ?? rootCallers();
  }

  async dispatch(raw: RawRequest): Promise<DispatchResult> {
    const requestId = randomUUID();
    const q = raw.url.indexOf("?");
    const rawPath = q === -1 ? raw.url : raw.url.slice(0, q);
    let path = rawPath;
    const rawQuery = q === -1 ? "" : raw.url.slice(q + 1);
    const query = rawQuery ? new URLSearchParams(rawQuery) : NO_QUERY;
    const wire: WireRequest = { method: raw.method, path, rawQuery, query, headers: raw.headers, body: EMPTY, stream: raw.body, formParams: undefined };
    const scope = callerScope(raw.headers, query);
    let service: RegisteredService | undefined;
    let protocol: Protocol | undefined;
    let resolved: ResolvedOperation | undefined;
    let verified: VerifiedSignature | undefined;
    try {
      const secretFor = this.options.secretFor;
      // A streaming payload hash is known before the body: the header signature can be checked
      // now, which chunk signatures need as their seed. Other requests wait for their body.
      if (secretFor && (raw.headers["x-amz-content-sha256"] !== undefined || !raw.headers["authorization"])) {
        verified = verifySignatureV4({ method: raw.method, path: rawPath, rawQuery, headers: raw.headers }, secretFor);
      }
      const chunked = isAwsChunked(raw.headers);
      const verifyPayload = this.options.verifyPayloadSha256 !== false && !chunked;
      if (chunked) {
        // aws-chunked framing goes before anything parses the request: handlers see the payload,
        // the decoded Content-Length and, via payloadTrailers(input.Body), the trailing checksums.
        const signedChunks = verified && raw.headers["x-amz-content-sha256"]?.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        const decoded = decodeAwsChunkedRequest(raw.headers, raw.body, signedChunks ? chunkSignatureVerifier(verified!) : undefined);
        wire.headers = decoded.headers;
        wire.stream = decoded.stream;
      }
      if (isFormRequest(raw.method, raw.headers)) {
        wire.body = await readBody(wire.stream!, undefined, raw.bodyless && !chunked);
        wire.stream = undefined;
      }
      // Unsigned GETs with `?Action=` are query-protocol links AWS hands out (SNS's SubscribeURL and
      // UnsubscribeURL); their parameters route them like a form post would.
      const queryAction = raw.method === "GET" && !scope.service && query.has("Action");
      service = resolveService(this.services, scope, raw.headers, wire.stream && !queryAction ? undefined : requestParams(wire));
      if (!service) throw new ServiceError("UnrecognizedClientException", "The request does not name a service cloudbox serves.");
      protocol = this.pickProtocol(service, raw.headers);
      const caller = this.resolveCaller(scope, service.name);
      const presigned = parsePresignedQuery(query);
      if (presigned) checkPresignedExpiry(presigned, this.now());
      if (protocol.hostNamesResource) {
        path = s3VirtualHostPath(raw.headers["host"], path);
        wire.path = path;
      }
      resolved = protocol.resolveOperation(wire);
      if (!resolved) throw protocol.unknownOperation(wire);
      if (wire.stream && !protocol.streamsInput(resolved.operation)) {
        wire.body = await readBody(wire.stream, undefined, raw.bodyless && !chunked);
        wire.stream = undefined;
      } else if (wire.stream && !chunked && (declaredLength(wire.headers) ?? Infinity) <= SMALL_STREAMED_PAYLOAD) {
        // a small object or block is handed over as a Buffer: handlers take either
        wire.body = await readBody(wire.stream, SMALL_STREAMED_PAYLOAD, raw.bodyless);
        wire.stream = undefined;
      }
      // Elsewhere the digest only feeds the signature, which strict SigV4 below checks against the body itself.
      const payloadSha256 = verifyPayload && protocol.checksPayloadDigest ? declaredPayloadSha256(raw.headers) : undefined;
      if (payloadSha256) {
        if (!wire.stream) checkPayloadSha256(payloadSha256, wire.body);
        else {
          const verifier = new PayloadSha256Verifier(payloadSha256);
          verifier.on("error", () => {}); // the handler sees it by reading; unread, it must not crash
          wire.stream.on("error", (error) => verifier.destroy(error));
          wire.stream = wire.stream.pipe(verifier);
        }
      }
      if (secretFor && !verified) {
        verifySignatureV4({ method: raw.method, path: rawPath, rawQuery, headers: raw.headers }, secretFor, wire.stream ? "UNSIGNED-PAYLOAD" : sha256Hex(wire.body));
      }
      const input = protocol.parseInput(resolved, wire);
      checkRequired(protocol, resolved, input);
      const handler = service.provider.handlers[resolved.operation.name];
      if (!handler) throw CommonErrors.notImplemented(resolved.operation.name);
      const context = new RequestContext(caller, scope.region ?? DEFAULT_REGION, requestId, resolved.operation.name, raw);
      // Most handlers answer synchronously: awaiting a plain value would still cost a microtask turn.
      const answered = handler(input, context);
      const output = ((answered instanceof Promise ? await answered : answered) ?? {}) as Record<string, unknown>;
      const response: DispatchResult = protocol.serializeOutput(resolved.operation, output, requestId);
      response.service = service.name;
      response.operation = resolved.operation.name;
      return response;
    } catch (thrown) {
      wire.stream?.resume();
      // a decoder that failed has unpiped the request: drain it so the answer can be written
      if (wire.stream !== raw.body) raw.body.resume();
      const unserved = unservedAnswer(thrown, requestId);
      if (unserved) return unserved;
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

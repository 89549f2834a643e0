import { randomUUID } from "node:crypto";
import type { CORSRule } from "@aws-sdk/client-s3";
import type { RawRequest } from "../../sdk-compat/protocol/wire.js";
import { escapeXml } from "../../sdk-compat/protocol/xml-writer.js";
import type { RegisteredService } from "../service-registry.js";
import type { DispatchResult } from "./aws-dispatcher.js";
import { s3VirtualHostPath } from "./s3-virtual-host.js";
import { isS3Provider } from "../../storage/s3/provider.js";
import { matchCorsRule } from "../../storage/s3/bucket-config/cors-config.js";

interface Dispatcher {
  dispatch(raw: RawRequest): Promise<DispatchResult>;
}

/** The bucket and key a path names, path style or virtual-host style. */
function target(raw: RawRequest): { bucket: string; key: string } | undefined {
  const q = raw.url.indexOf("?");
  const path = s3VirtualHostPath(raw.headers["host"], q === -1 ? raw.url : raw.url.slice(0, q));
  const [, bucket, ...rest] = path.split("/");
  if (!bucket) return undefined;
  try {
    return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(rest.join("/")) };
  } catch {
    return undefined;
  }
}

function corsError(status: number, code: string, message: string, fields: Record<string, string>): DispatchResult {
  const requestId = randomUUID();
  const extra = Object.entries(fields).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join("");
  return {
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": Buffer.from(requestId).toString("base64") },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString("base64")}</HostId></Error>`,
    service: "s3",
    operation: "PreflightRequest",
  };
}

/** The CORS response headers of a matched rule; credentials are allowed for a named origin, as S3 answers. */
function allowHeaders(rule: CORSRule, origin: string): Record<string, string> {
  const any = rule.AllowedOrigins!.includes("*");
  const headers: Record<string, string> = {
    "access-control-allow-origin": any ? "*" : origin,
    "access-control-allow-methods": rule.AllowedMethods!.join(", "),
    vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
  };
  if (!any) headers["access-control-allow-credentials"] = "true";
  if (rule.ExposeHeaders?.length) headers["access-control-expose-headers"] = rule.ExposeHeaders.join(", ");
  if (rule.MaxAgeSeconds !== undefined) headers["access-control-max-age"] = String(rule.MaxAgeSeconds);
  return headers;
}

/**
 * S3's CORS at the edge, around the dispatcher: a preflight OPTIONS is answered from the bucket's rules
 * (403 AccessForbidden when none matches), and every S3 answer to a request with an Origin, errors included,
 * carries the headers of the rule it matches. Requests without an Origin pass straight through.
 */
export function withS3Cors(dispatcher: Dispatcher, services: Map<string, RegisteredService>): Dispatcher {
  const rulesOf = (bucket: string) => {
    const provider = services.get("s3")?.provider;
    return isS3Provider(provider) ? provider.cors.rulesOf(bucket) : undefined;
  };
  return {
    async dispatch(raw: RawRequest): Promise<DispatchResult> {
      const origin = raw.headers["origin"];
      if (raw.method === "OPTIONS" && services.has("s3")) return preflight(raw, origin);
      const response = await dispatcher.dispatch(raw);
      if (origin === undefined || response.service !== "s3") return response;
      const named = target(raw);
      const rules = named && rulesOf(named.bucket)?.rules;
      const rule = rules && matchCorsRule(rules, origin, raw.method, []);
      if (rule) Object.assign(response.headers, allowHeaders(rule, origin));
      return response;
    },
  };

  function preflight(raw: RawRequest, origin: string | undefined): DispatchResult {
    raw.body.resume();
    const method = raw.headers["access-control-request-method"];
    const named = target(raw);
    const resourceType = named?.key ? "OBJECT" : "BUCKET";
    if (origin === undefined) return corsError(400, "BadRequest", "Insufficient information. Origin request header needed.", {});
    if (method === undefined) return corsError(400, "BadRequest", "Invalid Access-Control-Request-Method: null", {});
    const found = named ? rulesOf(named.bucket) : undefined;
    if (!found) return corsError(403, "AccessForbidden", "CORSResponse: Bucket not found", { Method: method, ResourceType: resourceType });
    if (!found.rules) return corsError(403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", { Method: method, ResourceType: resourceType });
    const requested = (raw.headers["access-control-request-headers"] ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
    const rule = matchCorsRule(found.rules, origin, method, requested);
    if (!rule) {
      return corsError(403, "AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", { Method: method, ResourceType: resourceType });
    }
    const headers = allowHeaders(rule, origin);
    if (requested.length) headers["access-control-allow-headers"] = requested.join(", ");
    const requestId = randomUUID();
    headers["x-amz-request-id"] = requestId;
    headers["x-amz-id-2"] = Buffer.from(requestId).toString("base64");
    return { status: 200, headers, service: "s3", operation: "PreflightRequest" };
  }
}

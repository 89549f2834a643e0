import type { Operation, ServiceModel } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import type { ResolvedOperation } from "./protocol.js";
import type { WireRequest } from "./wire.js";

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  operation: Operation;
  method: string;
  segments: Segment[];
  /** Literal query keys of the template (`?uploads`, `?list-type=2`), with their value if any. */
  queryLiterals: [string, string | undefined][];
  /** Header names of required header-bound input members (CopyObject's x-amz-copy-source). */
  requiredHeaders: string[];
  /** Query keys of required querystring input members (S3's uploadId, partNumber): DeleteObject vs AbortMultipartUpload. */
  requiredQuery: string[];
  literalSegments: number;
}

function compile(model: ServiceModel, operation: Operation): Route {
  const [pathPart, queryPart] = operation.http.requestUri.split("?", 2) as [string, string | undefined];
  const segments: Segment[] = pathPart.split("/").slice(1).filter((s, i, all) => s !== "" || i < all.length - 1).map((s) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
    return m ? { label: m[1]!, greedy: m[2] === "+" } : { literal: s };
  });
  const queryLiterals: [string, string | undefined][] = queryPart
    ? queryPart.split("&").filter(Boolean).map((kv) => {
        const [k, v] = kv.split("=", 2) as [string, string | undefined];
        return [k, v];
      })
    : [];
  const requiredHeaders: string[] = [];
  const requiredQuery: string[] = [];
  if (operation.input) {
    const input = shapeOf(model, operation.input);
    for (const name of input.required ?? []) {
      const ref = input.members?.[name];
      if (ref?.location === "header" && ref.locationName) requiredHeaders.push(ref.locationName.toLowerCase());
      if (ref?.location === "querystring" && ref.locationName) requiredQuery.push(ref.locationName);
    }
  }
  return { operation, method: operation.http.method, segments, queryLiterals, requiredHeaders, requiredQuery, literalSegments: segments.filter((s) => "literal" in s).length };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Matches REST requests to operations by method, URI template and literal query keys. Greedy
 * labels (`{Key+}`) keep their slashes and every label is percent-decoded exactly once. When
 * several templates match, the one with the most literal query keys wins, then the one whose
 * required query keys and headers are all present (UploadPart vs PutObject, CopyObject vs
 * PutObject), then the most literal path segments. A route missing a required one only matches when nothing else does.
 */
export class RestRouter {
  private readonly byMethod = new Map<string, Route[]>();

  constructor(model: ServiceModel) {
    const operations = Object.values(model.operations);
    // A deprecated operation that shares its method and URI with its successor (S3's PutBucketLifecycle and
    // PutBucketLifecycleConfiguration) is not routed: clients send the successor's shape.
    const current = new Set(operations.filter((o) => !o.deprecated).map((o) => `${o.http.method} ${o.http.requestUri}`));
    for (const operation of operations) {
      if (operation.deprecated && current.has(`${operation.http.method} ${operation.http.requestUri}`)) continue;
      const route = compile(model, operation);
      const list = this.byMethod.get(route.method) ?? [];
      list.push(route);
      this.byMethod.set(route.method, list);
    }
  }

  resolve(request: WireRequest): ResolvedOperation | undefined {
    const routes = this.byMethod.get(request.method);
    if (!routes) return undefined;
    const parts = request.path.split("/").slice(1);
    let best: { route: Route; labels: Record<string, string>; score: number } | undefined;
    for (const route of routes) {
      // Query and header checks first: they rule out most routes without building labels.
      let score = 0;
      let ok = true;
      for (const [key, value] of route.queryLiterals) {
        const actual = request.query.get(key);
        if (actual === null || (value !== undefined && actual !== value)) {
          ok = false;
          break;
        }
        score += 1000;
      }
      if (!ok) continue;
      // A missing required query member or header only ranks a route last: when no other template
      // fits, the request still reaches its operation and fails validation naming the member
      // (EBS GetSnapshotBlock without blockToken), instead of answering "no such operation".
      for (const key of route.requiredQuery) score += request.query.has(key) ? 100 : -100_000;
      for (const header of route.requiredHeaders) score += request.headers[header] !== undefined ? 100 : -100_000;
      if (best && score + route.literalSegments < best.score) continue;
      const labels = this.matchPath(route.segments, parts);
      if (!labels) continue;
      score += route.literalSegments;
      if (!best || score > best.score) best = { route, labels, score };
    }
    return best ? { operation: best.route.operation, labels: best.labels } : undefined;
  }

  private matchPath(segments: Segment[], parts: string[]): Record<string, string> | undefined {
    // A trailing slash after a bucket-level path ("/bucket/") is the bucket itself.
    if (parts.length > 1 && parts[parts.length - 1] === "" && segments.length === parts.length - 1) parts = parts.slice(0, -1);
    if (parts.length === 1 && parts[0] === "" && segments.length === 0) return {};
    const labels: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if ("literal" in segment) {
        if (parts[i] !== segment.literal) return undefined;
        continue;
      }
      if (segment.greedy) {
        const rest = parts.slice(i).join("/");
        if (rest === "") return undefined;
        labels[segment.label] = decode(rest);
        return labels;
      }
      const part = parts[i];
      if (part === undefined || part === "") return undefined;
      labels[segment.label] = decode(part);
    }
    return parts.length === segments.length ? labels : undefined;
  }
}

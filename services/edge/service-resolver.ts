import type { RegisteredService } from "../service-registry.js";
import type { ServiceName } from "../config.js";
import type { CallerScope } from "./credential.js";
import { unservedQueryApi, unservedService } from "./unserved-service.js";

const TARGET_PREFIXES: Record<string, ServiceName> = { AmazonSQS: "sqs" };
const QUERY_VERSIONS: Record<string, ServiceName> = { "2012-11-05": "sqs", "2010-03-31": "sns", "2016-11-15": "ec2", "2011-06-15": "sts", "2010-05-08": "iam" };

/**
 * Picks the service of a request: the SigV4 signing name first, then `X-Amz-Target`, then (for
 * unsigned form posts) the `Version`/`Action` fields; anything else is S3, which owns paths.
 * A request that names a service not served (by any of these, or by an AWS endpoint host) throws
 * an UnservedService, which the dispatcher answers in that service's own error format.
 */
export function resolveService(
  services: Map<string, RegisteredService>,
  scope: CallerScope,
  headers: Record<string, string | undefined>,
  form: Map<string, string> | undefined,
): RegisteredService | undefined {
  const unserved = unservedService(services, scope.service, headers, form !== undefined);
  if (unserved) throw unserved;
  if (scope.service) {
    const byScope = services.get(scope.service);
    if (byScope) return byScope;
  }
  const target = headers["x-amz-target"];
  if (target) {
    const service = TARGET_PREFIXES[target.slice(0, target.indexOf("."))];
    return service ? services.get(service) : undefined;
  }
  if (form) {
    const version = form.get("Version");
    const byVersion = version ? QUERY_VERSIONS[version] : undefined;
    if (byVersion && services.has(byVersion)) return services.get(byVersion);
    const action = form.get("Action");
    if (action) {
      for (const service of services.values()) if (service.protocols[0]!.name !== "rest-xml" && service.model.operations[action]) return service;
      // A query-protocol call of no served API is not S3's to answer.
      throw (byVersion && unservedService(services, byVersion, headers, true)) || unservedQueryApi(services, version, action);
    }
  }
  return services.get("s3");
}

export function isFormRequest(method: string, headers: Record<string, string | undefined>): boolean {
  return method === "POST" && (headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

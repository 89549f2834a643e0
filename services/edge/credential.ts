import type { Caller } from "../../sdk-compat/protocol/operation-handler.js";
import type { CallerResolver } from "../identity/callers.js";
import { DEFAULT_ACCOUNT_ID } from "../identity/callers.js";

/** Who is calling and where, from the SigV4 credential scope (header or presigned query). */
export interface CallerScope {
  accessKeyId?: string;
  region?: string;
  /** The signing name: s3, sqs, sns, ec2, ebs, sts, iam. */
  service?: string;
  /** STS credentials' session token: the `x-amz-security-token` header or `X-Amz-Security-Token` query parameter. */
  sessionToken?: string;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export function callerScope(headers: Record<string, string | undefined>, query: URLSearchParams): CallerScope {
  const scope = signingScope(headers, query);
  const token = headers["x-amz-security-token"] ?? (query.size > 0 ? query.get("X-Amz-Security-Token") ?? undefined : undefined);
  if (token !== undefined) scope.sessionToken = token;
  return scope;
}

function signingScope(headers: Record<string, string | undefined>, query: URLSearchParams): CallerScope {
  const auth = headers["authorization"];
  if (auth) {
    const m = SCOPE.exec(auth);
    if (m) return { accessKeyId: m[1], region: m[2], service: m[3] };
    const v2 = /^AWS ([^:]+):/.exec(auth);
    if (v2) return { accessKeyId: v2[1], service: "s3" };
  }
  if (query.size === 0) return {};
  const credential = query.get("X-Amz-Credential");
  if (credential) {
    const [accessKeyId, , region, service] = credential.split("/");
    return { accessKeyId, region, service };
  }
  if (query.has("AWSAccessKeyId")) return { accessKeyId: query.get("AWSAccessKeyId") ?? undefined, service: "s3" };
  return {};
}

export const DEFAULT_REGION = "us-east-1";

/** Who a request's credentials stand for; `service` is the one answering, for the error it would give. */
export type ResolveCaller = (scope: CallerScope, service: string) => Caller;

/**
 * Resolution through the identity store: IAM users' access keys, STS session credentials (an
 * expired one answers ExpiredToken in the service's own envelope), and plain keys as their
 * account's root (a 12-digit key id is the account, anything else the default account).
 */
export function identityCallers(resolver: CallerResolver): ResolveCaller {
  return (scope, service) => resolver.resolve(scope.accessKeyId, scope.sessionToken, service);
}

/** Without an identity store (a dispatcher built on its own): every key is the root of its account. */
export function rootCallers(defaultAccount = DEFAULT_ACCOUNT_ID): ResolveCaller {
  return (scope) => {
    const account = scope.accessKeyId && /^\d{12}$/.test(scope.accessKeyId) ? scope.accessKeyId : defaultAccount;
    return { account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: scope.accessKeyId };
  };
}

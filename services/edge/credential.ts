import type { Caller } from "../../sdk-compat/protocol/operation-handler.js";

/** Who is calling and where, from the SigV4 credential scope (header or presigned query). */
export interface CallerScope {
  accessKeyId?: string;
  region?: string;
  /** The signing name: s3, sqs, sns, ec2, ebs. */
  service?: string;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export function callerScope(headers: Record<string, string | undefined>, query: URLSearchParams): CallerScope {
  const auth = headers["authorization"];
  if (auth) {
    const m = SCOPE.exec(auth);
    if (m) return { accessKeyId: m[1], region: m[2], service: m[3] };
    const v2 = /^AWS ([^:]+):/.exec(auth);
    if (v2) return { accessKeyId: v2[1], service: "s3" };
  }
  const credential = query.get("X-Amz-Credential");
  if (credential) {
    const [accessKeyId, , region, service] = credential.split("/");
    return { accessKeyId, region, service };
  }
  if (query.has("AWSAccessKeyId")) return { accessKeyId: query.get("AWSAccessKeyId") ?? undefined, service: "s3" };
  return {};
}

/** A 12-digit access key id is the account id; anything else is the default account. */
export function accountOf(accessKeyId: string | undefined): string {
  return accessKeyId && /^\d{12}$/.test(accessKeyId) ? accessKeyId : "000000000000";
}

export const DEFAULT_REGION = "us-east-1";

/** The caller of a plain access key: its account's root user. */
export function callerOf(accessKeyId: string | undefined): Caller {
  const account = accountOf(accessKeyId);
  return { account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId };
}

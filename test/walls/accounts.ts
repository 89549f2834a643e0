import type { Cloudbox } from "../../services/cloudbox.js";
import { pythonEnv, sdkConfig } from "../support/fixture.js";

/** The three accounts of the walls tests: a 12-digit access key id is its account. */
export const A = "111111111111";
export const B = "222222222222";
export const C = "333333333333";

/** SDK client options signed as `account`. */
export function asAccount(cloudbox: Cloudbox, account: string) {
  return { ...sdkConfig(cloudbox), credentials: { accessKeyId: account, secretAccessKey: "walls" } };
}

/** boto3 / aws CLI environment signed as `account`. */
export function pythonAs(cloudbox: Cloudbox, account: string): NodeJS.ProcessEnv {
  return { ...pythonEnv(cloudbox), AWS_ACCESS_KEY_ID: account };
}

/** A form-encoded query-protocol request signed (by name only) as `account`, as older SQS clients send it. */
export async function queryAs(cloudbox: Cloudbox, account: string, service: string, params: Record<string, string>, version: string) {
  const response = await fetch(`${cloudbox.endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
    },
    body: new URLSearchParams({ Version: version, ...params }).toString(),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

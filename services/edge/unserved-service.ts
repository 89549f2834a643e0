import { escapeXml } from "../../sdk-compat/protocol/xml-writer.js";
import type { WireResponse } from "../../sdk-compat/protocol/wire.js";
import { ALL_SERVICES } from "../config.js";

/**
 * A request for a service cloudbox does not answer: one it does not emulate (DynamoDB, Lambda, …) or
 * one it emulates but was started without (`--services`). The answer is a 501 in the protocol family
 * that service's clients parse, so each SDK, boto3 and the CLI show the message instead of "Unknown",
 * and never an S3 error for a request that was not meant for S3.
 */

/** How the asked-for service's clients read errors. */
export type ErrorFamily = "json" | "rest-json" | "query" | "ec2" | "rest-xml";

/** X-Amz-Target prefixes of JSON services, for a readable name when a request is not signed. */
const TARGET_SERVICES: Record<string, string> = {
  DynamoDB_20120810: "dynamodb",
  DynamoDBStreams_20120810: "dynamodbstreams",
  Kinesis_20131202: "kinesis",
  Firehose_20150804: "firehose",
  TrentService: "kms",
  secretsmanager: "secretsmanager",
  AmazonSSM: "ssm",
  Logs_20140328: "logs",
  AWSEvents: "events",
  AWSStepFunctions: "states",
  AWSCognitoIdentityProviderService: "cognito-idp",
  AmazonEC2ContainerRegistry_V20150921: "ecr",
  AmazonEC2ContainerServiceV20141113: "ecs",
  CertificateManager: "acm",
  GraniteServiceVersion20100801: "monitoring",
};

/** REST services whose errors are XML (the S3 family); other REST services answer JSON. */
const REST_XML_SERVICES = new Set(["s3", "s3-control", "route53", "cloudfront"]);

/** An AWS endpoint host: `service[.region].amazonaws.com`. */
const AWS_HOST = /^([a-z0-9-]+)(?:\.([a-z]{2}(?:-[a-z]+)+-\d+))?\.amazonaws\.com(?:\.cn)?(?::\d+)?$/;

/** A form post whose Version and Action name no served service: the API it is for is unknown by name. */
export function unservedQueryApi(served: ReadonlyMap<string, unknown>, version: string | undefined, action: string): UnservedService {
  return new UnservedService(`with API version ${version ?? "(none)"} (Action=${action})`, "query", false, [...served.keys()]);
}

export class UnservedService extends Error {
  override readonly name = "UnservedService";

  constructor(
    readonly requested: string,
    readonly family: ErrorFamily,
    readonly switchedOff: boolean,
    readonly served: readonly string[],
  ) {
    super(
      switchedOff
        ? `The service ${requested} is switched off in this cloudbox; it was started serving only ${served.join(", ") || "nothing"} (see --services).`
        : `The service ${requested} is not emulated by cloudbox; cloudbox serves ${served.join(", ")}.`,
    );
  }
}

/** The error family of a request, from its shape: a JSON target, a form post, or a REST call. */
function familyOf(service: string, headers: Record<string, string | undefined>, form: boolean): ErrorFamily {
  if (service === "ec2") return "ec2";
  if (headers["x-amz-target"] !== undefined || (headers["content-type"] ?? "").startsWith("application/x-amz-json")) return "json";
  if (form) return "query";
  return REST_XML_SERVICES.has(service) ? "rest-xml" : "rest-json";
}

/**
 * The service a request names that is not among those served, if any: by its SigV4 signing name,
 * else its X-Amz-Target prefix, else an AWS endpoint host; a request naming nothing is S3's.
 */
export function unservedService(
  served: ReadonlyMap<string, unknown>,
  signingName: string | undefined,
  headers: Record<string, string | undefined>,
  form: boolean,
): UnservedService | undefined {
  let requested: string | undefined;
  if (signingName) requested = signingName;
  else if (headers["x-amz-target"]) {
    const target = headers["x-amz-target"];
    const prefix = target.slice(0, Math.max(0, target.indexOf(".")));
    requested = prefix === "AmazonSQS" ? "sqs" : (TARGET_SERVICES[prefix] ?? (prefix || target));
  } else {
    const host = AWS_HOST.exec(headers["host"] ?? "")?.[1];
    requested = host && host !== "s3" && !host.startsWith("s3-") ? host : form ? undefined : "s3";
  }
  if (!requested || served.has(requested)) return undefined;
  return new UnservedService(requested, familyOf(requested, headers, form), (ALL_SERVICES as readonly string[]).includes(requested), [...served.keys()]);
}

const CODE = "NotImplemented";

/** The 501 answer for an UnservedService, in its family's error format; undefined for anything else. */
export function unservedAnswer(thrown: unknown, requestId: string): WireResponse | undefined {
  if (!(thrown instanceof UnservedService)) return undefined;
  const message = thrown.message;
  const status = 501;
  switch (thrown.family) {
    case "json":
    case "rest-json":
      return {
        status,
        headers: { "content-type": thrown.family === "json" ? "application/x-amz-json-1.0" : "application/json", "x-amzn-requestid": requestId, "x-amzn-errortype": CODE },
        // `message` for JSON services, `Message` for the REST-JSON ones (Lambda) whose clients read that.
        body: JSON.stringify({ __type: CODE, message, Message: message }),
      };
    case "query":
      return {
        status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Receiver</Type><Code>${CODE}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case "ec2":
      return {
        status,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${CODE}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case "rest-xml":
      return {
        status,
        headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${CODE}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
  }
}

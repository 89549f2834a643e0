import { readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The subset of the botocore service-2.json format the protocol engine reads. */
export type ShapeType =
  | "structure" | "list" | "map" | "string" | "integer" | "long" | "boolean"
  | "timestamp" | "blob" | "float" | "double";

export type MemberLocation = "uri" | "querystring" | "header" | "headers" | "statusCode";

export interface MemberRef {
  shape: string;
  location?: MemberLocation;
  locationName?: string;
  queryName?: string;
  xmlNamespace?: { prefix?: string; uri: string };
  xmlAttribute?: boolean;
  flattened?: boolean;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  timestampFormat?: TimestampFormat;
  hostLabel?: boolean;
  deprecated?: boolean;
  /** cloudbox patch: the member is the text content of its parent element (S3 GetBucketLocation). */
  xmlText?: boolean;
}

export type TimestampFormat = "iso8601" | "rfc822" | "unixTimestamp";

export interface Shape {
  type: ShapeType;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  flattened?: boolean;
  locationName?: string;
  payload?: string;
  streaming?: boolean;
  requiresLength?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  timestampFormat?: TimestampFormat;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  xmlNamespace?: { prefix?: string; uri: string };
  eventstream?: boolean;
  event?: boolean;
  /** cloudbox patch: the root element name of an XML output (S3). */
  xmlRootName?: string;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: MemberRef & { xmlNamespace?: { uri: string }; locationName?: string };
  output?: MemberRef & { resultWrapper?: string };
  errors?: MemberRef[];
  httpChecksum?: { requestAlgorithmMember?: string; requestChecksumRequired?: boolean; requestValidationModeMember?: string; responseAlgorithms?: string[] };
  /** The model marks operations a successor replaced (S3's PutBucketLifecycle): the router prefers the successor. */
  deprecated?: boolean;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: "json" | "query" | "ec2" | "rest-xml" | "rest-json";
  protocols?: string[];
  jsonVersion?: string;
  targetPrefix?: string;
  xmlNamespace?: string;
  awsQueryCompatible?: Record<string, never>;
  signingName?: string;
  serviceId: string;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "sdk-compat", "models");

/** Deep-merges a patch into the model: objects merge key by key, everything else replaces. */
function applyPatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)) {
      applyPatch(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

const cache = new Map<string, ServiceModel>();

/** Loads a vendored botocore model and applies cloudbox's patch file for that service, if any. */
export function loadServiceModel(service: string): ServiceModel {
  const cached = cache.get(service);
  if (cached) return cached;
  const model = JSON.parse(readFileSync(join(modelsDir, `${service}.json`), "utf8")) as ServiceModel;
  const patchFile = join(modelsDir, "patches", `${service}.json`);
  if (existsSync(patchFile)) applyPatch(model as unknown as Record<string, unknown>, JSON.parse(readFileSync(patchFile, "utf8")));
  for (const [name, op] of Object.entries(model.operations)) op.name = name;
  cache.set(service, model);
  return model;
}

export function shapeOf(model: ServiceModel, ref: MemberRef | string): Shape {
  const name = typeof ref === "string" ? ref : ref.shape;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} missing from ${model.metadata.serviceId} model`);
  return shape;
}

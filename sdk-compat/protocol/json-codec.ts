import type { MemberRef, ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { ServiceError } from "../errors/service-error.js";
import { formatTimestamp, parseTimestamp } from "./scalars.js";

/**
 * JSON keys are member names unless the member carries a locationName (rest-json). awsJson models
 * (SQS) only carry locationNames that cloudbox patches in for their query-protocol twin, so the
 * json protocol ignores them.
 */
const jsonKey = (model: ServiceModel, name: string, ref: MemberRef): string =>
  ref.location || model.metadata.protocol === "json" ? name : ref.locationName ?? name;

/** Converts a parsed JSON document into a typed value: timestamps to Date, blobs to Buffer. */
export function fromJson(model: ServiceModel, shape: Shape, value: unknown, path = ""): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) throw new ServiceError("SerializationException", `Expected an object at ${path || "the top level"}`);
      const out: Record<string, unknown> = {};
      const source = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue;
        const v = source[jsonKey(model, name, ref)];
        if (v !== undefined && v !== null) out[name] = fromJson(model, shapeOf(model, ref), v, `${path}.${name}`);
      }
      return out;
    }
    case "list":
      if (!Array.isArray(value)) throw new ServiceError("SerializationException", `Expected a list at ${path}`);
      return value.map((item, i) => fromJson(model, shapeOf(model, shape.member!), item, `${path}[${i}]`));
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw new ServiceError("SerializationException", `Expected a map at ${path}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromJson(model, shapeOf(model, shape.value!), v, `${path}.${k}`);
      return out;
    }
    case "timestamp":
      return parseTimestamp(value);
    case "blob":
      if (typeof value !== "string") throw new ServiceError("SerializationException", `Expected a base64 string at ${path}`);
      return Buffer.from(value, "base64");
    case "integer":
    case "long":
    case "float":
    case "double":
      if (typeof value !== "number") throw new ServiceError("SerializationException", `Expected a number at ${path}, got ${JSON.stringify(value)}`);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw new ServiceError("SerializationException", `Expected a boolean at ${path}`);
      return value;
    default:
      if (typeof value !== "string") throw new ServiceError("SerializationException", `Expected a string at ${path}`);
      return value;
  }
}

/** Converts a typed value into a plain JSON-ready value. */
export function toJson(model: ServiceModel, shape: Shape, value: unknown, timestampFormat?: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      const out: Record<string, unknown> = {};
      const source = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue;
        const v = source[name];
        if (v === undefined || v === null) continue;
        out[jsonKey(model, name, ref)] = toJson(model, shapeOf(model, ref), v, ref.timestampFormat);
      }
      return out;
    }
    case "list":
      return (value as unknown[]).map((item) => toJson(model, shapeOf(model, shape.member!), item));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(model, shapeOf(model, shape.value!), v);
      return out;
    }
    case "timestamp":
      return formatTimestamp(value, (timestampFormat ?? shape.timestampFormat ?? "unixTimestamp") as "unixTimestamp");
    case "blob":
      return Buffer.from(value as Uint8Array).toString("base64");
    default:
      return value;
  }
}

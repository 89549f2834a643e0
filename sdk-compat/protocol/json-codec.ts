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

/** A body member of a structure, resolved once: every request walks the same shapes. */
interface BodyMember {
  name: string;
  key: string;
  ref: MemberRef;
  shape: Shape;
}

// Shapes belong to one model, so the shape alone keys its members.
const bodyMembersCache = new WeakMap<Shape, BodyMember[]>();

function bodyMembers(model: ServiceModel, shape: Shape): BodyMember[] {
  let members = bodyMembersCache.get(shape);
  if (!members) {
    members = [];
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (!ref.location) members.push({ name, key: jsonKey(model, name, ref), ref, shape: shapeOf(model, ref) });
    }
    bodyMembersCache.set(shape, members);
  }
  return members;
}

/** Converts a parsed JSON document into a typed value: timestamps to Date, blobs to Buffer. */
export function fromJson(model: ServiceModel, shape: Shape, value: unknown): unknown {
  return decode(model, shape, value, "", "");
}

/**
 * `parent` + `segment` is where the value sits, for error messages; it is only joined for
 * containers (their children need it) and on errors, not for every scalar.
 */
function decode(model: ServiceModel, shape: Shape, value: unknown, parent: string, segment: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      const path = parent + segment;
      if (typeof value !== "object" || Array.isArray(value)) throw new ServiceError("SerializationException", `Expected an object at ${path || "the top level"}`);
      const out: Record<string, unknown> = {};
      const source = value as Record<string, unknown>;
      for (const member of bodyMembers(model, shape)) {
        const v = source[member.key];
        if (v !== undefined && v !== null) out[member.name] = decode(model, member.shape, v, path, `.${member.name}`);
      }
      return out;
    }
    case "list": {
      const path = parent + segment;
      if (!Array.isArray(value)) throw new ServiceError("SerializationException", `Expected a list at ${path}`);
      const item = shapeOf(model, shape.member!);
      return value.map((v, i) => decode(model, item, v, path, `[${i}]`));
    }
    case "map": {
      const path = parent + segment;
      if (typeof value !== "object" || Array.isArray(value)) throw new ServiceError("SerializationException", `Expected a map at ${path}`);
      const valueShape = shapeOf(model, shape.value!);
      const out: Record<string, unknown> = {};
      for (const k in value as Record<string, unknown>) out[k] = decode(model, valueShape, (value as Record<string, unknown>)[k], path, `.${k}`);
      return out;
    }
    case "timestamp":
      return parseTimestamp(value);
    case "blob":
      if (typeof value !== "string") throw new ServiceError("SerializationException", `Expected a base64 string at ${parent + segment}`);
      return Buffer.from(value, "base64");
    case "integer":
    case "long":
    case "float":
    case "double":
      if (typeof value !== "number") throw new ServiceError("SerializationException", `Expected a number at ${parent + segment}, got ${JSON.stringify(value)}`);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw new ServiceError("SerializationException", `Expected a boolean at ${parent + segment}`);
      return value;
    default:
      if (typeof value !== "string") throw new ServiceError("SerializationException", `Expected a string at ${parent + segment}`);
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
      for (const member of bodyMembers(model, shape)) {
        const v = source[member.name];
        if (v === undefined || v === null) continue;
        out[member.key] = toJson(model, member.shape, v, member.ref.timestampFormat);
      }
      return out;
    }
    case "list": {
      const item = shapeOf(model, shape.member!);
      return (value as unknown[]).map((v) => toJson(model, item, v));
    }
    case "map": {
      const valueShape = shapeOf(model, shape.value!);
      const out: Record<string, unknown> = {};
      for (const k in value as Record<string, unknown>) out[k] = toJson(model, valueShape, (value as Record<string, unknown>)[k]);
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

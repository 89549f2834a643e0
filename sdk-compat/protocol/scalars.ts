import type { Shape, TimestampFormat } from "../model/service-model.js";
import { ServiceError } from "../errors/service-error.js";

/** Parses a timestamp leniently: epoch seconds (number or numeric string), ISO 8601, or HTTP-date. */
export function parseTimestamp(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value * 1000);
  const text = String(value).trim();
  const date = /^-?\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new ServiceError("InvalidParameterValue", `Invalid timestamp: ${text}`);
  return date;
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : parseTimestamp(value));

// The timestamps of one answer are mostly one instant (a launch's launch, attach and
// state-transition times): the last ISO text is reused for the same millisecond.
let lastIsoMs = NaN;
let lastIso = "";

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit, signed year. */
const YEAR_10000_MS = 253_402_300_800_000;
let dayStartMs = NaN;
let dayPrefix = "";

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * What Date#toISOString writes, without its C++ formatting (a printf per call, five times the
 * cost): a listing of a thousand objects, each modified at another millisecond, spent 7% of its
 * time there. The date part is made by toISOString once per day; the time of day is arithmetic.
 */
export function isoTimestamp(time: number): string {
  // A Date holds whole milliseconds: new Date(1.5) is 1 ms.
  const ms = Math.trunc(time);
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const startMs = ms - (ms % DAY_MS);
  if (startMs !== dayStartMs) {
    dayPrefix = new Date(startMs).toISOString().slice(0, 11);
    dayStartMs = startMs;
  }
  let rest = ms - startMs;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  return `${dayPrefix}${pad2((rest - minute) / 60)}:${pad2(minute)}:${pad2(second)}.${pad3(milli)}Z`;
}

export function formatTimestamp(value: unknown, format: TimestampFormat): string | number {
  const date = toDate(value);
  switch (format) {
    case "unixTimestamp":
      return date.getTime() / 1000;
    case "rfc822":
      return date.toUTCString();
    case "iso8601": {
      const ms = date.getTime();
      if (ms !== lastIsoMs) {
        lastIso = isoTimestamp(ms);
        lastIsoMs = ms;
      }
      return lastIso;
    }
  }
}

/** Converts a wire string (query value, header, XML text) to the scalar type of its shape. */
export function parseScalar(shape: Shape, text: string, name: string): unknown {
  switch (shape.type) {
    case "integer":
    case "long": {
      if (text.trim() === "") return undefined;
      const n = Number(text);
      if (!Number.isInteger(n)) throw new ServiceError("InvalidParameterValue", `Value (${text}) for parameter ${name} is invalid. Expected: 'integer'.`);
      return n;
    }
    case "float":
    case "double": {
      const n = Number(text);
      if (Number.isNaN(n)) throw new ServiceError("InvalidParameterValue", `Value (${text}) for parameter ${name} is invalid. Expected: 'number'.`);
      return n;
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      throw new ServiceError("InvalidParameterValue", `Value (${text}) for parameter ${name} is invalid. Expected: 'boolean'.`);
    }
    case "timestamp":
      return parseTimestamp(text);
    case "blob":
      return Buffer.from(text, "base64");
    default:
      return text;
  }
}

export function formatScalar(shape: Shape, value: unknown, timestampFormat: TimestampFormat): string {
  switch (shape.type) {
    case "timestamp":
      return String(formatTimestamp(value, timestampFormat));
    case "blob":
      return Buffer.isBuffer(value) ? value.toString("base64") : value instanceof Uint8Array ? Buffer.from(value).toString("base64") : Buffer.from(String(value)).toString("base64");
    default:
      return String(value);
  }
}

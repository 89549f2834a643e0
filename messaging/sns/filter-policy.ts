import { isIP } from "node:net";
import { SnsErrors } from "./sns-errors.js";

/**
 * Subscription filter policies: validation with AWS's messages, compiled once per policy, then
 * matched against a message's attributes (`MessageAttributes` scope) or its JSON body
 * (`MessageBody` scope, where keys nest and arrays anywhere in the payload mean "any element").
 */
export type FilterPolicyScope = "MessageAttributes" | "MessageBody";

type Leaf = string | number | boolean | null;

type Condition =
  | { kind: "equals"; value: Leaf }
  | { kind: "prefix" | "suffix" | "equals-ignore-case"; value: string }
  | { kind: "anything-but"; values: Leaf[] }
  | { kind: "anything-but-prefix" | "anything-but-suffix"; value: string }
  | { kind: "anything-but-ignore-case"; values: string[] }
  | { kind: "numeric"; ranges: [string, number][] }
  | { kind: "exists"; value: boolean }
  | { kind: "cidr"; matches: (ip: string) => boolean };

interface Field {
  path: string[];
  conditions: Condition[];
}

/** A conjunction of fields, plus `$or` groups of which at least one alternative must hold each. */
export interface CompiledPolicy {
  fields: Field[];
  ors: CompiledPolicy[][];
}

/** What a message offers for matching, whichever the scope. */
export interface MatchSubject {
  /** All leaf values at the path; `present` tells an absent key from one without usable values. */
  lookup(path: string[]): { present: boolean; values: Leaf[] };
}

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;

class PolicyError extends Error {}

function fail(message: string): never {
  throw new PolicyError(message);
}

/**
 * Validates and compiles a FilterPolicy text. `context` picks the message prefix AWS uses:
 * Subscribe reports "Invalid parameter: Attributes Reason: FilterPolicy: …", SetSubscriptionAttributes
 * "Invalid parameter: FilterPolicy: …".
 */
export function compileFilterPolicy(text: string, scope: FilterPolicyScope, context: "subscribe" | "set" = "set"): CompiledPolicy {
  const prefix = context === "subscribe" ? "Attributes Reason: " : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    void error;
    throw SnsErrors.invalidParameter(`${prefix}FilterPolicy: failed to parse JSON.`);
  }
  try {
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail("FilterPolicy: Filter policy must be a JSON object");
    const policy = compileObject(parsed as Record<string, unknown>, [], scope);
    if (countKeys(parsed as Record<string, unknown>) > MAX_KEYS) fail("FilterPolicy: Filter policy can not have more than 5 keys");
    if (combinations(policy) > MAX_COMBINATIONS) fail("FilterPolicy: Filter policy is too complex");
    return policy;
  } catch (error) {
    if (error instanceof PolicyError) throw SnsErrors.invalidParameter(`${prefix}${error.message}`);
    throw error;
  }
}

function countKeys(policy: Record<string, unknown>): number {
  let count = 0;
  let orMax = 0;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or" && Array.isArray(value)) {
      for (const alt of value) if (alt && typeof alt === "object") orMax = Math.max(orMax, countKeys(alt as Record<string, unknown>));
    } else {
      count++;
    }
  }
  return count + orMax;
}

function combinations(policy: CompiledPolicy): number {
  let total = 1;
  for (const field of policy.fields) total *= Math.max(1, field.conditions.length);
  for (const group of policy.ors) total *= group.reduce((sum, alt) => sum + combinations(alt), 0);
  return total;
}

function compileObject(node: Record<string, unknown>, path: string[], scope: FilterPolicyScope): CompiledPolicy {
  const out: CompiledPolicy = { fields: [], ors: [] };
  for (const [key, value] of Object.entries(node)) {
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) fail("FilterPolicy: The $or key must be an array of at least two objects");
      const alternatives = value.map((alt) => {
        if (typeof alt !== "object" || alt === null || Array.isArray(alt)) fail("FilterPolicy: The $or key must be an array of at least two objects");
        return compileObject(alt as Record<string, unknown>, path, scope);
      });
      out.ors.push(alternatives);
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail("FilterPolicy: Empty arrays are not allowed");
      out.fields.push({ path: [...path, key], conditions: value.map(compileCondition) });
    } else if (typeof value === "object" && value !== null) {
      if (scope === "MessageAttributes") fail("Filter policy scope MessageAttributes does not support nested filter policy");
      const nested = compileObject(value as Record<string, unknown>, [...path, key], scope);
      out.fields.push(...nested.fields);
      out.ors.push(...nested.ors);
    } else {
      fail(`FilterPolicy: "${key}" must be an object or an array`);
    }
  }
  return out;
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function compileCondition(rule: unknown): Condition {
  if (isLeaf(rule)) return { kind: "equals", value: rule };
  if (typeof rule !== "object" || Array.isArray(rule)) fail("FilterPolicy: Match value must be String, number, true, false, or null");
  const entries = Object.entries(rule as Record<string, unknown>);
  if (entries.length !== 1) fail("FilterPolicy: Only one key allowed in match expression");
  const [operator, value] = entries[0]!;
  switch (operator) {
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
      if (typeof value !== "string") fail(`FilterPolicy: ${operator} match pattern must be a string`);
      return { kind: operator, value };
    case "exists":
      if (typeof value !== "boolean") fail("FilterPolicy: exists match pattern must be either true or false.");
      return { kind: "exists", value };
    case "anything-but":
      return compileAnythingBut(value);
    case "numeric":
      return { kind: "numeric", ranges: compileNumeric(value) };
    case "cidr":
      return compileCidr(value);
    default:
      fail(`FilterPolicy: Unrecognized match type ${operator}`);
  }
}

function compileAnythingBut(value: unknown): Condition {
  if (typeof value === "string" || typeof value === "number") return { kind: "anything-but", values: [value] };
  if (Array.isArray(value)) {
    if (value.length === 0) fail("FilterPolicy: Empty arrays are not allowed");
    for (const v of value) if (typeof v !== "string" && typeof v !== "number") fail("FilterPolicy: Inside anything but list, start|null|boolean is not supported.");
    return { kind: "anything-but", values: value as Leaf[] };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length !== 1) fail("FilterPolicy: Only one key allowed in match expression");
    const [inner, operand] = entries[0]!;
    if (inner === "prefix" || inner === "suffix") {
      if (typeof operand !== "string") fail(`FilterPolicy: ${inner} match pattern must be a string`);
      if (operand === "") fail(`FilterPolicy: Null ${inner} not allowed`);
      return { kind: inner === "prefix" ? "anything-but-prefix" : "anything-but-suffix", value: operand };
    }
    if (inner === "equals-ignore-case") {
      const list = Array.isArray(operand) ? operand : [operand];
      for (const v of list) if (typeof v !== "string") fail("FilterPolicy: Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
      return { kind: "anything-but-ignore-case", values: (list as string[]).map((s) => s.toLowerCase()) };
    }
    fail(`FilterPolicy: Unsupported anything-but pattern: ${inner}`);
  }
  fail("FilterPolicy: Value of anything-but must be an array or single string/number value.");
}

const LOWER_OPS = new Set([">", ">="]);
const UPPER_OPS = new Set(["<", "<="]);

function compileNumeric(value: unknown): [string, number][] {
  if (!Array.isArray(value) || value.length === 0) fail("FilterPolicy: Invalid member in numeric match: ]");
  const ranges: [string, number][] = [];
  const first = value[0];
  if (typeof first !== "string") fail(`FilterPolicy: Invalid member in numeric match: ${String(first)}`);
  if (first !== "=" && !LOWER_OPS.has(first) && !UPPER_OPS.has(first)) fail(`FilterPolicy: Unrecognized numeric range operator: ${first}`);
  const operand = value[1];
  if (typeof operand !== "number") fail(`FilterPolicy: Value of ${first === "=" ? "equals" : first} must be numeric`);
  ranges.push([first, operand]);
  if (value.length === 2) return ranges;
  if (!LOWER_OPS.has(first)) fail("FilterPolicy: Too many elements in numeric expression");
  const second = value[2];
  if (typeof second !== "string") fail(`FilterPolicy: Bad value in numeric range: ${String(second)}`);
  if (!UPPER_OPS.has(second)) fail(`FilterPolicy: Bad numeric range operator: ${second}`);
  const top = value[3];
  if (typeof top !== "number") fail(`FilterPolicy: Value of ${second} must be numeric`);
  if (top <= operand) fail("FilterPolicy: Bottom must be less than top");
  if (value.length > 4) fail("FilterPolicy: Too many terms in numeric range expression");
  ranges.push([second, top]);
  return ranges;
}

function ipBytes(ip: string): number[] | undefined {
  const kind = isIP(ip);
  if (kind === 4) return ip.split(".").map(Number);
  if (kind !== 6) return undefined;
  // Expand "::" and a trailing dotted quad into 16 bytes.
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const b = dotted[1]!.split(".").map(Number);
    text = text.slice(0, -dotted[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.flatMap((g) => {
    const n = parseInt(g || "0", 16);
    return [n >> 8, n & 0xff];
  });
}

function compileCidr(value: unknown): Condition {
  if (typeof value !== "string") fail("FilterPolicy: prefix match pattern must be a string");
  const parts = value.split("/");
  if (parts.length !== 2 || parts[1] === "") fail("FilterPolicy: Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(parts[1]!)) fail("FilterPolicy: Malformed CIDR, mask bits must be an integer");
  const bits = Number(parts[1]);
  if (bits < 0) fail("FilterPolicy: Malformed CIDR, mask bits must not be negative");
  const network = ipBytes(parts[0]!);
  if (!network) fail(`FilterPolicy: Nonstandard IP address: ${parts[0]}`);
  if (network.length === 4 && bits > 32) fail("FilterPolicy: IPv4 mask bits must be <= 32");
  if (network.length === 16 && bits > 128) fail("FilterPolicy: IPv6 mask bits must be <= 128");
  return {
    kind: "cidr",
    matches: (ip) => {
      const address = ipBytes(ip);
      if (!address || address.length !== network.length) return false;
      for (let bit = 0; bit < bits; bit++) {
        const byte = bit >> 3;
        const mask = 0x80 >> (bit & 7);
        if ((address[byte]! & mask) !== (network[byte]! & mask)) return false;
      }
      return true;
    },
  };
}

// ---- matching ----

function numericHolds(value: number, ranges: [string, number][]): boolean {
  for (const [op, operand] of ranges) {
    if (op === "=" ? value !== operand : op === ">" ? !(value > operand) : op === ">=" ? !(value >= operand) : op === "<" ? !(value < operand) : !(value <= operand)) return false;
  }
  return true;
}

function conditionHolds(condition: Condition, value: Leaf): boolean {
  switch (condition.kind) {
    case "equals":
      return value === condition.value;
    case "prefix":
      return typeof value === "string" && value.startsWith(condition.value);
    case "suffix":
      return typeof value === "string" && value.endsWith(condition.value);
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === condition.value.toLowerCase();
    case "anything-but":
      return value !== null && typeof value !== "boolean" && !condition.values.includes(value);
    case "anything-but-prefix":
      return typeof value === "string" && !value.startsWith(condition.value);
    case "anything-but-suffix":
      return typeof value === "string" && !value.endsWith(condition.value);
    case "anything-but-ignore-case":
      return typeof value === "string" && !condition.values.includes(value.toLowerCase());
    case "numeric":
      return typeof value === "number" && numericHolds(value, condition.ranges);
    case "cidr":
      return typeof value === "string" && condition.matches(value);
    case "exists":
      return false;
  }
}

function fieldHolds(field: Field, subject: MatchSubject): boolean {
  const { present, values } = subject.lookup(field.path);
  for (const condition of field.conditions) {
    if (condition.kind === "exists") {
      if (condition.value === present) return true;
      continue;
    }
    if (!present) continue;
    for (const value of values) if (conditionHolds(condition, value)) return true;
  }
  return false;
}

export function policyMatches(policy: CompiledPolicy, subject: MatchSubject): boolean {
  for (const field of policy.fields) if (!fieldHolds(field, subject)) return false;
  for (const group of policy.ors) if (!group.some((alt) => policyMatches(alt, subject))) return false;
  return true;
}

/** The attributes a published message carries, as SNS's filter sees them. */
export type FilterAttributes = Record<string, { DataType: string; StringValue?: string }>;

export function attributeSubject(attributes: FilterAttributes | undefined): MatchSubject {
  return {
    lookup(path) {
      const attribute = attributes?.[path[0]!];
      if (!attribute || path.length !== 1) return { present: false, values: [] };
      const type = attribute.DataType;
      const text = attribute.StringValue;
      if (text === undefined) return { present: true, values: [] };
      if (type.startsWith("Number")) {
        const n = Number(text);
        return { present: true, values: Number.isFinite(n) ? [n] : [] };
      }
      if (type === "String.Array") {
        try {
          const parsed: unknown = JSON.parse(text);
          if (Array.isArray(parsed)) return { present: true, values: parsed.filter(isLeaf) };
        } catch {
          // AWS treats an unparsable array attribute as not matching anything but `exists`.
        }
        return { present: true, values: [] };
      }
      if (type.startsWith("String")) return { present: true, values: [text] };
      return { present: true, values: [] };
    },
  };
}

/** The JSON body of a message; anything but a JSON object matches no policy in MessageBody scope. */
export function bodySubject(body: string): MatchSubject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  return {
    lookup(path) {
      let nodes: unknown[] = [parsed];
      for (const key of path) {
        const next: unknown[] = [];
        const visit = (node: unknown): void => {
          if (Array.isArray(node)) node.forEach(visit);
          else if (typeof node === "object" && node !== null && Object.hasOwn(node, key)) next.push((node as Record<string, unknown>)[key]);
        };
        nodes.forEach(visit);
        nodes = next;
        if (nodes.length === 0) return { present: false, values: [] };
      }
      const values: Leaf[] = [];
      const collect = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(collect);
        else if (isLeaf(node)) values.push(node);
      };
      nodes.forEach(collect);
      return { present: values.length > 0, values };
    },
  };
}

export function isFilterPolicyScope(value: string): value is FilterPolicyScope {
  return value === "MessageAttributes" || value === "MessageBody";
}

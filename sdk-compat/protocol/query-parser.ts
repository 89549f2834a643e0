import type { MemberRef, ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { parseScalar } from "./scalars.js";
import { ServiceError } from "../errors/service-error.js";

/**
 * Parses form parameters (`query` and `ec2` protocols) into a typed input, driven by the shape.
 * Query lists are `Name.member.N` (or `Name.N` when flattened, named by the member's locationName);
 * EC2 lists are always `Name.N`, named by queryName or the capitalised locationName. Maps are
 * `Name.entry.N.key/value` (flattened: `Name.N.<key>/<value>`). Like AWS, a list sent as `Name=`
 * is empty. For the query protocol, when the serialized name is absent the member name is tried too, as some older
 * clients send that (the Java SDK v2 for SQS does); EC2 refuses any key it does not know (UnknownParameter).
 */
interface PlannedMember {
  name: string;
  ref: MemberRef;
  keys: string[];
  /** Its place in the shape: members are parsed in model order, so the first invalid one is reported as before. */
  index: number;
}

interface StructurePlan {
  byKey: Map<string, PlannedMember[]>;
}

// Shapes belong to one loaded model, so a plan per shape is a plan per model; ec2 names keys differently.
const ec2Plans = new WeakMap<Shape, StructurePlan>();
const queryPlans = new WeakMap<Shape, StructurePlan>();

export class QueryInputParser {
  private readonly prefixes = new Set<string>();
  /**
   * The key segments sent under each prefix, keyed with the prefix's trailing dot ("" for the top
   * level, so a key such as `.InstanceId` is nobody's child). A request names a few of a
   * structure's members (RunInstances: 7 of its 50): a structure is parsed from what was sent,
   * not by probing for every member it could have.
   */
  private readonly children = new Map<string, Set<string>>();
  /**
   * The first key sent that names no member where it stands (ec2 only: EC2 answers it with
   * `UnknownParameter`, where the query services ignore it): the unknown segment and its full path.
   */
  unrecognized: { segment: string; key: string } | undefined;

  constructor(private readonly model: ServiceModel, private readonly params: Map<string, string>, private readonly ec2: boolean) {
    for (const key of params.keys()) {
      let start = 0;
      let dot = key.indexOf(".");
      while (dot !== -1) {
        this.addChild(key.slice(0, start), key.slice(start, dot));
        this.prefixes.add(key.slice(0, dot));
        start = dot + 1;
        dot = key.indexOf(".", start);
      }
      this.addChild(key.slice(0, start), key.slice(start));
      this.prefixes.add(key);
    }
  }

  private addChild(prefix: string, segment: string): void {
    const known = this.children.get(prefix);
    if (known) known.add(segment);
    else this.children.set(prefix, new Set([segment]));
  }

  parseStructure(shape: Shape, prefix: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const sent = this.children.get(prefix ? `${prefix}.` : "");
    if (!sent) return out;
    const { byKey } = this.plan(shape);
    const found: PlannedMember[] = [];
    for (const segment of sent) {
      const members = byKey.get(segment);
      if (members) {
        for (const member of members) if (!found.includes(member)) found.push(member);
      } else if (!(prefix === "" && isEnvelopeKey(segment))) {
        this.noteUnrecognized(prefix, segment);
      }
    }
    if (found.length > 1) found.sort((a, b) => a.index - b.index);
    for (const member of found) {
      // A member sent under both its serialized name and its member name is read from the serialized one.
      const key = member.keys.find((k) => sent.has(k))!;
      const value = this.parseValue(member.ref, prefix ? `${prefix}.${key}` : key, member.name);
      if (value !== undefined) out[member.name] = value;
    }
    return out;
  }

  private noteUnrecognized(prefix: string, segment: string): void {
    if (!this.ec2 || this.unrecognized) return;
    const path = prefix ? `${prefix}.${segment}` : segment;
    // The whole key as sent, to name one whose segment is empty (`.InstanceId.1`).
    let key = path;
    for (const sent of this.params.keys()) if (sent === path || sent.startsWith(`${path}.`)) { key = sent; break; }
    this.unrecognized = { segment, key };
  }

  /** A structure's members by each of their candidate keys, worked out once per shape (not per request). */
  private plan(shape: Shape): StructurePlan {
    const plans = this.ec2 ? ec2Plans : queryPlans;
    let plan = plans.get(shape);
    if (!plan) {
      const byKey = new Map<string, PlannedMember[]>();
      let index = 0;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const member = { name, ref, keys: this.candidateKeys(name, ref), index: index++ };
        // A few keys name two members (SQS's AttributeName.N fills AttributeNames and MessageSystemAttributeNames).
        for (const key of member.keys) {
          const named = byKey.get(key);
          if (named) named.push(member);
          else byKey.set(key, [member]);
        }
      }
      plan = { byKey };
      plans.set(shape, plan);
    }
    return plan;
  }

  private candidateKeys(name: string, ref: MemberRef): string[] {
    const target = shapeOf(this.model, ref);
    if (this.ec2) {
      // EC2 knows each member by its wire name alone: the member name, where it differs, is an unknown parameter.
      return [ref.queryName ?? (ref.locationName ? ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1) : name)];
    }
    let primary: string;
    if ((target.type === "list" || target.type === "map") && (target.flattened || ref.flattened)) {
      primary = ref.locationName ?? (target.type === "list" ? target.member?.locationName : undefined) ?? name;
    } else {
      primary = ref.locationName ?? name;
    }
    return primary === name ? [name] : [primary, name];
  }

  private parseValue(ref: MemberRef, key: string, name: string): unknown {
    const shape = shapeOf(this.model, ref);
    switch (shape.type) {
      case "structure":
        return this.parseStructure(shape, key);
      case "list":
        return this.parseList(shape, ref, key);
      case "map":
        return this.parseMap(shape, ref, key);
      default: {
        // A scalar has no members: anything sent under it (`DryRun.Value=true`) is unknown.
        const under = this.children.get(`${key}.`);
        if (under) for (const segment of under) this.noteUnrecognized(key, segment);
        const text = this.params.get(key);
        return text === undefined ? undefined : parseScalar(shape, text, name);
      }
    }
  }

  private parseList(shape: Shape, ref: MemberRef, key: string): unknown[] {
    if (this.params.get(key) === "") return [];
    const flattened = this.ec2 || shape.flattened || ref.flattened;
    const base = flattened ? key : `${key}.${shape.member?.locationName ?? "member"}`;
    const items: unknown[] = [];
    for (let i = 1; this.prefixes.has(`${base}.${i}`); i++) items.push(this.parseValue(shape.member!, `${base}.${i}`, key));
    // What is under the list but not one of its items 1..n (`Tag.Item.1`, a gap before `Filter.3`).
    const under = this.children.get(`${base}.`);
    if (under && under.size > items.length) {
      for (const segment of under) if (!(/^[1-9][0-9]*$/.test(segment) && Number(segment) <= items.length)) this.noteUnrecognized(base, segment);
    }
    return items;
  }

  private parseMap(shape: Shape, ref: MemberRef, key: string): Record<string, unknown> {
    const flattened = shape.flattened || ref.flattened;
    const base = flattened ? key : `${key}.entry`;
    const keyName = shape.key?.locationName ?? "key";
    const valueName = shape.value?.locationName ?? "value";
    const out: Record<string, unknown> = {};
    for (let i = 1; this.prefixes.has(`${base}.${i}`); i++) {
      const k = this.params.get(`${base}.${i}.${keyName}`) ?? this.params.get(`${base}.${i}.${keyName.toLowerCase()}`);
      if (k === undefined) continue;
      const valueKey = this.prefixes.has(`${base}.${i}.${valueName}`) ? `${base}.${i}.${valueName}` : `${base}.${i}.${valueName.toLowerCase()}`;
      out[k] = this.parseValue(shape.value!, valueKey, k);
    }
    return out;
  }
}

/**
 * What every request may carry beside the operation's input: the action and API version, and
 * the signature when it travels in the query (SigV4 `X-Amz-*`, and the SigV2 names older clients send).
 */
const ENVELOPE_KEYS = new Set(["Action", "Version", "AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Expires", "SecurityToken"]);

function isEnvelopeKey(key: string): boolean {
  return ENVELOPE_KEYS.has(key) || key.startsWith("X-Amz-");
}

export function formParams(body: Buffer, query: URLSearchParams): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of query) params.set(k, v);
  if (body.length === 0) return params;
  const form = body.toString("utf8");
  if (!NEEDS_DECODING.test(form)) addPlainPairs(params, form);
  else for (const [k, v] of new URLSearchParams(form)) params.set(k, v);
  return params;
}

/** What needs URLSearchParams to decode it: escapes and `+` for space. */
const NEEDS_DECODING = /[%+]/;

/**
 * A form with nothing to decode is its own pairs: `&` between them, the first `=` between name and
 * value. Most requests are such forms (an SDK escapes only what needs it), and URLSearchParams
 * walked them character by character. Empty pairs are skipped, as URLSearchParams does.
 */
function addPlainPairs(params: Map<string, string>, form: string): void {
  let start = 0;
  while (start <= form.length) {
    let end = form.indexOf("&", start);
    if (end === -1) end = form.length;
    if (end > start) {
      const eq = form.indexOf("=", start);
      if (eq === -1 || eq > end) params.set(form.slice(start, end), "");
      else params.set(form.slice(start, eq), form.slice(eq + 1, end));
    }
    start = end + 1;
  }
}

export function parseQueryInput(model: ServiceModel, inputShape: Shape | undefined, params: Map<string, string>, ec2: boolean): Record<string, unknown> {
  if (!inputShape) return {};
  const parser = new QueryInputParser(model, params, ec2);
  const input = parser.parseStructure(inputShape, "");
  if (parser.unrecognized) {
    // AWS names the segment it does not know ("The parameter Item is not recognized" for `Tag.Item.1.Key`).
    const { segment, key } = parser.unrecognized;
    throw new ServiceError("UnknownParameter", `The parameter ${segment || key} is not recognized`);
  }
  return input;
}

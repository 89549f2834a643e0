import type { MemberRef, ServiceModel, Shape, TimestampFormat } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { formatScalar } from "./scalars.js";
import { ChunkedBody } from "./wire.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;" };

/** Escapes text for an XML element or attribute; `"` and `\r` as entities, as SQS's query answers do. */
export function escapeXml(text: string): string {
  return /[&<>"\r]/.test(text) ? text.replace(/[&<>"\r]/g, (c) => ESCAPES[c]!) : text;
}

/**
 * Where a value is written, resolved once per member (not per value): a listing of a thousand
 * instances would otherwise look each list's item shape up in the model's thousands of shapes,
 * and rebuild each element's tags, for every instance.
 */
interface Slot {
  ref: MemberRef;
  target: Shape;
  element: string;
  timestampFormat: TimestampFormat;
  /** `<element>` and `</element>`, made once: most members are scalars written as open + text + close. */
  open: string;
  close: string;
  /** For a list, how each of its items is written; for a map, each of its values. Resolved on first use. */
  item: Slot | undefined;
}

/** One member of a structure as the writer needs it, resolved once per shape (not per value). */
interface PlannedMember extends Slot {
  name: string;
  /** How a scalar member is written; "other" goes through writeMember(). */
  kind: "string" | "plain" | "other";
}

interface StructurePlan {
  members: PlannedMember[];
  /** Whether the element carries attributes (a namespace or xmlAttribute members). */
  attributes: boolean;
  /** members() for this shape as straight-line code, made on the shape's first use. */
  write?: CompiledMembers;
  /** The shape's varying members, if declared. */
  varying: ReadonlySet<string> | undefined;
}

type CompiledMembers = (writer: XmlWriter, value: Record<string, unknown>, plan: PlannedMember[], escape: (text: string) => string) => void;

/**
 * members() unrolled for one shape: each member read by its literal name and its tags inlined as
 * literals. One loop over every shape's members reads each value by a computed key (a megamorphic
 * lookup per member) and re-reads the member's plan; a function per shape reads `value.InstanceId`
 * at a site that only ever sees instances. The generated text holds only JSON-quoted literals from
 * the service model, never request data.
 *
 * A shape with varying members (a model patch names them) is written in runs: the members between
 * two varying ones are compared (===) with the values of the run's last write and, when all are
 * the same, their text is appended as one piece. A run's text is kept only when each of its values
 * is reusable (isReusable), so the same values always stand for the same text.
 */
function compileMembers(members: PlannedMember[], varying: ReadonlySet<string> | undefined): CompiledMembers {
  const lines = ["let v;"];
  const runs: Run[] = [];
  const single = (m: PlannedMember, i: number) => {
    const read = `v = value[${JSON.stringify(m.name)}]; if (v !== undefined && v !== null) `;
    const open = JSON.stringify(m.open);
    const close = JSON.stringify(m.close);
    if (m.kind === "string") lines.push(`${read}writer.out += ${open} + escape(typeof v === "string" ? v : String(v)) + ${close};`);
    else if (m.kind === "plain") lines.push(`${read}writer.out += ${open} + String(v) + ${close};`);
    else lines.push(`${read}writer.writeMember(plan[${i}], v);`);
  };
  for (let i = 0; i < members.length; ) {
    if (!varying || varying.has(members[i]!.name)) {
      single(members[i]!, i);
      i++;
      continue;
    }
    let end = i;
    while (end < members.length && !varying.has(members[end]!.name)) end++;
    const k = runs.length;
    runs.push({ from: i, values: [], text: undefined });
    const names = members.slice(i, end).map((m, j) => `a${j} = value[${JSON.stringify(m.name)}]`);
    const same = members.slice(i, end).map((_, j) => `a${j} === r.values[${j}]`);
    const all = members.slice(i, end).map((_, j) => `a${j}`);
    lines.push(`{ const r = runs[${k}], ${names.join(", ")};`);
    lines.push(`if (r.text !== undefined && ${same.join(" && ")}) writer.out += r.text; else writer.writeRun(r, plan, [${all.join(", ")}]); }`);
    i = end;
  }
  const make = new Function("runs", `return (writer, value, plan, escape) => {\n${lines.join("\n")}\n};`);
  return make(runs) as CompiledMembers;
}

/** A run of members between two varying ones, and the text of its last write when it may be reused. */
interface Run {
  from: number;
  values: unknown[];
  text: string | undefined;
}

/**
 * Whether a value always writes as the same text: a scalar, a frozen structure (immutable all the
 * way down by the same contract as the frozen-XML cache), or a frozen list of such values. A frozen
 * list of changeable items, a Date (freezing does not stop setTime) or a typed array is not.
 */
function isReusable(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== "object") return typeof v !== "function";
  if (!Object.isFrozen(v) || v instanceof Date || ArrayBuffer.isView(v)) return false;
  return !Array.isArray(v) || v.every(isReusable);
}

/** A run's text is cached only while it is small: runs are an answer's constant bits, not its bulk. */
const RUN_TEXT_LIMIT = 2048;

const plans = new WeakMap<Shape, StructurePlan>();

/**
 * XML of frozen structure values, by identity. A frozen value is immutable by contract, so a
 * provider that hands out the same frozen object for an unchanged resource (an instance between
 * state changes) has it serialized once, however many Describe calls list it.
 */
const frozenXml = new WeakMap<object, CachedXml>();

/**
 * A cached serialization is kept in one form only: a small one as text (appended to the answer
 * being written), a large one as its encoded bytes (sent as a chunk of its own). Keeping the text
 * of a large one too held every listed instance's XML twice, once of it in the V8 heap that each
 * full garbage collection walks.
 */
type CachedXml = { element: string; shape: Shape; text: string; bytes?: undefined } | { element: string; shape: Shape; text?: undefined; bytes: Buffer };

/** Cached XML up to this many characters is appended as text rather than sent as a chunk. */
const SMALL_CACHED_XML = 512;

/** Writes typed values as XML elements, driven by the shape (query, ec2 and rest-xml outputs). */
export class XmlWriter {
  /** The text being written; public only for the members() code compiled per shape. */
  out = "";
  /** Text written so far, as encoded pieces: cached XML goes out as its bytes, never re-encoded. */
  private readonly chunks: Buffer[] = [];
  private capturing = 0;
  /** Raw text appended as is (declarations, wrapper elements). */
  readonly parts = { push: (...texts: string[]): number => { for (const t of texts) this.out += t; return 0; } };

  constructor(private readonly model: ServiceModel) {}

  // Large outputs (DescribeInstances over a thousand instances) write hundreds of thousands of
  // elements: member lists are resolved once per shape and text is appended to one string.
  private plan(shape: Shape): StructurePlan {
    let plan = plans.get(shape);
    if (!plan) {
      const members: PlannedMember[] = [];
      let attributes = !!shape.xmlNamespace;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.xmlAttribute) attributes = true;
        if (ref.location || ref.xmlAttribute) continue;
        const slot = this.slot(ref, ref.locationName ?? name);
        const target = slot.target;
        const kind = ref.xmlText ? "other" : target.type === "string" ? "string" : target.type === "boolean" || target.type === "integer" || target.type === "long" ? "plain" : "other";
        members.push({ ...slot, name, kind });
      }
      plan = { members, attributes, varying: shape.varyingMembers ? new Set(shape.varyingMembers) : undefined };
      plans.set(shape, plan);
    }
    return plan;
  }

  /** Writes the members of a structure (not its own element). Members bound to HTTP are skipped. */
  members(shape: Shape, value: Record<string, unknown>): void {
    this.writeMembers(this.plan(shape), value);
  }

  private writeMembers(plan: StructurePlan, value: Record<string, unknown>): void {
    (plan.write ??= compileMembers(plan.members, plan.varying))(this, value, plan.members, escapeXml);
  }

  /**
   * Writes a run of members whose values differ from its cached ones, and caches them when it may.
   * Public only for the members() code compiled per shape.
   */
  writeRun(run: Run, plan: PlannedMember[], values: unknown[]): void {
    const text = this.capture(() => {
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        if (v !== undefined && v !== null) this.writeMember(plan[run.from + j]!, v);
      }
    });
    this.out += text;
    if (text.length <= RUN_TEXT_LIMIT && values.every(isReusable)) {
      run.values = values;
      run.text = text;
    }
  }

  /**
   * What `write` appends, as a string of its own (to be cached): written into a fresh string so
   * that caching it never flattens the whole output, with large cached pieces inside decoded
   * rather than sent as chunks apart.
   */
  private capture(write: () => void): string {
    const outer = this.out;
    this.out = "";
    this.capturing++;
    try {
      write();
    } finally {
      this.capturing--;
    }
    const text = this.out;
    this.out = outer;
    return text;
  }

  /** A member of any kind: the compiled members() write plain scalars inline and the rest (text content, timestamps, blobs, structures, lists, maps) here. */
  writeMember(m: PlannedMember, v: unknown): void {
    if (m.ref.xmlText) {
      this.out += escapeXml(formatScalar(m.target, v, m.timestampFormat));
      return;
    }
    this.write(m, v);
  }

  private slot(ref: MemberRef, element: string): Slot {
    const target = shapeOf(this.model, ref);
    return { ref, target, element, timestampFormat: ref.timestampFormat ?? target.timestampFormat ?? "iso8601", open: `<${element}>`, close: `</${element}>`, item: undefined };
  }

  private itemSlot(list: Slot): Slot {
    const memberRef = list.target.member!;
    const flat = list.target.flattened || list.ref.flattened;
    return this.slot(memberRef, flat ? (memberRef.locationName ?? list.element) : (memberRef.locationName ?? "member"));
  }

  private write(slot: Slot, value: unknown): void {
    const shape = slot.target;
    switch (shape.type) {
      case "structure": {
        // A value made for this answer is extensible: one flag says so. Only frozen values are
        // cached, and they are looked up before Object.isFrozen, which checks every property of
        // a frozen object (fifty for an instance in a listing).
        if (Object.isExtensible(value)) {
          this.writeStructure(slot, value as Record<string, unknown>);
          return;
        }
        const cached = frozenXml.get(value as object);
        if (cached && cached.element === slot.element && cached.shape === shape) {
          this.emit(cached);
          return;
        }
        if (Object.isFrozen(value)) {
          const xml = this.capture(() => this.writeStructure(slot, value as Record<string, unknown>));
          const entry: CachedXml = xml.length <= SMALL_CACHED_XML ? { element: slot.element, shape, text: xml } : { element: slot.element, shape, bytes: Buffer.from(xml, "utf8") };
          frozenXml.set(value as object, entry);
          // Inside another capture the text just written is still at hand: no need to decode it.
          if (this.capturing > 0) this.out += xml;
          else this.emit(entry);
          return;
        }
        this.writeStructure(slot, value as Record<string, unknown>);
        return;
      }
      case "list": {
        const item = (slot.item ??= this.itemSlot(slot));
        const flat = shape.flattened || slot.ref.flattened;
        if (!flat) this.out += slot.open;
        for (const each of value as Iterable<unknown>) this.write(item, each);
        if (!flat) this.out += slot.close;
        return;
      }
      case "map": {
        const keyName = shape.key?.locationName ?? "key";
        const valueName = shape.value?.locationName ?? "value";
        const flat = shape.flattened || slot.ref.flattened;
        if (!flat) this.out += slot.open;
        const valueSlot = (slot.item ??= this.slot(shape.value!, valueName));
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          this.out += `${flat ? slot.open : "<entry>"}<${keyName}>${escapeXml(k)}</${keyName}>`;
          this.write(valueSlot, v);
          this.out += flat ? slot.close : "</entry>";
        }
        if (!flat) this.out += slot.close;
        return;
      }
      case "string":
        this.out += slot.open + escapeXml(typeof value === "string" ? value : String(value)) + slot.close;
        return;
      case "boolean":
      case "integer":
      case "long":
        this.out += slot.open + String(value) + slot.close;
        return;
      default:
        this.out += slot.open + escapeXml(formatScalar(shape, value, slot.timestampFormat)) + slot.close;
    }
  }

  private emit(entry: CachedXml): void {
    // A small piece (an answer's constant parts: options, states) is cheaper as text than as a
    // chunk of its own; a large one (an instance in a listing) goes out as its bytes, and is only
    // decoded again when a frozen value around it (a listed reservation) is being cached.
    if (entry.text !== undefined) {
      this.out += entry.text;
      return;
    }
    if (this.capturing > 0) {
      this.out += entry.bytes.toString("utf8");
      return;
    }
    if (this.out) this.chunks.push(Buffer.from(this.out, "utf8"));
    this.out = "";
    this.chunks.push(entry.bytes);
  }

  private writeStructure(slot: Slot, value: Record<string, unknown>): void {
    const shape = slot.target;
    const plan = this.plan(shape);
    this.out += plan.attributes ? `<${slot.element}${this.attributes(shape, value)}>` : slot.open;
    this.writeMembers(plan, value);
    this.out += slot.close;
  }

  private attributes(shape: Shape, value: Record<string, unknown>): string {
    let out = "";
    if (shape.xmlNamespace) out += ` xmlns${shape.xmlNamespace.prefix ? `:${shape.xmlNamespace.prefix}` : ""}="${shape.xmlNamespace.uri}"`;
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (!ref.xmlAttribute || value[name] === undefined) continue;
      out += ` ${ref.locationName ?? name}="${escapeXml(String(value[name]))}"`;
    }
    return out;
  }

  toString(): string {
    return this.chunks.length ? Buffer.concat([...this.chunks, Buffer.from(this.out, "utf8")]).toString("utf8") : this.out;
  }

  /** The document as a wire body: the string, or its pieces when cached ones were reused. */
  toBody(): string | ChunkedBody {
    if (!this.chunks.length) return this.out;
    if (this.out) this.chunks.push(Buffer.from(this.out, "utf8"));
    this.out = "";
    let length = 0;
    for (const chunk of this.chunks) length += chunk.length;
    return new ChunkedBody(this.chunks, length);
  }
}

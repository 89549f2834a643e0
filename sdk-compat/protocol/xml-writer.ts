import type { MemberRef, ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { formatScalar } from "./scalars.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;" };

/** Escapes text for an XML element or attribute; `"` and `\r` as entities, as SQS's query answers do. */
export function escapeXml(text: string): string {
  return /[&<>"\r]/.test(text) ? text.replace(/[&<>"\r]/g, (c) => ESCAPES[c]!) : text;
}

interface MemberLayout {
  name: string;
  ref: MemberRef;
  element: string;
}

/** A structure's body members and attributes, worked out once per shape: listings write thousands of structures. */
interface StructureLayout {
  elements: MemberLayout[];
  attributes: MemberLayout[];
  namespace: string;
}

const layouts = new WeakMap<Shape, StructureLayout>();

function layoutOf(shape: Shape): StructureLayout {
  let layout = layouts.get(shape);
  if (!layout) {
    const all = Object.entries(shape.members ?? {}).map(([name, ref]) => ({ name, ref, element: ref.locationName ?? name }));
    const ns = shape.xmlNamespace;
    layout = {
      elements: all.filter((m) => !m.ref.location && !m.ref.xmlAttribute),
      attributes: all.filter((m) => m.ref.xmlAttribute),
      namespace: ns ? ` xmlns${ns.prefix ? `:${ns.prefix}` : ""}="${ns.uri}"` : "",
    };
    layouts.set(shape, layout);
  }
  return layout;
}

/** Writes typed values as XML elements, driven by the shape (query, ec2 and rest-xml outputs). */
export class XmlWriter {
  readonly parts: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  /** Writes the members of a structure (not its own element). Members bound to HTTP are skipped. */
  members(shape: Shape, value: Record<string, unknown>): void {
    for (const m of layoutOf(shape).elements) {
      const v = value[m.name];
      if (v === undefined || v === null) continue;
      if (m.ref.xmlText) {
        const target = shapeOf(this.model, m.ref);
        this.parts.push(escapeXml(formatScalar(target, v, m.ref.timestampFormat ?? target.timestampFormat ?? "iso8601")));
        continue;
      }
      this.member(m.ref, m.element, v);
    }
  }

  member(ref: MemberRef, element: string, value: unknown): void {
    const shape = shapeOf(this.model, ref);
    switch (shape.type) {
      case "structure":
        this.parts.push(`<${element}${this.attributes(shape, value as Record<string, unknown>)}>`);
        this.members(shape, value as Record<string, unknown>);
        this.parts.push(`</${element}>`);
        return;
      case "list": {
        const items = value as unknown[];
        const memberRef = shape.member!;
        if (shape.flattened || ref.flattened) {
          const itemName = memberRef.locationName ?? element;
          for (const item of items) this.member(memberRef, itemName, item);
        } else {
          const itemName = memberRef.locationName ?? "member";
          this.parts.push(`<${element}>`);
          for (const item of items) this.member(memberRef, itemName, item);
          this.parts.push(`</${element}>`);
        }
        return;
      }
      case "map": {
        const keyName = shape.key?.locationName ?? "key";
        const valueName = shape.value?.locationName ?? "value";
        const flat = shape.flattened || ref.flattened;
        if (!flat) this.parts.push(`<${element}>`);
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          this.parts.push(flat ? `<${element}>` : "<entry>", `<${keyName}>${escapeXml(k)}</${keyName}>`);
          this.member(shape.value!, valueName, v);
          this.parts.push(flat ? `</${element}>` : "</entry>");
        }
        if (!flat) this.parts.push(`</${element}>`);
        return;
      }
      case "string":
        this.parts.push(`<${element}>${escapeXml(String(value))}</${element}>`);
        return;
      case "integer":
      case "long":
      case "boolean":
        // Numbers and booleans never need escaping.
        this.parts.push(`<${element}>${String(value)}</${element}>`);
        return;
      default:
        this.parts.push(`<${element}>${escapeXml(formatScalar(shape, value, ref.timestampFormat ?? shape.timestampFormat ?? "iso8601"))}</${element}>`);
    }
  }

  private attributes(shape: Shape, value: Record<string, unknown>): string {
    const layout = layoutOf(shape);
    let out = layout.namespace;
    for (const a of layout.attributes) {
      if (value[a.name] === undefined) continue;
      out += ` ${a.element}="${escapeXml(String(value[a.name]))}"`;
    }
    return out;
  }

  toString(): string {
    return this.parts.join("");
  }
}

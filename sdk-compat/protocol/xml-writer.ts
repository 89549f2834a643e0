import type { MemberRef, ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { formatScalar } from "./scalars.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;" };

/** Escapes text for an XML element or attribute; `"` and `\r` as entities, as SQS's query answers do. */
export function escapeXml(text: string): string {
  return /[&<>"\r]/.test(text) ? text.replace(/[&<>"\r]/g, (c) => ESCAPES[c]!) : text;
}

/** Writes typed values as XML elements, driven by the shape (query, ec2 and rest-xml outputs). */
export class XmlWriter {
  readonly parts: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  /** Writes the members of a structure (not its own element). Members bound to HTTP are skipped. */
  members(shape: Shape, value: Record<string, unknown>): void {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location || ref.xmlAttribute) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      if (ref.xmlText) {
        const target = shapeOf(this.model, ref);
        this.parts.push(escapeXml(formatScalar(target, v, ref.timestampFormat ?? target.timestampFormat ?? "iso8601")));
        continue;
      }
      this.member(ref, ref.locationName ?? name, v);
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
      default:
        this.parts.push(`<${element}>${escapeXml(formatScalar(shape, value, ref.timestampFormat ?? shape.timestampFormat ?? "iso8601"))}</${element}>`);
    }
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
    return this.parts.join("");
  }
}

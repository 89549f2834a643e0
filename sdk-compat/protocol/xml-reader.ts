import { createRequire } from "node:module";
import type { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ServiceModel, Shape } from "../model/service-model.js";
import { shapeOf } from "../model/service-model.js";
import { parseScalar } from "./scalars.js";

type XmlNode = Record<string, unknown[]> | string;

interface XmlLibrary {
  parser: XMLParser;
  validator: typeof XMLValidator;
}

let library: XmlLibrary | undefined;

/**
 * fast-xml-parser is loaded when the first XML body arrives, from its one-file CommonJS build: its ES
 * module build is dozens of files, 20 ms of every start-up (measured), for a parser most requests never use.
 */
function xmlLibrary(): XmlLibrary {
  if (library) return library;
  const fxp = createRequire(import.meta.url)("fast-xml-parser") as typeof import("fast-xml-parser");
  const parser = new fxp.XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    isArray: () => true,
    processEntities: true,
  });
  return (library = { parser, validator: fxp.XMLValidator });
}

export class MalformedXmlError extends Error {}

/** Parses an XML document into its root element name and a node tree of arrays, or throws MalformedXmlError. */
export function readXmlDocument(text: string): { root: string; node: XmlNode } {
  const { parser, validator } = xmlLibrary();
  if (validator.validate(text) !== true) throw new MalformedXmlError("The XML you provided was not well-formed or did not validate against our published schema.");
  const doc = parser.parse(text) as Record<string, unknown[]>;
  const root = Object.keys(doc).find((k) => !k.startsWith("?"));
  if (!root) throw new MalformedXmlError("The XML you provided was not well-formed or did not validate against our published schema.");
  return { root, node: doc[root]![0] as XmlNode };
}

const text = (node: unknown): string => (typeof node === "string" ? node : node && typeof node === "object" && "#text" in node ? String((node as Record<string, unknown>)["#text"]) : "");

/** Converts an XML node into a typed value, driven by the shape (rest-xml request bodies). */
export function fromXml(model: ServiceModel, shape: Shape, node: unknown, name = ""): unknown {
  switch (shape.type) {
    case "structure": {
      const out: Record<string, unknown> = {};
      if (typeof node !== "object" || node === null) return out;
      const children = node as Record<string, unknown[]>;
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue;
        const element = ref.locationName ?? member;
        const target = shapeOf(model, ref);
        const found = children[element];
        if (!found) continue;
        if (target.type === "list" && (target.flattened || ref.flattened)) {
          out[member] = found.map((item) => fromXml(model, shapeOf(model, target.member!), item, member));
        } else {
          out[member] = fromXml(model, target, found[0], member);
        }
      }
      return out;
    }
    case "list": {
      if (typeof node !== "object" || node === null) return [];
      const itemName = shape.member?.locationName ?? "member";
      const items = (node as Record<string, unknown[]>)[itemName] ?? [];
      return items.map((item) => fromXml(model, shapeOf(model, shape.member!), item, name));
    }
    case "map": {
      const out: Record<string, unknown> = {};
      const entries = typeof node === "object" && node ? ((node as Record<string, unknown[]>)["entry"] ?? []) : [];
      const keyName = shape.key?.locationName ?? "key";
      const valueName = shape.value?.locationName ?? "value";
      for (const entry of entries as Record<string, unknown[]>[]) out[text(entry[keyName]?.[0])] = fromXml(model, shapeOf(model, shape.value!), entry[valueName]?.[0], name);
      return out;
    }
    default:
      return parseScalar(shape, text(node), name);
  }
}

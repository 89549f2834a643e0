import * as crypto from "node:crypto";

/** A message attribute as stored: data type, and a string or binary value. */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

// crypto.hash (Node 20.12 and later) digests in one call, about a third of createHash's cost for a
// message-sized input; every send computes at least one.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: "hex") => string }).hash;

/** Hex digest of a string (as UTF-8) or bytes. */
export function digestHex(algorithm: "md5" | "sha256", data: string | Buffer): string {
  return oneShot ? oneShot(algorithm, data, "hex") : crypto.createHash(algorithm).update(data).digest("hex");
}

export function md5Hex(text: string): string {
  return digestHex("md5", text);
}

function lengthPrefixed(bytes: Buffer): Buffer[] {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  return [length, bytes];
}

/**
 * MD5OfMessageAttributes as the SDKs recompute it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value. Length prefixes are 4-byte big-endian.
 */
export function md5OfAttributes(attributes: Record<string, StoredAttribute>): string {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    parts.push(...lengthPrefixed(Buffer.from(name, "utf8")), ...lengthPrefixed(Buffer.from(attribute.DataType, "utf8")));
    if (attribute.BinaryValue !== undefined && attribute.StringValue === undefined) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(Buffer.from(attribute.BinaryValue)));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(attribute.StringValue ?? "", "utf8")));
    }
  }
  return digestHex("md5", Buffer.concat(parts));
}

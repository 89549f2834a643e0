import { isIP } from "node:net";

/** An IPv4 or IPv6 address as one big integer and its width in bits; undefined when it is not an address. */
function addressBits(text: string): { value: bigint; width: number } | undefined {
  const kind = isIP(text);
  if (kind === 4) {
    const value = text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { value, width: 32 };
  }
  if (kind === 6) {
    let groups: string[];
    let address = text;
    let embeddedV4: bigint | undefined;
    const lastColon = address.lastIndexOf(":");
    if (address.slice(lastColon + 1).includes(".")) {
      embeddedV4 = addressBits(address.slice(lastColon + 1))?.value;
      address = `${address.slice(0, lastColon + 1)}0:0`;
    }
    const [head, tail] = address.split("::");
    if (tail === undefined) groups = head!.split(":");
    else {
      const headGroups = head ? head.split(":") : [];
      const tailGroups = tail ? tail.split(":") : [];
      groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
    }
    let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
    if (embeddedV4 !== undefined) value = (value & ~0xffffffffn) | embeddedV4;
    return { value, width: 128 };
  }
  return undefined;
}

function parseCidr(cidr: string): { value: bigint; width: number; prefix: number } | undefined {
  const [address, prefixText, extra] = cidr.trim().split("/");
  if (extra !== undefined || address === undefined) return undefined;
  const bits = addressBits(address);
  if (!bits) return undefined;
  if (prefixText === undefined) return { ...bits, prefix: bits.width };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix > bits.width ? undefined : { ...bits, prefix };
}

/** Whether the text is an address or an address block (`203.0.113.0/24`, `2001:db8::/32`). */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/** Whether the address lies in the block; false for anything that is not an address, or a block of the other family. */
export function ipInCidr(address: string, cidr: string): boolean {
  const ip = addressBits(address.trim());
  const block = parseCidr(cidr);
  if (!ip || !block || ip.width !== block.width) return false;
  const shift = BigInt(block.width - block.prefix);
  return ip.value >> shift === block.value >> shift;
}

import { randomInt } from "node:crypto";
import { randomHex } from "../../storage/state/ids.js";
import { memoized } from "../../storage/state/bounded-memo.js";

export const ipToInt = (ip: string): number => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
// A template, not [..].join("."): every launch makes one or two of these, and join converts each number through the runtime.
export const intToIp = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, len] = cidr.split("/");
  const prefix = Number(len);
  const size = 2 ** (32 - prefix);
  return { base: ipToInt(ip!) - (ipToInt(ip!) % size), prefix, size };
}

/** The first four and the last address of every subnet are AWS's (network, router, DNS, future, broadcast). */
export const RESERVED_PER_SUBNET = 5;

export function usableAddressCount(cidr: string): number {
  return parseCidr(cidr).size - RESERVED_PER_SUBNET;
}

export function isUsableAddress(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base + 4 && ip <= cidr.base + cidr.size - 2;
}

/** Subnet blocks as parsed, by their text: a launch allocates from one of a handful of subnets. */
const parsedCidrs = new Map<string, Cidr>();

const cachedCidr = (cidrText: string): Cidr => memoized(parsedCidrs, cidrText, 4096, parseCidr);

/**
 * Picks a free private address: a few random probes (cheap point lookups while the subnet is
 * sparse, and addresses look like AWS's), then a scan of the used set when the subnet fills up.
 */
export function allocatePrivateIp(cidrText: string, isUsed: (ip: string) => boolean, used: () => Iterable<string>, taken: Set<string>): string | undefined {
  const cidr = cachedCidr(cidrText);
  const first = cidr.base + 4;
  const count = cidr.size - RESERVED_PER_SUBNET;
  for (let i = 0; i < 8; i++) {
    const ip = intToIp(first + randomInt(count));
    if (!taken.has(ip) && !isUsed(ip)) return ip;
  }
  const all = new Set<string>(used());
  for (const t of taken) all.add(t);
  for (let n = first; n < first + count; n++) {
    const ip = intToIp(n);
    if (!all.has(ip)) return ip;
  }
  return undefined;
}

/** Public addresses come from ranges AWS uses for EC2 (3.80.0.0/12, 54.144.0.0/12, 34.192.0.0/12). */
const PUBLIC_POOLS = [ipToInt("3.80.0.0"), ipToInt("54.144.0.0"), ipToInt("34.192.0.0")];

export function randomPublicIp(): string {
  const base = PUBLIC_POOLS[randomInt(PUBLIC_POOLS.length)]!;
  // Skip .0 and .255 so the addresses look like hosts.
  let n = base + randomInt(1 << 20);
  if ((n & 255) === 0 || (n & 255) === 255) n ^= 1;
  return intToIp(n);
}

export function privateDnsName(ip: string, region: string): string {
  return `ip-${ip.replaceAll(".", "-")}.${region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`}`;
}

export function publicDnsName(ip: string, region: string): string {
  return `ec2-${ip.replaceAll(".", "-")}.${region === "us-east-1" ? "compute-1.amazonaws.com" : `${region}.compute.amazonaws.com`}`;
}

/** A locally administered unicast MAC, as EC2's ENIs have (`0e:` and five random octets). */
export function macAddress(): string {
  const hex = randomHex(5);
  return `0e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}`;
}

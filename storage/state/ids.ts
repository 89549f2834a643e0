import { randomFillSync, randomUUID } from "node:crypto";

// One call into the CSPRNG per 4 KiB of ids instead of one per id: launches mint several ids each.
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** AWS-style resource ids: a prefix and 17 lower-case hex digits (`i-`, `vol-`, `snap-`, `sg-`, `r-`, …). */
export function resourceId(prefix: string, hexDigits = 17): string {
  return `${prefix}-${randomHex(Math.ceil(hexDigits / 2)).slice(0, hexDigits)}`;
}

export function uuid(): string {
  return randomUUID();
}

import { randomBytes, randomUUID } from "node:crypto";

/** AWS-style resource ids: a prefix and 17 lower-case hex digits (`i-`, `vol-`, `snap-`, `sg-`, `r-`, …). */
export function resourceId(prefix: string, hexDigits = 17): string {
  return `${prefix}-${randomBytes(Math.ceil(hexDigits / 2)).toString("hex").slice(0, hexDigits)}`;
}

export function uuid(): string {
  return randomUUID();
}

import { randomBytes } from "node:crypto";

// IAM's unique ids and key ids: a four-letter prefix naming the kind (AIDA user, AROA role, AGPA
// group, ANPA policy, AIPA instance profile, AKIA access key, ASIA session key) and upper-case
// base-32 characters, as AWS prints them.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 31];
  return out;
}

export type IdPrefix = "AIDA" | "AROA" | "AGPA" | "ANPA" | "AIPA" | "APKA";

/** A user, role, group, policy or instance profile id: 21 characters. */
export function uniqueId(prefix: IdPrefix): string {
  return prefix + base32(17);
}

/** An access key id: 20 characters, AKIA for IAM users' long-term keys, ASIA for STS sessions. */
export function accessKeyId(prefix: "AKIA" | "ASIA"): string {
  return prefix + base32(16);
}

/** A 40-character secret access key. */
export function secretAccessKey(): string {
  return randomBytes(30).toString("base64").replace(/\+/g, "/").slice(0, 40);
}

/** A session token: opaque to clients; cloudbox only compares it. Shaped like AWS's (base64, a few hundred characters). */
export function sessionToken(): string {
  return "IQoJb3JpZ2luX2VjE" + randomBytes(192).toString("base64");
}

import { StsErrors } from "./errors.js";

export interface WebTokenClaims {
  iss: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  amr?: string[];
}

/** The claims of an OIDC ID token (a JWT), read without verifying its signature. */
export function parseJwt(token: string): WebTokenClaims {
  const parts = token.split(".");
  let claims: unknown;
  try {
    if (parts.length !== 3) throw new Error("not three parts");
    JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    throw StsErrors.invalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
  }
  if (!claims || typeof claims !== "object" || typeof (claims as { iss?: unknown }).iss !== "string") {
    throw StsErrors.invalidIdentityToken("The ID Token provided has no issuer (iss) claim.");
  }
  return claims as WebTokenClaims;
}

import { StsErrors } from "./errors.js";

// Encoded authorization failure messages: what a denied request hands out (EC2's
// UnauthorizedOperation) for DecodeAuthorizationMessage to explain. cloudbox's encoding is
// base64url JSON behind a marker, opaque to clients as AWS's is.
const MARKER = "cbx1.";

export interface AuthorizationContext {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements?: unknown;
  failures?: unknown;
  context: { principal: { id?: string; arn: string }; action: string; resource: string; conditions?: unknown };
}

export function encodeAuthorizationMessage(message: AuthorizationContext): string {
  return MARKER + Buffer.from(JSON.stringify(message)).toString("base64url");
}

export function decodeAuthorizationMessage(encoded: string): string {
  if (encoded.startsWith(MARKER)) {
    try {
      const text = Buffer.from(encoded.slice(MARKER.length), "base64url").toString("utf8");
      JSON.parse(text);
      return text;
    } catch {
      // falls through to the error below
    }
  }
  throw StsErrors.invalidAuthorizationMessage("Message is not valid");
}

import { S3Errors } from "./s3-errors.js";

/** Parses x-amz-copy-source: `bucket/key` or `/bucket/key`, percent-encoded, optionally `?versionId=`. */
export function parseCopySource(header: string): { bucket: string; key: string; versionId?: string } {
  let text = header;
  let versionId: string | undefined;
  const q = text.indexOf("?");
  if (q !== -1) {
    versionId = new URLSearchParams(text.slice(q + 1)).get("versionId") ?? undefined;
    text = text.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw S3Errors.invalidArgument("Invalid copy source encoding", "x-amz-copy-source", header);
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) throw S3Errors.invalidArgument("Invalid copy source object key", "x-amz-copy-source", header);
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

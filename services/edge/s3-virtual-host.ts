const VIRTUAL_HOST = /^(.+?)\.(?:s3(?:[.-][a-z0-9-]+)?\.)?(?:localhost|localhost\.localstack\.cloud|127\.0\.0\.1\.nip\.io)(?::\d+)?$/i;

/**
 * Virtual-host style S3 (`bucket.localhost:4566`, `bucket.s3.localhost`, `bucket.s3.us-east-1.localhost`)
 * becomes the path-style path the router matches: `/bucket/key`.
 */
export function s3VirtualHostPath(host: string | undefined, path: string): string {
  if (!host) return path;
  const m = VIRTUAL_HOST.exec(host);
  if (!m) return path;
  const bucket = m[1]!;
  if (bucket === "s3" || /^s3[.-]/.test(bucket)) return path;
  return `/${bucket}${path === "/" ? "" : path}`;
}

/**
 * Finds account, region and name in a QueueUrl of any host: `http(s)://host[:port]/account/name`
 * (what cloudbox hands out, real AWS URLs, LocalStack-style hosts). The region is taken from an
 * `sqs.<region>.` host when there is one, else the caller's region.
 */
export function parseQueueUrl(url: string, account: string, region: string): { account: string; region: string; name: string } | undefined {
  if (!url.includes("/")) return url ? { account, region, name: url } : undefined;
  let path = url;
  let host = "";
  const scheme = url.indexOf("://");
  if (scheme !== -1) {
    const slash = url.indexOf("/", scheme + 3);
    host = url.slice(scheme + 3, slash === -1 ? undefined : slash);
    path = slash === -1 ? "" : url.slice(slash);
  }
  const query = path.indexOf("?");
  if (query !== -1) path = path.slice(0, query);
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.length < 2) return undefined;
  const hostRegion = /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(host)?.[1] ?? /^([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\./.exec(host)?.[1];
  return { account: decodeURIComponent(segments[segments.length - 2]!), region: hostRegion ?? region, name: decodeURIComponent(segments[segments.length - 1]!) };
}

/**
 * The policy language's wildcards: `*` matches any run of characters (none included), `?` exactly one.
 * Matched by the classic two-pointer walk with one backtrack point, so a pattern of many stars stays linear
 * in practice and no pattern text ever becomes a regular expression.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let starMatchedTo = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      starAt = pi++;
      starMatchedTo = vi;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++starMatchedTo;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** An ARN's six parts: `arn`, partition, service, region, account, resource (which keeps its own colons). */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * ARN matching as IAM does it for Resource elements and the Arn condition operators: each of the six
 * colon-separated parts is matched on its own, so `*` in the region part never swallows the account.
 * A value or pattern that is not an ARN is matched as a whole string.
 */
export function arnMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const patternParts = arnParts(pattern);
  const valueParts = arnParts(value);
  if (!patternParts || !valueParts) return wildcardMatch(pattern, value);
  return patternParts.every((part, index) => wildcardMatch(part, valueParts[index]!));
}

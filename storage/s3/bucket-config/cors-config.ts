import type { CORSConfiguration, CORSRule } from "@aws-sdk/client-s3";
import { ConfigErrors } from "./config-errors.js";

const CORS_METHODS = new Set(["GET", "PUT", "HEAD", "POST", "DELETE"]);
const MAX_RULES = 100;

const wildcards = (text: string) => text.split("*").length - 1;

/** Checks a CORS configuration as PutBucketCors does; answers the rules to store. */
export function validateCors(config: CORSConfiguration | undefined): CORSRule[] {
  const rules = config?.CORSRules ?? [];
  if (rules.length === 0 || rules.length > MAX_RULES) throw ConfigErrors.malformedXml();
  for (const rule of rules) {
    if (!rule.AllowedMethods?.length || !rule.AllowedOrigins?.length) throw ConfigErrors.malformedXml();
    if (rule.ID !== undefined && rule.ID.length > 255) throw ConfigErrors.invalidArgument("ID length should not exceed allowed limit of 255", "ID", rule.ID);
    for (const method of rule.AllowedMethods) {
      if (!CORS_METHODS.has(method)) throw ConfigErrors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
    for (const origin of rule.AllowedOrigins) {
      if (wildcards(origin) > 1) throw ConfigErrors.invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const header of rule.AllowedHeaders ?? []) {
      if (wildcards(header) > 1) throw ConfigErrors.invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    for (const header of rule.ExposeHeaders ?? []) {
      if (header.includes("*")) throw ConfigErrors.invalidRequest(`ExposeHeader "${header}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    }
    if (rule.MaxAgeSeconds !== undefined && (!Number.isInteger(rule.MaxAgeSeconds) || rule.MaxAgeSeconds < 0)) throw ConfigErrors.malformedXml();
  }
  return rules;
}

/** `*` matches any run of characters (at most one in a stored pattern); matching is case-sensitive for origins. */
function patternMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf("*");
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/**
 * The first rule that allows a cross-origin request: its origin matches an AllowedOrigin, its method (the
 * preflight's Access-Control-Request-Method) is allowed, and every requested header matches an AllowedHeader.
 */
export function matchCorsRule(rules: CORSRule[], origin: string, method: string, requestHeaders: string[]): CORSRule | undefined {
  return rules.find((rule) =>
    rule.AllowedOrigins!.some((o) => patternMatches(o, origin, false)) &&
    rule.AllowedMethods!.includes(method) &&
    requestHeaders.every((h) => (rule.AllowedHeaders ?? []).some((a) => patternMatches(a, h, true))));
}

import type { Filter } from "@aws-sdk/client-ec2";
import { Ec2Errors } from "./errors.js";

/**
 * EC2's query conventions, for every EC2-API Describe (instances, instance types, volumes,
 * snapshots): filter values with wildcards, filters compiled against a table of field readers,
 * MaxResults and NextToken.
 */

/** A filter value as a predicate. */
export type ValueMatcher = (value: string) => boolean;

/**
 * EC2 filter value matching: `*` is any run of characters, `?` exactly one, `\` escapes the next character;
 * matching is case-sensitive and anchored at both ends (Using_Filtering: "Filter names and values are
 * case-sensitive"). Compiled once per value so a filter over many items costs one RegExp.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  if (!/[*?\\]/.test(pattern)) return (value) => value === pattern;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else source += escapeRegExp(c);
  }
  const re = new RegExp(`^${source}$`);
  return (value) => re.test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Any of the values (a filter's values are OR'ed). */
export function valueMatcher(values: string[]): ValueMatcher {
  const matchers = values.map(wildcardMatcher);
  return (s) => matchers.some((m) => m(s));
}

export const hasWildcard = (v: string): boolean => /[*?\\]/.test(v);

/** What a resource exposes to filters: a value (or several) per filter name, and its tags. */
export type FieldReader<T> = (item: T) => string | number | boolean | undefined | null | (string | number | boolean | undefined | null)[];

export interface CompiledFilter<T> {
  name: string;
  test: (item: T, tags: Map<string, string> | undefined) => boolean;
}

/**
 * Compiles request filters against a table of field readers: values OR'ed within a filter, filters
 * AND'ed, `tag:<key>` and `tag-key` on the resource's tags, unknown names refused as AWS does.
 */
export function compileFilters<T>(filters: Filter[] | undefined, fields: Record<string, FieldReader<T>>): CompiledFilter<T>[] {
  const out: CompiledFilter<T>[] = [];
  for (const f of filters ?? []) {
    const name = f.Name ?? "";
    const match = valueMatcher(f.Values ?? []);
    if (name.startsWith("tag:")) {
      const key = name.slice(4);
      out.push({ name, test: (_item, tags) => { const v = tags?.get(key); return v !== undefined && match(v); } });
    } else if (name === "tag-key") {
      out.push({ name, test: (_item, tags) => { if (!tags) return false; for (const k of tags.keys()) if (match(k)) return true; return false; } });
    } else if (name === "tag-value") {
      out.push({ name, test: (_item, tags) => { if (!tags) return false; for (const v of tags.values()) if (match(v)) return true; return false; } });
    } else {
      const read = fields[name];
      if (!read) throw Ec2Errors.invalidFilter(name);
      out.push({
        name,
        test: (item) => {
          const v = read(item);
          if (Array.isArray(v)) return v.some((x) => x !== undefined && x !== null && match(String(x)));
          return v !== undefined && v !== null && match(String(v));
        },
      });
    }
  }
  return out;
}

export function passes<T>(filters: CompiledFilter<T>[], item: T, tags: Map<string, string> | undefined): boolean {
  for (const f of filters) if (!f.test(item, tags)) return false;
  return true;
}

/** MaxResults rules shared by the Describe calls: below the minimum is an error, above the maximum is clamped. */
export function pageSize(maxResults: number | undefined, min: number, max: number, withIds: boolean, idsParam: string): number | undefined {
  if (maxResults === undefined) return undefined;
  if (withIds) throw Ec2Errors.combination(`The parameter ${idsParam} cannot be used with the parameter maxResults`);
  if (maxResults < min) throw Ec2Errors.invalidValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Parameter may not be less than ${min}`);
  return Math.min(maxResults, max);
}

/** Opaque continuation tokens: the position after which the next page starts. */
export function encodeToken(position: number | string): string {
  return Buffer.from(JSON.stringify({ p: position }), "utf8").toString("base64url");
}

export function decodeToken(token: string | undefined): number | string | undefined {
  if (token === undefined || token === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { p?: unknown };
    if (typeof parsed.p === "number" || typeof parsed.p === "string") return parsed.p;
  } catch {
    // fall through
  }
  throw Ec2Errors.badNextToken();
}

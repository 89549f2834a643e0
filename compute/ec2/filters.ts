import type { Filter } from "@aws-sdk/client-ec2";
import { Ec2Errors } from "./errors.js";

/** A filter value as a predicate: EC2 wildcards are `*` (any run) and `?` (one char), case-sensitive. */
export type ValueMatcher = (value: string) => boolean;

export function valueMatcher(values: string[]): ValueMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const v of values) {
    if (/[*?]/.test(v)) patterns.push(new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]")}$`));
    else exact.add(v);
  }
  if (patterns.length === 0) return (s) => exact.has(s);
  return (s) => exact.has(s) || patterns.some((p) => p.test(s));
}

export const hasWildcard = (v: string): boolean => /[*?]/.test(v);

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

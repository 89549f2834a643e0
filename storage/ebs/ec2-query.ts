import type { Filter, Tag, TagSpecification } from "@aws-sdk/client-ec2";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { memoized } from "../state/bounded-memo.js";
import { valueMatcher } from "../../compute/ec2/filters.js";

/**
 * EC2 list conventions shared by the EBS Describe* calls: filters (values OR'ed, filters AND'ed,
 * `*`/`?` wildcards, case-sensitive), `tag:<key>` and `tag-key`, MaxResults/NextToken paging and
 * TagSpecifications.
 */
export type FilterValues = (item: never) => (string | number | boolean | Date | undefined | null)[];

function asText(value: string | number | boolean | Date): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

export function tagFilterValues(tags: Tag[], name: string): string[] | undefined {
  if (name === "tag-key") return tags.map((t) => t.Key ?? "");
  if (name === "tag-value") return tags.map((t) => t.Value ?? "");
  if (name.startsWith("tag:")) {
    const key = name.slice(4);
    return tags.filter((t) => t.Key === key).map((t) => t.Value ?? "");
  }
  return undefined;
}

/** Returns a predicate for the filters, or throws InvalidParameterValue for a filter name it does not know. */
export function compileFilters<T>(filters: Filter[] | undefined, fields: Record<string, (item: T) => unknown[]>, tagsOf: (item: T) => Tag[]): (item: T) => boolean {
  const tests: ((item: T) => boolean)[] = [];
  for (const filter of filters ?? []) {
    const name = filter.Name ?? "";
    const matches = valueMatcher(filter.Values ?? []);
    const field = fields[name];
    const isTag = name === "tag-key" || name === "tag-value" || name.startsWith("tag:");
    if (!field && !isTag) throw new ServiceError("InvalidParameterValue", `The filter '${name}' is invalid`);
    tests.push((item) => {
      const values = (isTag ? tagFilterValues(tagsOf(item), name)! : field!(item)).filter((v) => v !== undefined && v !== null) as (string | number | boolean | Date)[];
      return values.some((v) => matches(asText(v)));
    });
  }
  return (item) => tests.every((t) => t(item));
}

export interface PageRequest {
  MaxResults?: number | undefined;
  NextToken?: string | undefined;
}

/**
 * Checks MaxResults (min..max; larger values are capped, like EC2) and its exclusion with an id list,
 * then returns one page. Tokens encode the position after the last item returned.
 */
export function paginate<T>(items: T[], request: PageRequest, options: { min: number; max: number; ids?: unknown[] | undefined; idsParam: string; keyOf: (item: T) => string }): { page: T[]; nextToken?: string } {
  const { MaxResults: maxResults, NextToken: token } = request;
  if (maxResults !== undefined) {
    if (options.ids?.length) throw new ServiceError("InvalidParameterCombination", `The parameter ${options.idsParam} cannot be used with the parameter maxResults`);
    if (maxResults < options.min) throw new ServiceError("InvalidParameterValue", `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than ${options.min - 1}.`);
  }
  let start = 0;
  if (token) {
    let after: string | undefined;
    try {
      after = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: string }).after;
    } catch {
      after = undefined;
    }
    if (typeof after !== "string") throw new ServiceError("InvalidNextToken", `The token '${token}' is invalid.`);
    start = items.findIndex((item) => options.keyOf(item) > after!);
    if (start === -1) start = items.length;
  }
  if (maxResults === undefined && !token) return { page: items };
  const size = Math.min(maxResults ?? options.max, options.max);
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return more ? { page, nextToken: Buffer.from(JSON.stringify({ after: options.keyOf(page[page.length - 1]!) })).toString("base64url") } : { page };
}

/** The tags of the TagSpecifications for one resource type; other types are refused like EC2 does. */
export function tagsFor(specs: TagSpecification[] | undefined, resourceType: string, allowed: string[] = [resourceType]): Tag[] {
  const tags: Tag[] = [];
  for (const spec of specs ?? []) {
    if (!spec.ResourceType || !allowed.includes(spec.ResourceType)) {
      throw new ServiceError("InvalidParameterValue", `'${spec.ResourceType ?? ""}' is not a valid taggable resource type for this operation.`);
    }
    if (!spec.Tags?.length) throw new ServiceError("InvalidParameterValue", "Tag specification must have at least one tag");
    if (spec.ResourceType === resourceType) tags.push(...spec.Tags);
  }
  validateTags(tags);
  return tags;
}

export function validateTags(tags: Tag[]): void {
  if (tags.length > 50) throw new ServiceError("TagLimitExceeded", "The maximum number of tags per resource is 50.");
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key ?? "";
    if (key.length === 0 || key.length > 128) throw new ServiceError("InvalidParameterValue", `Tag key must be between 1 and 128 characters: '${key}'`);
    if ((tag.Value ?? "").length > 256) throw new ServiceError("InvalidParameterValue", `Tag value exceeds the maximum length of 256 characters for key '${key}'`);
    if (key.startsWith("aws:")) throw new ServiceError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
    if (seen.has(key)) throw new ServiceError("InvalidParameterValue", `Duplicate tag key '${key}' specified.`);
    seen.add(key);
  }
}

export function parseTags(json: string): Tag[] {
  return JSON.parse(json) as Tag[];
}

/** One pattern per id prefix: a RegExp built per id was compiled again on every launch's snapshot check. */
const idFormats = new Map<string, RegExp>();

const idPattern = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
const idFormat = (prefix: string): RegExp => memoized(idFormats, prefix, 64, idPattern);

export function checkIdFormat(ids: string[] | undefined, prefix: string, code: string): void {
  if (!ids) return;
  const format = idFormat(prefix);
  for (const id of ids) {
    if (!format.test(id)) throw new ServiceError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);
  }
}

export function dryRun(input: { DryRun?: boolean | undefined }): void {
  if (input.DryRun) throw new ServiceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", { status: 412 });
}

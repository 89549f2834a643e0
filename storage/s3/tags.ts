import type { Tag } from "@aws-sdk/client-s3";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** Tags as stored: [key, value] pairs in the order given, JSON in the row's `tags` column. */
export type TagPairs = [string, string][];

const MAX_OBJECT_TAGS = 10;
const MAX_BUCKET_TAGS = 50;
// S3's tag alphabet: letters, digits, spaces and + - = . _ : / @ (Unicode letters and digits included).
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string, fields: Record<string, string>) => new ServiceError("InvalidTag", message, { fields });
const codePoints = (text: string): number => Array.from(text).length;

/** Checks a tag set as S3 does: count, unique keys, lengths in characters, alphabet, no `aws:` keys. */
export function checkTags(tags: TagPairs, scope: "object" | "bucket"): TagPairs {
  if (scope === "object" && tags.length > MAX_OBJECT_TAGS) throw new ServiceError("BadRequest", `Object tags cannot be greater than ${MAX_OBJECT_TAGS}`);
  if (scope === "bucket" && tags.length > MAX_BUCKET_TAGS) throw invalidTag(`Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}`, {});
  const seen = new Set<string>();
  for (const [key, value] of tags) {
    if (seen.has(key)) throw invalidTag("Cannot provide multiple Tags with the same key", { TagKey: key });
    seen.add(key);
    const keyLength = codePoints(key);
    if (keyLength < 1 || keyLength > 128 || !TAG_TEXT.test(key)) throw invalidTag("The TagKey you have provided is invalid", { TagKey: key });
    if (codePoints(value) > 256 || !TAG_TEXT.test(value)) throw invalidTag("The TagValue you have provided is invalid", { TagKey: key, TagValue: value });
    if (key.toLowerCase().startsWith("aws:")) throw invalidTag("System tags cannot be added/updated by requester", { TagKey: key });
  }
  return tags;
}

/** A Tagging document's TagSet (PutObjectTagging, PutBucketTagging) as checked pairs. */
export function tagsOfDocument(tagSet: Tag[] | undefined, scope: "object" | "bucket"): TagPairs {
  if (tagSet === undefined) throw new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
  const pairs: TagPairs = [];
  for (const tag of tagSet) {
    if (tag.Key === undefined || tag.Value === undefined) throw new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
    pairs.push([tag.Key, tag.Value]);
  }
  return checkTags(pairs, scope);
}

/**
 * The x-amz-tagging header of an upload: URL query parameters in UTF-8 (`a=1&b=2`, `+` is a space, a
 * key without `=` has an empty value). Duplicates, empty keys and bytes that are not UTF-8 are refused
 * with the header's own message, then the tags are checked like a document's.
 */
export function tagsOfHeader(header: string): TagPairs {
  const refused = () =>
    new ServiceError("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", {
      fields: { ArgumentName: "x-amz-tagging", ArgumentValue: header },
    });
  if (header === "") return [];
  const pairs: TagPairs = [];
  const seen = new Set<string>();
  for (const part of header.split("&")) {
    if (part === "") continue;
    const at = part.indexOf("=");
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((at === -1 ? part : part.slice(0, at)).replace(/\+/g, " "));
      value = at === -1 ? "" : decodeURIComponent(part.slice(at + 1).replace(/\+/g, " "));
    } catch {
      throw refused();
    }
    if (key === "" || seen.has(key)) throw refused();
    seen.add(key);
    pairs.push([key, value]);
  }
  return checkTags(pairs, "object");
}

export function storedTags(tags: TagPairs | null): string | null {
  return tags && tags.length ? JSON.stringify(tags) : null;
}

export function tagSetOf(stored: string | null): Tag[] {
  return stored ? (JSON.parse(stored) as TagPairs).map(([Key, Value]) => ({ Key, Value })) : [];
}

export function tagCountOf(stored: string | null): number | undefined {
  return stored ? (JSON.parse(stored) as TagPairs).length : undefined;
}

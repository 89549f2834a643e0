import { validationError } from "./errors.js";

// Model constraints IAM and STS check before anything else, answered in their Coral wording:
// "1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: …".
// The member is named as the service names it, with a lower-case first letter.

function at(member: string): string {
  return member[0]!.toLowerCase() + member.slice(1);
}

export function checkLength(member: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min) throw validationError(`1 validation error detected: Value '${value}' at '${at(member)}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw validationError(`1 validation error detected: Value '${value}' at '${at(member)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
}

export function checkPattern(member: string, value: string | undefined, pattern: RegExp, shown: string): void {
  if (value === undefined) return;
  if (!pattern.test(value)) throw validationError(`1 validation error detected: Value '${value}' at '${at(member)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`);
}

export function checkRange(member: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw validationError(`1 validation error detected: Value '${value}' at '${at(member)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(`1 validation error detected: Value '${value}' at '${at(member)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
}

/** User, role, group, instance profile and policy names: `[\w+=,.@-]+`. */
export function checkEntityName(member: string, value: string | undefined, max: number): void {
  checkLength(member, value, 1, max);
  checkPattern(member, value, /^[\w+=,.@-]+$/, "[\\w+=,.@-]+");
}

/** Paths: `/` or `/segments/`, at most 512 characters. */
export function checkPath(member: string, value: string | undefined): void {
  checkLength(member, value, 1, 512);
  checkPattern(member, value, /^(\/|\/[\x21-\x7E]+\/)$/, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
}

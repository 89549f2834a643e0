import { arnMatch, wildcardMatch } from "./wildcard.js";
import { ipInCidr, isCidr } from "./ip-address.js";

/**
 * The condition operators by base name (without an `IfExists` suffix or a `ForAnyValue:`/`ForAllValues:`
 * prefix). Each tells whether one request value satisfies one policy value; `negated` operators are the
 * negation of a positive one over all the policy's values (StringNotEquals: equal to none of them).
 */
interface OperatorRule {
  matches: (requestValue: string, policyValue: string) => boolean;
  negated: boolean;
  /** Whether a policy value is acceptable for this operator (checked when the policy is parsed). */
  validValue?: (policyValue: string) => boolean;
}

const number = (text: string): number | undefined => {
  if (!/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
};

const compareNumbers = (test: (a: number, b: number) => boolean) => (requestValue: string, policyValue: string) => {
  const a = number(requestValue);
  const b = number(policyValue);
  return a !== undefined && b !== undefined && test(a, b);
};

/** Dates as the policy language takes them: ISO 8601 text, or seconds since the epoch. */
const instant = (text: string): number | undefined => {
  const epochSeconds = number(text);
  if (epochSeconds !== undefined) return epochSeconds * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : millis;
};

const compareDates = (test: (a: number, b: number) => boolean) => (requestValue: string, policyValue: string) => {
  const a = instant(requestValue);
  const b = instant(policyValue);
  return a !== undefined && b !== undefined && test(a, b);
};

const stringEquals = (a: string, b: string) => a === b;
const stringEqualsIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const stringLike = (a: string, b: string) => wildcardMatch(b, a);
const arnLike = (a: string, b: string) => arnMatch(b, a);
const isNumber = (v: string) => number(v) !== undefined;
const isDate = (v: string) => instant(v) !== undefined;
const isBool = (v: string) => v.toLowerCase() === "true" || v.toLowerCase() === "false";

const RULES: Record<string, OperatorRule> = {
  stringequals: { matches: stringEquals, negated: false },
  stringnotequals: { matches: stringEquals, negated: true },
  stringequalsignorecase: { matches: stringEqualsIgnoreCase, negated: false },
  stringnotequalsignorecase: { matches: stringEqualsIgnoreCase, negated: true },
  stringlike: { matches: stringLike, negated: false },
  stringnotlike: { matches: stringLike, negated: true },
  numericequals: { matches: compareNumbers((a, b) => a === b), negated: false, validValue: isNumber },
  numericnotequals: { matches: compareNumbers((a, b) => a === b), negated: true, validValue: isNumber },
  numericlessthan: { matches: compareNumbers((a, b) => a < b), negated: false, validValue: isNumber },
  numericlessthanequals: { matches: compareNumbers((a, b) => a <= b), negated: false, validValue: isNumber },
  numericgreaterthan: { matches: compareNumbers((a, b) => a > b), negated: false, validValue: isNumber },
  numericgreaterthanequals: { matches: compareNumbers((a, b) => a >= b), negated: false, validValue: isNumber },
  dateequals: { matches: compareDates((a, b) => a === b), negated: false, validValue: isDate },
  datenotequals: { matches: compareDates((a, b) => a === b), negated: true, validValue: isDate },
  datelessthan: { matches: compareDates((a, b) => a < b), negated: false, validValue: isDate },
  datelessthanequals: { matches: compareDates((a, b) => a <= b), negated: false, validValue: isDate },
  dategreaterthan: { matches: compareDates((a, b) => a > b), negated: false, validValue: isDate },
  dategreaterthanequals: { matches: compareDates((a, b) => a >= b), negated: false, validValue: isDate },
  bool: { matches: stringEqualsIgnoreCase, negated: false, validValue: isBool },
  binaryequals: { matches: stringEquals, negated: false },
  ipaddress: { matches: (a, b) => ipInCidr(a, b), negated: false, validValue: isCidr },
  notipaddress: { matches: (a, b) => ipInCidr(a, b), negated: true, validValue: isCidr },
  arnequals: { matches: arnLike, negated: false },
  arnlike: { matches: arnLike, negated: false },
  arnnotequals: { matches: arnLike, negated: true },
  arnnotlike: { matches: arnLike, negated: true },
};

/** An operator as written, taken apart: its set prefix, its base rule, and whether it ends in IfExists. */
export interface ParsedOperator {
  set?: "foranyvalue" | "forallvalues";
  base: string;
  ifExists: boolean;
}

/** Takes an operator name apart; undefined when it names no operator of the policy language. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  let name = operator.toLowerCase();
  let set: ParsedOperator["set"];
  for (const prefix of ["foranyvalue:", "forallvalues:"] as const) {
    if (name.startsWith(prefix)) {
      set = prefix.slice(0, -1) as ParsedOperator["set"];
      name = name.slice(prefix.length);
    }
  }
  const ifExists = name.endsWith("ifexists") && name !== "ifexists";
  if (ifExists) name = name.slice(0, -"ifexists".length);
  if (name === "null") return ifExists ? undefined : { set, base: name, ifExists };
  if (!(name in RULES)) return undefined;
  return { set, base: name, ifExists };
}

/** Whether a policy value suits the operator (a number for Numeric…, a date for Date…, a CIDR for IpAddress). */
export function operatorAcceptsValue(base: string, value: string): boolean {
  if (base === "null") return isBool(value);
  return RULES[base]?.validValue?.(value) ?? true;
}

/**
 * Whether a condition clause holds for the request's value(s) of its key (undefined: the key is absent).
 *
 * - Without a set prefix: absent keys fail positive operators and satisfy negated ones (a Deny on
 *   `StringNotEquals aws:SourceVpce` refuses requests that came through no endpoint); IfExists makes an
 *   absent key satisfy any operator. A multi-valued key satisfies a positive operator when any value does.
 * - ForAnyValue: some request value satisfies the operator; an absent or empty key fails.
 * - ForAllValues: every request value satisfies it; an absent or empty key holds.
 * - Null: `true` holds when the key is absent, `false` when it is present.
 */
export function clauseHolds(operator: ParsedOperator, policyValues: string[], requestValue: string | string[] | undefined): boolean {
  const requestValues = requestValue === undefined ? [] : Array.isArray(requestValue) ? requestValue : [requestValue];
  const present = requestValues.length > 0;
  if (operator.base === "null") {
    return policyValues.some((value) => (value.toLowerCase() === "true" ? !present : present));
  }
  const rule = RULES[operator.base]!;
  const valueHolds = (value: string) => {
    const matchesAny = policyValues.some((policyValue) => rule.matches(value, policyValue));
    return rule.negated ? !matchesAny : matchesAny;
  };
  if (operator.set === "forallvalues") return requestValues.every(valueHolds);
  if (operator.set === "foranyvalue") return requestValues.some(valueHolds);
  if (!present) return operator.ifExists || rule.negated;
  if (rule.negated) return requestValues.every(valueHolds);
  return requestValues.some(valueHolds);
}

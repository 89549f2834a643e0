import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FilterAttributes } from "../../messaging/sns/filter-policy.js";
import { attributeSubject, bodySubject, compileFilterPolicy, policyMatches } from "../../messaging/sns/filter-policy.js";

const S = (v: string) => ({ DataType: "String", StringValue: v });
const N = (v: number | string) => ({ DataType: "Number", StringValue: String(v) });
const A = (v: unknown[]) => ({ DataType: "String.Array", StringValue: JSON.stringify(v) });

interface AttributeCase {
  name: string;
  policy: unknown;
  matches: FilterAttributes[];
  rejects: FilterAttributes[];
}

// Every operator, matched and not matched, in MessageAttributes scope.
const attributeCases: AttributeCase[] = [
  { name: "exact string", policy: { color: ["red", "blue"] }, matches: [{ color: S("red") }, { color: S("blue") }], rejects: [{ color: S("green") }, {}, { colour: S("red") }] },
  { name: "exact number", policy: { n: [100, 3.5] }, matches: [{ n: N(100) }, { n: N("1e2") }, { n: N(3.5) }], rejects: [{ n: N(101) }, { n: S("100") }] },
  { name: "prefix", policy: { id: [{ prefix: "ord-" }] }, matches: [{ id: S("ord-1") }], rejects: [{ id: S("inv-1") }, {}] },
  { name: "suffix", policy: { file: [{ suffix: ".png" }] }, matches: [{ file: S("a.png") }], rejects: [{ file: S("a.jpg") }] },
  { name: "equals-ignore-case", policy: { s: [{ "equals-ignore-case": "ReD" }] }, matches: [{ s: S("red") }, { s: S("RED") }], rejects: [{ s: S("reds") }] },
  { name: "anything-but string", policy: { s: [{ "anything-but": "red" }] }, matches: [{ s: S("blue") }], rejects: [{ s: S("red") }, {}] },
  { name: "anything-but list", policy: { s: [{ "anything-but": ["red", "blue"] }] }, matches: [{ s: S("green") }], rejects: [{ s: S("red") }, { s: S("blue") }] },
  { name: "anything-but number list", policy: { n: [{ "anything-but": [1, 2] }] }, matches: [{ n: N(3) }], rejects: [{ n: N(2) }] },
  { name: "anything-but prefix", policy: { s: [{ "anything-but": { prefix: "test-" } }] }, matches: [{ s: S("prod-1") }], rejects: [{ s: S("test-1") }] },
  { name: "anything-but suffix", policy: { s: [{ "anything-but": { suffix: ".tmp" } }] }, matches: [{ s: S("a.txt") }], rejects: [{ s: S("a.tmp") }] },
  { name: "numeric equals", policy: { n: [{ numeric: ["=", 300] }] }, matches: [{ n: N(300) }, { n: N("300.0") }], rejects: [{ n: N(301) }, { n: S("300") }] },
  { name: "numeric range", policy: { n: [{ numeric: [">", 0, "<=", 150] }] }, matches: [{ n: N(0.5) }, { n: N(150) }], rejects: [{ n: N(0) }, { n: N(150.01) }] },
  { name: "numeric lower bound", policy: { n: [{ numeric: [">=", 10] }] }, matches: [{ n: N(10) }], rejects: [{ n: N(9.99) }] },
  { name: "numeric upper bound", policy: { n: [{ numeric: ["<", 10] }] }, matches: [{ n: N(-5) }], rejects: [{ n: N(10) }] },
  { name: "exists true", policy: { k: [{ exists: true }] }, matches: [{ k: S("x") }, { k: N(1) }], rejects: [{}, { other: S("x") }] },
  { name: "exists false", policy: { k: [{ exists: false }] }, matches: [{}, { other: S("x") }], rejects: [{ k: S("x") }] },
  { name: "cidr v4", policy: { ip: [{ cidr: "10.0.0.0/24" }] }, matches: [{ ip: S("10.0.0.7") }], rejects: [{ ip: S("10.0.1.7") }, { ip: S("not-an-ip") }] },
  { name: "cidr v6", policy: { ip: [{ cidr: "2001:db8::/32" }] }, matches: [{ ip: S("2001:db8:1::1") }], rejects: [{ ip: S("2001:db9::1") }, { ip: S("10.0.0.1") }] },
  { name: "String.Array: any element", policy: { tags: ["a", "z"] }, matches: [{ tags: A(["x", "z"]) }], rejects: [{ tags: A(["x", "y"]) }] },
  { name: "String.Array numbers", policy: { ns: [{ numeric: [">", 5] }] }, matches: [{ ns: A([1, 9]) }], rejects: [{ ns: A([1, 2]) }] },
  {
    name: "AND across keys",
    policy: { color: ["red"], size: [{ numeric: [">", 10] }] },
    matches: [{ color: S("red"), size: N(11) }],
    rejects: [{ color: S("red"), size: N(5) }, { color: S("red") }],
  },
  {
    name: "$or",
    policy: { source: ["shop"], $or: [{ color: ["red"] }, { size: [{ numeric: [">", 10] }] }] },
    matches: [{ source: S("shop"), color: S("red") }, { source: S("shop"), size: N(20) }],
    rejects: [{ source: S("shop"), color: S("blue"), size: N(1) }, { source: S("web"), color: S("red") }],
  },
  { name: "OR inside one key", policy: { v: ["x", { prefix: "y" }, { numeric: ["=", 1] }] }, matches: [{ v: S("x") }, { v: S("yes") }, { v: N(1) }], rejects: [{ v: S("z") }] },
  { name: "binary attributes only exist", policy: { b: [{ exists: true }] }, matches: [{ b: { DataType: "Binary" } }], rejects: [] },
];

interface BodyCase {
  name: string;
  policy: unknown;
  matches: unknown[];
  rejects: unknown[];
}

// MessageBody scope: nested keys, arrays in the payload, null and booleans.
const bodyCases: BodyCase[] = [
  { name: "nested exact", policy: { order: { status: ["paid"] } }, matches: [{ order: { status: "paid" } }], rejects: [{ order: { status: "open" } }, { status: "paid" }] },
  { name: "deep nesting", policy: { a: { b: { c: [1] } } }, matches: [{ a: { b: { c: 1 } } }], rejects: [{ a: { b: { c: 2 } } }] },
  { name: "array leaf: any element", policy: { tags: ["b"] }, matches: [{ tags: ["a", "b"] }], rejects: [{ tags: ["a"] }] },
  { name: "array of objects", policy: { items: { sku: [{ prefix: "X" }] } }, matches: [{ items: [{ sku: "A1" }, { sku: "X9" }] }], rejects: [{ items: [{ sku: "A1" }] }] },
  { name: "null", policy: { v: [null] }, matches: [{ v: null }], rejects: [{ v: "null" }, {}] },
  { name: "boolean", policy: { ok: [true] }, matches: [{ ok: true }], rejects: [{ ok: false }, { ok: "true" }] },
  { name: "numbers are numbers", policy: { n: [{ numeric: [">", 1] }] }, matches: [{ n: 2 }], rejects: [{ n: "2" }] },
  { name: "exists false nested", policy: { a: { gone: [{ exists: false }] } }, matches: [{ a: {} }, {}], rejects: [{ a: { gone: 1 } }] },
  { name: "exists true nested", policy: { a: { here: [{ exists: true }] } }, matches: [{ a: { here: "x" } }], rejects: [{ a: {} }] },
  { name: "anything-but in body", policy: { s: [{ "anything-but": ["x"] }] }, matches: [{ s: "y" }], rejects: [{ s: "x" }, {}] },
  { name: "equals-ignore-case in body", policy: { s: [{ "equals-ignore-case": "ABC" }] }, matches: [{ s: "abc" }], rejects: [{ s: "abd" }] },
  { name: "cidr in body", policy: { ip: [{ cidr: "192.168.0.0/16" }] }, matches: [{ ip: "192.168.3.4" }], rejects: [{ ip: "192.169.0.1" }] },
  { name: "suffix in body", policy: { f: [{ suffix: "z" }] }, matches: [{ f: "abz" }], rejects: [{ f: "abc" }] },
  { name: "nested $or", policy: { o: { $or: [{ a: ["1"] }, { b: ["2"] }] } }, matches: [{ o: { a: "1" } }, { o: { b: "2" } }], rejects: [{ o: { a: "2", b: "1" } }] },
];

describe("filter policies: every operator, matched and not matched", () => {
  for (const c of attributeCases) {
    it(`MessageAttributes: ${c.name}`, () => {
      const policy = compileFilterPolicy(JSON.stringify(c.policy), "MessageAttributes");
      for (const attrs of c.matches) assert.equal(policyMatches(policy, attributeSubject(attrs)), true, `should match ${JSON.stringify(attrs)}`);
      for (const attrs of c.rejects) assert.equal(policyMatches(policy, attributeSubject(attrs)), false, `should not match ${JSON.stringify(attrs)}`);
    });
  }
  for (const c of bodyCases) {
    it(`MessageBody: ${c.name}`, () => {
      const policy = compileFilterPolicy(JSON.stringify(c.policy), "MessageBody");
      for (const body of c.matches) assert.equal(policyMatches(policy, bodySubject(JSON.stringify(body))!), true, `should match ${JSON.stringify(body)}`);
      for (const body of c.rejects) assert.equal(policyMatches(policy, bodySubject(JSON.stringify(body))!), false, `should not match ${JSON.stringify(body)}`);
    });
  }
  it("MessageBody: a body that is not a JSON object matches nothing", () => {
    assert.equal(bodySubject("plain text"), undefined);
    assert.equal(bodySubject("[1,2]"), undefined);
  });
});

describe("filter policies: validation errors as AWS words them", () => {
  const invalid: [string, unknown, string, ("MessageAttributes" | "MessageBody")?][] = [
    ["unknown operator", { a: [{ regex: "x" }] }, "Invalid parameter: FilterPolicy: Unrecognized match type regex"],
    ["two keys in a match", { a: [{ prefix: "x", suffix: "y" }] }, "Invalid parameter: FilterPolicy: Only one key allowed in match expression"],
    ["prefix not a string", { a: [{ prefix: 1 }] }, "Invalid parameter: FilterPolicy: prefix match pattern must be a string"],
    ["exists not a boolean", { a: [{ exists: "yes" }] }, "Invalid parameter: FilterPolicy: exists match pattern must be either true or false."],
    ["numeric operand", { a: [{ numeric: [">", "x"] }] }, "Invalid parameter: FilterPolicy: Value of > must be numeric"],
    ["numeric equals operand", { a: [{ numeric: ["=", "x"] }] }, "Invalid parameter: FilterPolicy: Value of equals must be numeric"],
    ["numeric operator", { a: [{ numeric: ["!=", 1] }] }, "Invalid parameter: FilterPolicy: Unrecognized numeric range operator: !="],
    ["numeric bottom above top", { a: [{ numeric: [">", 10, "<", 5] }] }, "Invalid parameter: FilterPolicy: Bottom must be less than top"],
    ["numeric too many elements", { a: [{ numeric: ["<", 10, ">", 5] }] }, "Invalid parameter: FilterPolicy: Too many elements in numeric expression"],
    ["numeric bad second operator", { a: [{ numeric: [">", 1, ">", 5] }] }, "Invalid parameter: FilterPolicy: Bad numeric range operator: >"],
    ["cidr without slash", { a: [{ cidr: "10.0.0.1" }] }, "Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required"],
    ["cidr bad mask", { a: [{ cidr: "10.0.0.0/x" }] }, "Invalid parameter: FilterPolicy: Malformed CIDR, mask bits must be an integer"],
    ["cidr bad address", { a: [{ cidr: "10.0.0.300/8" }] }, "Invalid parameter: FilterPolicy: Nonstandard IP address: 10.0.0.300"],
    ["anything-but inner op", { a: [{ "anything-but": { numeric: [">", 1] } }] }, "Invalid parameter: FilterPolicy: Unsupported anything-but pattern: numeric"],
    ["object value in list", { a: [["x"]] }, "Invalid parameter: FilterPolicy: Match value must be String, number, true, false, or null"],
    ["scalar instead of list", { a: "x" }, 'Invalid parameter: FilterPolicy: "a" must be an object or an array'],
    ["too many keys", { a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }, "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"],
    ["too complex", { a: Array.from({ length: 20 }, (_, i) => i), b: Array.from({ length: 10 }, (_, i) => i) }, "Invalid parameter: FilterPolicy: Filter policy is too complex"],
    ["nested in attributes scope", { a: { b: ["c"] } }, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"],
  ];
  for (const [name, policy, message, scope] of invalid) {
    it(name, () => {
      assert.throws(() => compileFilterPolicy(JSON.stringify(policy), scope ?? "MessageAttributes"), (error: unknown) => {
        assert.equal((error as { code?: string }).code, "InvalidParameter");
        assert.equal((error as Error).message, message);
        return true;
      });
    });
  }
  it("Subscribe words it with 'Attributes Reason:'", () => {
    assert.throws(() => compileFilterPolicy('{"a":[{"prefix":1}]}', "MessageAttributes", "subscribe"), { message: "Invalid parameter: Attributes Reason: FilterPolicy: prefix match pattern must be a string" });
  });
  it("unparsable JSON is InvalidParameter", () => {
    assert.throws(() => compileFilterPolicy("{not json", "MessageAttributes"), (error: unknown) => (error as { code?: string }).code === "InvalidParameter" && (error as Error).message === "Invalid parameter: FilterPolicy: failed to parse JSON.");
  });
});

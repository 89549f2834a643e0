import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { Ec2Protocol } from "../../sdk-compat/protocol/ec2-protocol.js";
import { versioned } from "../../sdk-compat/protocol/answer-cache.js";
import { ChunkedBody } from "../../sdk-compat/protocol/wire.js";

const model = loadServiceModel("ec2");
const ec2 = new Ec2Protocol(model);
const op = model.operations["DescribeInstances"]!;

const instance = (id: string) => ({ InstanceId: id, State: { Code: 16, Name: "running" }, Tags: [{ Key: "Name", Value: "a<b" }], LaunchTime: new Date(0) });
const text = (body: unknown) => (body instanceof ChunkedBody ? Buffer.concat(body.chunks).toString("utf8") : String(body));
const body = (out: { body?: unknown }) => text(out.body).replace(/<requestId>.*<\/requestId>/, "");
const describeOf = (...instances: object[]) => body(ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-1", Instances: instances }] }, "x"));

describe("XmlWriter writes what it is given", () => {
  it("a frozen value, and a nested list changed after freezing, show as they are now", () => {
    const tags = [{ Key: "Name", Value: "before" }];
    const value = Object.freeze({ ...instance("i-1"), Tags: tags });
    assert.match(describeOf(value), /<value>before<\/value>/);
    tags.push({ Key: "Other", Value: "after" });
    tags[0]!.Value = "changed";
    const again = describeOf(value);
    assert.match(again, /<value>changed<\/value>/);
    assert.match(again, /<value>after<\/value>/);
  });

  it("an unversioned value is written afresh on every call, so changes show", () => {
    const value = instance("i-2");
    assert.match(describeOf(value), /running/);
    value.State.Name = "stopped";
    assert.match(describeOf(value), /stopped/);
  });
});

describe("the answer cache: a value that names its version", () => {
  it("writes exactly what the same unversioned value writes, non-ASCII included, as one piece per version", () => {
    const big = (id: string) => ({ ...instance(id), Tags: Array.from({ length: 20 }, (_, i) => ({ Key: `k${i}`, Value: `välue-${i} ✓ <${i}>` })) });
    const plain = describeOf(big("i-3"), big("i-3"));
    const out = ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-1", Instances: [versioned(big("i-3"), "test/i-3/1"), versioned(big("i-3"), "test/i-3/1")] }] }, "x");
    assert.ok(out.body instanceof ChunkedBody, "the versioned instances go out as their bytes");
    assert.equal(body(out), plain);
    assert.match(plain, /<value>välue-19 ✓ &lt;19&gt;<\/value>/);
  });

  it("a new version is written anew; the same version answers the text first written for it", () => {
    const value = instance("i-4");
    assert.match(describeOf(versioned(value, "test/i-4/1")), /running/);
    value.State.Name = "stopped";
    assert.match(describeOf(versioned(value, "test/i-4/2")), /stopped/);
    assert.match(describeOf(versioned(instance("i-4"), "test/i-4/1")), /running/);
  });
});

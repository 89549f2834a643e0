import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { Ec2Protocol } from "../../sdk-compat/protocol/ec2-protocol.js";

const model = loadServiceModel("ec2");
const ec2 = new Ec2Protocol(model);
const op = model.operations["DescribeInstances"]!;

const instance = (id: string) => ({ InstanceId: id, State: { Code: 16, Name: "running" }, Tags: [{ Key: "Name", Value: "a<b" }], LaunchTime: new Date(0) });
const body = (out: { body?: unknown }) => String(out.body).replace(/<requestId>.*<\/requestId>/, "");

describe("XmlWriter: frozen structures are serialized once and reused", () => {
  it("a frozen value writes exactly what the same unfrozen value writes, again and again", () => {
    const plain = ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-1", Instances: [instance("i-1")] }] }, "x");
    const frozen = Object.freeze(instance("i-1"));
    const first = ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-1", Instances: [frozen] }] }, "y");
    const second = ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-1", Instances: [frozen, frozen] }] }, "z");
    assert.equal(body(first), body(plain));
    assert.match(String(first.body), /<instanceId>i-1<\/instanceId><instanceState><code>16<\/code><name>running<\/name><\/instanceState>/);
    assert.match(String(first.body), /<value>a&lt;b<\/value>/);
    assert.equal(String(second.body).match(/<instanceId>i-1<\/instanceId>/g)!.length, 2);
  });

  it("a large cached value inside a frozen value cached later writes the same text, non-ASCII included", () => {
    // Over 512 characters, so the instance is kept as bytes only and decoded when its reservation is cached.
    const big = () => ({ ...instance("i-3"), Tags: Array.from({ length: 20 }, (_, i) => ({ Key: `k${i}`, Value: `välue-${i} ✓ <${i}>` })) });
    const plain = body(ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-3", Instances: [big(), big()] }] }, "x"));
    const frozen = Object.freeze(big());
    const alone = body(ec2.serializeOutput(op, { Reservations: [{ ReservationId: "r-3", Instances: [frozen, frozen] }] }, "x"));
    const reservation = Object.freeze({ ReservationId: "r-3", Instances: Object.freeze([frozen, frozen]) });
    const captured = body(ec2.serializeOutput(op, { Reservations: [reservation] }, "x"));
    const reused = body(ec2.serializeOutput(op, { Reservations: [reservation] }, "x"));
    assert.ok(plain.length > 2 * 512);
    assert.match(plain, /<value>välue-19 ✓ &lt;19&gt;<\/value>/);
    assert.equal(alone, plain);
    assert.equal(captured, plain);
    assert.equal(reused, plain);
  });

  it("unfrozen values are written afresh, so changes show", () => {
    const value = instance("i-2");
    const a = ec2.serializeOutput(op, { Reservations: [{ Instances: [value] }] }, "x");
    value.State.Name = "stopped";
    const b = ec2.serializeOutput(op, { Reservations: [{ Instances: [value] }] }, "x");
    assert.match(String(a.body), /running/);
    assert.match(String(b.body), /stopped/);
  });
});

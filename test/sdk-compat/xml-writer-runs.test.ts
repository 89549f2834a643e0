import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import type { ServiceModel } from "../../sdk-compat/model/service-model.js";
import { Ec2Protocol } from "../../sdk-compat/protocol/ec2-protocol.js";

const model = loadServiceModel("ec2");
// The same model without the varying-members patch: its shapes are other objects, so the writer
// plans them afresh and writes every member on its own.
const unpatched = structuredClone(model) as ServiceModel;
for (const shape of Object.values(unpatched.shapes)) delete shape.varyingMembers;
const withRuns = new Ec2Protocol(model);
const plain = new Ec2Protocol(unpatched);
const op = model.operations["RunInstances"]!;

const xml = (protocol: Ec2Protocol, instances: object[]) => String(protocol.serializeOutput(op, { ReservationId: "r-1", OwnerId: "123456789012", Instances: instances }, "req").body);

/** A small seeded generator (mulberry32), so a failure names a sequence that can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATE = Object.freeze({ Code: 0, Name: "pending" as const });
const OTHER_STATE = Object.freeze({ Code: 16, Name: "running" as const });
const GROUPS = Object.freeze([Object.freeze({ GroupId: "sg-1", GroupName: "default" })]);

function instance(pick: () => number, i: number): Record<string, unknown> {
  const one = <T>(...choices: T[]): T => choices[Math.floor(pick() * choices.length)]!;
  return {
    InstanceId: `i-${i.toString(16).padStart(17, "0")}`,
    ImageId: one("ami-1", "ami-2"),
    State: one(STATE, OTHER_STATE, { Code: 0, Name: "pending" }),
    PrivateDnsName: `ip-10-0-0-${i % 250}.ec2.internal`,
    KeyName: one(undefined, "key-a", "key <b> & c"),
    AmiLaunchIndex: one(0, 1),
    ProductCodes: one(Object.freeze([]), []),
    InstanceType: one("t3.micro", "m5.large"),
    LaunchTime: new Date(1_700_000_000_000 + i),
    StateReason: one(undefined, Object.freeze({ Code: "pending", Message: "pending" }), { Code: "x", Message: `m${i}` }),
    SecurityGroups: GROUPS,
    EbsOptimized: one(true, false),
    NetworkInterfaces: [{
      NetworkInterfaceId: `eni-${i}`, SubnetId: one("subnet-1", "subnet-2"), Description: "", Groups: GROUPS, Ipv6Addresses: Object.freeze([]),
      Attachment: { AttachmentId: `eni-attach-${i}`, AttachTime: new Date(1_700_000_000_000 + i), DeviceIndex: 0, Status: one("attaching", "attached") },
    }],
  };
}

describe("XmlWriter: runs of members between varying ones", () => {
  it("write exactly what the writer without runs writes, over random sequences of changing values", () => {
    for (const seed of [1, 2, 3]) {
      const pick = random(seed);
      for (let i = 0; i < 300; i++) {
        const batch = Array.from({ length: 1 + Math.floor(pick() * 3) }, (_, j) => instance(pick, i * 3 + j));
        assert.equal(xml(withRuns, batch), xml(plain, batch), `seed ${seed}, answer ${i}`);
      }
    }
  });

  it("never reuse the text of an object that is not frozen: a changed one shows", () => {
    const reason = { Code: "Client.UserInitiatedShutdown", Message: "first" };
    const value = () => ({ InstanceId: "i-1", InstanceType: "t3.micro", StateReason: reason, Architecture: "x86_64" });
    const a = xml(withRuns, [value()]);
    reason.Message = "second";
    const b = xml(withRuns, [value()]);
    assert.match(a, /<message>first<\/message>/);
    assert.match(b, /<message>second<\/message>/);
  });

  it("never reuse the text of a frozen list whose items can change", () => {
    const group = { GroupId: "sg-1", GroupName: "default" };
    const groups = Object.freeze([group]);
    const a = xml(withRuns, [{ InstanceId: "i-1", SecurityGroups: groups }]);
    group.GroupName = "renamed";
    const b = xml(withRuns, [{ InstanceId: "i-2", SecurityGroups: groups }]);
    assert.match(a, /<groupName>default<\/groupName>/);
    assert.match(b, /<groupName>renamed<\/groupName>/);
  });

  it("reuse a run's text for the same values, and write the new value when one changes", () => {
    const a = xml(withRuns, [{ InstanceId: "i-1", InstanceType: "t3.micro", KeyName: "k" }]);
    const b = xml(withRuns, [{ InstanceId: "i-2", InstanceType: "t3.micro", KeyName: "k" }]);
    const c = xml(withRuns, [{ InstanceId: "i-3", InstanceType: "m5.large", KeyName: "k" }]);
    assert.match(a, /<instanceId>i-1<\/instanceId>.*<instanceType>t3.micro<\/instanceType>/);
    assert.match(b, /<instanceId>i-2<\/instanceId>.*<instanceType>t3.micro<\/instanceType>/);
    assert.match(c, /<instanceId>i-3<\/instanceId>.*<instanceType>m5.large<\/instanceType>/);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { availabilityZonesOf } from "../../compute/ec2/regions.js";

describe("availability zones of a region", () => {
  it("a known region's zones have its AZ ids; the list is made once, frozen and shared", () => {
    const zones = availabilityZonesOf("us-east-1");
    assert.deepEqual(zones.map((z) => [z.name, z.id]), [["us-east-1a", "use1-az1"], ["us-east-1b", "use1-az2"], ["us-east-1c", "use1-az3"]]);
    assert.equal(availabilityZonesOf("us-east-1"), zones);
    assert.ok(Object.isFrozen(zones) && Object.isFrozen(zones[0]));
  });

  it("any other region (the credential scope names it) takes its ids from its name, even one named after an Object member", () => {
    assert.deepEqual(availabilityZonesOf("xx-foo-9").map((z) => z.id), ["xxfoo9-az1", "xxfoo9-az2", "xxfoo9-az3"]);
    assert.equal(availabilityZonesOf("constructor")[0]!.id, "constructor-az1");
    assert.equal(availabilityZonesOf("__proto__")[0]!.id, "__proto__-az1");
  });
});

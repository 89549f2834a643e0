import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { sdkConfig, startTestCloudbox } from "../support/fixture.js";
import { queryAs } from "../walls/accounts.js";

// EC2 refuses a query parameter its operation does not have, where the query services ignore it:
// a misspelt or too-new parameter must not be dropped on the floor.
describe("EC2 answers a parameter it does not know with 400 UnknownParameter", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  const account = "444444444444";
  const send = (params: Record<string, string>) => queryAs(cb, account, "ec2", params, "2016-11-15");

  before(async () => {
    cb = await startTestCloudbox();
    ec2 = new EC2Client({ ...sdkConfig(cb), credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  it("a RunInstances with an unknown nested parameter is refused whole: no instance is launched", async () => {
    const imageId = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], MaxResults: 5 }))).Images![0]!.ImageId!;
    const response = await send({
      Action: "RunInstances", ImageId: imageId, InstanceType: "t3.micro", MinCount: "1", MaxCount: "1",
      "BlockDeviceMapping.1.DeviceName": "/dev/sdf", "BlockDeviceMapping.1.Ebs.Size": "20",
    });
    assert.equal(response.status, 400);
    assert.match(response.text, /<Response><Errors><Error><Code>UnknownParameter<\/Code><Message>The parameter Size is not recognized<\/Message><\/Error><\/Errors><RequestID>/);
    assert.equal((await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length ?? 0, 0);
  });

  it("a top-level parameter of another operation, or a member name where the wire name differs, is unknown", async () => {
    const other = await send({ Action: "DescribeInstances", ImageType: "machine" });
    assert.equal(other.status, 400);
    assert.match(other.text, /<Code>UnknownParameter<\/Code><Message>The parameter ImageType is not recognized<\/Message>/);
    const memberName = await send({ Action: "DescribeInstances", "InstanceIds.1": "i-0123456789abcdef0" });
    assert.match(memberName.text, /<Message>The parameter InstanceIds is not recognized<\/Message>/);
  });

  it("the same request with only known parameters is answered", async () => {
    const response = await send({ Action: "DescribeInstances", "Filter.1.Name": "instance-state-name", "Filter.1.Value.1": "running", MaxResults: "5" });
    assert.equal(response.status, 200);
    assert.match(response.text, /<DescribeInstancesResponse /);
  });
});

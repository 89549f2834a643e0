import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { Ec2Protocol } from "../../sdk-compat/protocol/ec2-protocol.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { type InputCase, type OutputCase, parseCase } from "./protocol-fixtures.js";

const ec2 = new Ec2Protocol(loadServiceModel("ec2"));
const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

const inputs: InputCase[] = [
  {
    name: "lists are Name.N named by queryName/capitalised locationName",
    operation: "DescribeInstances",
    request: { headers: form, body: "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod&Filter.1.Value.2=dev&MaxResults=5" },
    input: { InstanceIds: ["i-1", "i-2"], Filters: [{ Name: "tag:env", Values: ["prod", "dev"] }], MaxResults: 5 },
  },
  {
    name: "nested lists of structures and booleans",
    operation: "RunInstances",
    request: { headers: form, body: "Action=RunInstances&ImageId=ami-1&MinCount=1&MaxCount=2&DryRun=true&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=web&BlockDeviceMapping.1.DeviceName=%2Fdev%2Fsdf&BlockDeviceMapping.1.Ebs.VolumeSize=20" },
    input: {
      ImageId: "ami-1", MinCount: 1, MaxCount: 2, DryRun: true,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
      BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20 } }],
    },
  },
];

const outputs: OutputCase[] = [
  {
    name: "members directly under OpResponse with requestId, lists as <item>",
    operation: "DescribeRegions",
    output: { Regions: [{ RegionName: "us-east-1", Endpoint: "ec2.us-east-1.amazonaws.com" }] },
    body: '<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item></regionInfo></DescribeRegionsResponse>',
  },
  {
    name: "nested items, integers, timestamps as ISO 8601",
    operation: "DescribeInstances",
    output: { Reservations: [{ ReservationId: "r-1", Instances: [{ InstanceId: "i-1", State: { Code: 16, Name: "running" }, LaunchTime: new Date("2026-01-02T03:04:05Z") }] }] },
    contains: ["<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId>", "<instanceState><code>16</code><name>running</name></instanceState>", "<launchTime>2026-01-02T03:04:05.000Z</launchTime>"],
  },
];

describe("ec2 protocol fixtures (EC2 model)", () => {
  for (const c of inputs) {
    it(`parses: ${c.name}`, () => {
      const { operation, input } = parseCase(ec2, c);
      assert.equal(operation, c.operation);
      assert.deepEqual(input, c.input);
    });
  }
  for (const c of outputs) {
    it(`serializes: ${c.name}`, () => {
      const response = ec2.serializeOutput(ec2.model.operations[c.operation]!, c.output, "req-1");
      if (c.body) assert.equal(response.body, c.body);
      for (const fragment of c.contains ?? []) assert.ok(String(response.body).includes(fragment), `${fragment} in ${response.body}`);
    });
  }
  const refusal = (operation: string, body: string) => {
    try {
      parseCase(ec2, { name: "", operation, request: { headers: form, body: `Action=${operation}&Version=2016-11-15&${body}` }, input: {} });
    } catch (error) {
      assert.ok(error instanceof ServiceError);
      return { code: error.code, status: error.status, message: error.message };
    }
    return undefined;
  };

  it("refuses a key that names no member, at any depth, with 400 UnknownParameter naming the unknown segment", () => {
    const unknown = (name: string) => ({ code: "UnknownParameter", status: 400, message: `The parameter ${name} is not recognized` });
    assert.deepEqual(refusal("DescribeInstances", "InstanceId.1=i-1&ImageType=machine"), unknown("ImageType"));
    assert.deepEqual(refusal("CreateTags", "ResourceId.1=i-1&Tag.Item.1.Key=k"), unknown("Item"));
    assert.deepEqual(refusal("RunInstances", "ImageId=ami-1&MinCount=1&MaxCount=1&BlockDeviceMapping.1.Ebs.Size=8"), unknown("Size"));
    assert.deepEqual(refusal("RunInstances", "ImageId=ami-1&MinCount=1&MaxCount=1&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Name=k"), unknown("Name"));
    assert.deepEqual(refusal("DescribeInstances", "Filter.1.Name=x&Filter.1.Value.1=y&Filter.1.Values.1=z"), unknown("Values"));
    // A scalar has no members; a list item after a gap is no item.
    assert.deepEqual(refusal("DescribeInstances", "DryRun.Value=true"), unknown("Value"));
    assert.deepEqual(refusal("DescribeInstances", "InstanceId.1=i-1&InstanceId.3=i-3"), unknown("3"));
    // The wire name is lowerCamel for some members (instanceId) where the SDKs send InstanceId: AWS refuses the other spelling.
    assert.deepEqual(refusal("DescribeInstanceAttribute", "InstanceId=i-1&Attribute=userData&instanceId=i-1"), unknown("instanceId"));
    // A key that starts with a dot is named whole.
    assert.deepEqual(refusal("DescribeInstances", ".InstanceId.1=i-1"), unknown(".InstanceId.1"));
    assert.deepEqual(refusal("DescribeInstances", "Filter.1.Name=owner-id&Filter.1..Value.1=x&Filter.1.Value.1=y"), unknown("Filter.1..Value.1"));
  });

  it("accepts the envelope beside the input: Action, Version and a signature carried in the query", () => {
    const sigv4 = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F20260101%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Security-Token=t";
    const sigv2 = "AWSAccessKeyId=a&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-01-01T00%3A00%3A00Z&Signature=00";
    for (const envelope of [sigv4, sigv2]) assert.equal(refusal("DescribeInstances", `InstanceId.1=i-1&${envelope}`), undefined);
  });

  it("of several invalid parameters, the first in the model is reported, whatever order they were sent in", () => {
    for (const body of ["DryRun=maybe&ToPort=x", "ToPort=x&DryRun=maybe"]) {
      assert.throws(
        () => parseCase(ec2, { name: "", operation: "AuthorizeSecurityGroupIngress", request: { headers: form, body: `Action=AuthorizeSecurityGroupIngress&${body}` }, input: {} }),
        (error: ServiceError) => error.code === "InvalidParameterValue" && /ToPort/.test(error.message),
      );
    }
  });

  it("serializes errors as Response/Errors/Error with a capital-ID RequestID", () => {
    const response = ec2.serializeError(new ServiceError("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist"), "req-3");
    assert.equal(response.status, 400);
    assert.equal(response.body, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1' does not exist</Message></Error></Errors><RequestID>req-3</RequestID></Response>`);
  });
});

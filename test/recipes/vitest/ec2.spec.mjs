import { test, expect, inject } from "vitest";
import { EC2Client, DescribeAvailabilityZonesCommand } from "@aws-sdk/client-ec2";
import { clientConfig } from "cloudbox";

test("an SDK client reaches the cloudbox started in global setup", async () => {
  const ec2 = new EC2Client(clientConfig(inject("cloudboxEndpoint"), { region: "eu-north-1" }));
  const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  expect(AvailabilityZones.map((z) => z.ZoneName)).toEqual(["eu-north-1a", "eu-north-1b", "eu-north-1c"]);
});

const { EC2Client, DescribeRegionsCommand } = require("@aws-sdk/client-ec2");

test("an SDK client with no endpoint option reaches cloudbox through AWS_ENDPOINT_URL", async () => {
  const ec2 = new EC2Client({});
  const { Regions } = await ec2.send(new DescribeRegionsCommand({ RegionNames: ["sa-east-1"] }));
  expect(Regions.map((r) => r.RegionName)).toEqual(["sa-east-1"]);
});

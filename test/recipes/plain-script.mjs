// A plain script that knows nothing of cloudbox: AWS_ENDPOINT_URL (and test credentials) in the environment is enough.
import { EC2Client, DescribeAvailabilityZonesCommand } from "@aws-sdk/client-ec2";

const ec2 = new EC2Client({});
const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
console.log(AvailabilityZones.map((z) => z.ZoneName).join(" "));

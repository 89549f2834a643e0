import { EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, CreateTagsCommand } from "@aws-sdk/client-ec2";
import type { BenchTarget, Scenario } from "../scenario.js";
import { benchClientConfig, measureLoop } from "../scenario.js";

/** An x86_64 Amazon image the target knows (cloudbox's catalogue or moto's). */
async function amazonImage(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "architecture", Values: ["x86_64"] }] }));
  const hvm = images.Images?.find((i) => i.VirtualizationType === "hvm") ?? images.Images?.[0];
  if (!hvm?.ImageId) throw new Error("the target lists no Amazon x86_64 image");
  return hvm.ImageId;
}

/** 1,000 instances in 10 reservations of 100, each tagged Name=n<i>, in a region of their own. */
async function thousandInstances(target: BenchTarget, region: string): Promise<EC2Client> {
  const ec2 = new EC2Client(benchClientConfig(target, region));
  const image = await amazonImage(ec2);
  for (let r = 0; r < 10; r++) {
    const out = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 100, MaxCount: 100 }));
    if (out.Instances?.length !== 100) throw new Error(`launched ${out.Instances?.length} instead of 100`);
    for (const [i, instance] of out.Instances.entries()) await ec2.send(new CreateTagsCommand({ Resources: [instance.InstanceId!], Tags: [{ Key: "Name", Value: `n${r * 100 + i}` }] }));
  }
  await ec2.send(new DescribeInstancesCommand({}));
  return ec2;
}

export const scenarios: Scenario[] = [
  {
    name: "ec2: RunInstances of 1 instance (300 calls, 4 in flight)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 250 },
    async setup(target) {
      const ec2 = new EC2Client(benchClientConfig(target));
      const image = await amazonImage(ec2);
      for (let i = 0; i < 20; i++) await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
      return { ec2, image };
    },
    async run(_target, state) {
      const { ec2, image } = state as { ec2: EC2Client; image: string };
      return measureLoop(300, 4, () => ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })));
    },
    async teardown(_target, state) {
      (state as { ec2: EC2Client }).ec2.destroy();
    },
  },
  {
    name: "ec2: DescribeInstances over 1,000 instances, unfiltered (10 calls)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 6000 },
    setup: (target) => thousandInstances(target, "us-west-2"),
    async run(_target, state) {
      const ec2 = state as EC2Client;
      return measureLoop(10, 1, async () => {
        const out = await ec2.send(new DescribeInstancesCommand({}));
        const count = out.Reservations!.reduce((n, r) => n + r.Instances!.length, 0);
        if (count !== 1000) throw new Error(`described ${count} instances`);
      });
    },
    async teardown(_target, state) {
      (state as EC2Client).destroy();
    },
  },
  {
    name: "ec2: DescribeInstances over 1,000 instances, tag filter matching one (50 calls)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 800 },
    setup: (target) => thousandInstances(target, "eu-west-1"),
    async run(_target, state) {
      const ec2 = state as EC2Client;
      return measureLoop(50, 1, async () => {
        const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["n500"] }] }));
        if (out.Reservations?.[0]?.Instances?.length !== 1) throw new Error("the tag filter did not match exactly one instance");
      });
    },
    async teardown(_target, state) {
      (state as EC2Client).destroy();
    },
  },
];

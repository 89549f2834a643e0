import { EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, CreateTagsCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import type { BenchTarget, Scenario } from "../scenario.js";
import { isCloudbox } from "../scenario.js";
import { benchClientConfig, measureLoop, warmUp } from "../scenario.js";

/** An x86_64 Amazon image the target knows (cloudbox's catalogue or moto's). */
async function amazonImage(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "architecture", Values: ["x86_64"] }] }));
  const hvm = images.Images?.find((i) => i.VirtualizationType === "hvm") ?? images.Images?.[0];
  if (!hvm?.ImageId) throw new Error("the target lists no Amazon x86_64 image");
  return hvm.ImageId;
}

interface Fleet {
  ec2: EC2Client;
  ids: string[];
}

/** 1,000 instances in 10 reservations of 100, each tagged Name=n<i>, in a region of their own. */
async function thousandInstances(target: BenchTarget, region: string): Promise<Fleet> {
  const ec2 = new EC2Client(benchClientConfig(target, region));
  const image = await amazonImage(ec2);
  const ids: string[] = [];
  for (let r = 0; r < 10; r++) {
    const out = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 100, MaxCount: 100 }));
    if (out.Instances?.length !== 100) throw new Error(`launched ${out.Instances?.length} instead of 100`);
    for (const [i, instance] of out.Instances.entries()) {
      ids.push(instance.InstanceId!);
      await ec2.send(new CreateTagsCommand({ Resources: [instance.InstanceId!], Tags: [{ Key: "Name", Value: `n${r * 100 + i}` }] }));
    }
  }
  // The Describe path warmed on every server alike: 2,000 one-instance Describes (a full listing
  // per warm-up call would take a peer that needs seconds per listing an hour), then a few of the
  // measured call itself.
  await warmUp((i) => ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[i % ids.length]!] })));
  return { ec2, ids };
}

/**
 * Server CPU is read in 10 ms clock ticks: a server that answers in a few milliseconds needs
 * hundreds of calls for its figure to mean anything (50 calls of 0.3 ms read as 0 or 200 µs each),
 * while a peer that needs a second per call gets the same resolution from a few. The figure is per call.
 */
const describeCalls = (target: BenchTarget, fast: number, slow: number) => (isCloudbox(target) ? fast : slow);

async function describeAll(ec2: EC2Client): Promise<void> {
  const out = await ec2.send(new DescribeInstancesCommand({}));
  const count = out.Reservations!.reduce((n, r) => n + r.Instances!.length, 0);
  if (count !== 1000) throw new Error(`described ${count} instances`);
}

async function describeTagged(ec2: EC2Client, name: string): Promise<void> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }));
  if (out.Reservations?.[0]?.Instances?.length !== 1) throw new Error("the tag filter did not match exactly one instance");
}

export const scenarios: Scenario[] = [
  {
    name: "ec2: RunInstances of 1 instance (1,000 calls, 4 in flight)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 250 },
    async setup(target) {
      const ec2 = new EC2Client(benchClientConfig(target));
      const image = await amazonImage(ec2);
      for (let i = 0; i < 20; i++) await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
      // Each warm-up launch is terminated again, so the warm-up leaves the measured launches the
      // same account as the 20 above (no extra vCPUs, addresses or volumes in use), on every server.
      await warmUp(async () => {
        const out = await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: [out.Instances![0]!.InstanceId!] }));
      });
      // Terminations finish on their own (a second by default on cloudbox): the measured launches
      // start once they have, rather than during the warm-up's tail.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { ec2, image };
    },
    async run(_target, state) {
      const { ec2, image } = state as { ec2: EC2Client; image: string };
      // A thousand calls, not a few hundred: the server's CPU time is read in 10 ms clock ticks, so
      // 300 calls could only show multiples of 33 µs per call.
      return measureLoop(1000, 4, () => ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })));
    },
    async teardown(_target, state) {
      (state as { ec2: EC2Client }).ec2.destroy();
    },
  },
  {
    name: "ec2: DescribeInstances over 1,000 instances, unfiltered (300 calls; moto 10)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 6000 },
    async setup(target) {
      const fleet = await thousandInstances(target, "us-west-2");
      for (let i = 0; i < 20; i++) await describeAll(fleet.ec2);
      return fleet;
    },
    async run(target, state) {
      const { ec2 } = state as Fleet;
      return measureLoop(describeCalls(target, 300, 10), 1, () => describeAll(ec2));
    },
    async teardown(_target, state) {
      (state as Fleet).ec2.destroy();
    },
  },
  {
    name: "ec2: DescribeInstances over 1,000 instances, tag filter matching one (1,000 calls; moto 50)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 800 },
    async setup(target) {
      const fleet = await thousandInstances(target, "eu-west-1");
      for (let i = 0; i < 20; i++) await describeTagged(fleet.ec2, `n${i * 7}`);
      return fleet;
    },
    async run(target, state) {
      const { ec2 } = state as Fleet;
      return measureLoop(describeCalls(target, 1000, 50), 1, () => describeTagged(ec2, "n500"));
    },
    async teardown(_target, state) {
      (state as Fleet).ec2.destroy();
    },
  },
];

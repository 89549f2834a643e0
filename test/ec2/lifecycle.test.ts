import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand, StartInstancesCommand, StopInstancesCommand,
  RebootInstancesCommand, TerminateInstancesCommand, ModifyInstanceAttributeCommand, GetConsoleOutputCommand,
} from "@aws-sdk/client-ec2";
import type { InstanceStateName } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, failure } from "../support/fixture.js";


/** One test per cell of the reference's state table (A.2), on the virtual clock. */
describe("EC2 instance state transitions (reference A.2)", () => {
  let cb: Cloudbox;
  let ec2: EC2Client;
  let image: string;
  const PENDING = 1000;

  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual", settings: { ec2: { lifecycle: { pendingMs: PENDING, stoppingMs: 1000, shuttingDownMs: 1000 } } } });
    ec2 = new EC2Client(sdkConfig(cb));
    image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!.ImageId!;
  });
  after(async () => {
    ec2.destroy();
    await cb.stop();
  });

  const stateOf = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
  const launch = async (extra: Record<string, unknown> = {}) => (await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...extra }))).Instances![0]!.InstanceId!;
  /** An instance brought to a state (the transitional ones are caught before they settle). */
  async function inState(state: InstanceStateName): Promise<string> {
    const id = await launch();
    if (state === "pending") return id;
    cb.clock.advance!(PENDING);
    if (state === "running") return id;
    if (state === "stopping" || state === "stopped") {
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      if (state === "stopped") cb.clock.advance!(1000);
      return id;
    }
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    if (state === "terminated") cb.clock.advance!(1000);
    return id;
  }
  const start = (id: string) => ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  const stop = (id: string) => ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));

  it("pending settles to running after the configured boot time", async () => {
    const id = await inState("pending");
    assert.equal((await stateOf(id)).State!.Name, "pending");
    cb.clock.advance!(PENDING - 1);
    assert.equal((await stateOf(id)).State!.Name, "pending");
    cb.clock.advance!(1);
    assert.deepEqual((await stateOf(id)).State, { Code: 16, Name: "running" });
  });

  it("StartInstances on pending and running: no-op success, Current = Previous", async () => {
    for (const s of ["pending", "running"] as const) {
      const id = await inState(s);
      const out = await start(id);
      assert.deepEqual(out.StartingInstances![0]!.CurrentState!.Name, s);
      assert.deepEqual(out.StartingInstances![0]!.PreviousState!.Name, s);
    }
  });

  it("StartInstances on stopping, shutting-down, terminated: IncorrectInstanceState", async () => {
    for (const s of ["stopping", "shutting-down", "terminated"] as const) {
      const id = await inState(s);
      const e = await failure(start(id));
      assert.equal(e.name, "IncorrectInstanceState", s);
      assert.equal(e.message, `The instance '${id}' is not in a state from which it can be started.`);
    }
  });

  it("StartInstances on stopped: pending, then running, with a new public IP and the same private IP", async () => {
    const id = await inState("running");
    const before = await stateOf(id);
    await stop(id);
    cb.clock.advance!(1000);
    const stopped = await stateOf(id);
    assert.equal(stopped.State!.Name, "stopped");
    assert.equal(stopped.PublicIpAddress, undefined, "the auto-assigned public IP is released on stop");
    const out = await start(id);
    assert.deepEqual(out.StartingInstances![0], { InstanceId: id, CurrentState: { Code: 0, Name: "pending" }, PreviousState: { Code: 80, Name: "stopped" } });
    cb.clock.advance!(PENDING);
    const after = await stateOf(id);
    assert.equal(after.State!.Name, "running");
    assert.equal(after.PrivateIpAddress, before.PrivateIpAddress);
    assert.ok(after.PublicIpAddress);
    assert.notEqual(after.PublicIpAddress, before.PublicIpAddress);
  });

  it("StopInstances on pending: IncorrectInstanceState", async () => {
    const id = await inState("pending");
    const e = await failure(stop(id));
    assert.equal(e.name, "IncorrectInstanceState");
    assert.equal(e.message, `This instance '${id}' is not in a state from which it can be stopped.`);
  });

  it("StopInstances on running: stopping, then stopped; StateReason says user initiated", async () => {
    const id = await inState("running");
    const out = await stop(id);
    assert.deepEqual(out.StoppingInstances![0]!.CurrentState, { Code: 64, Name: "stopping" });
    assert.deepEqual(out.StoppingInstances![0]!.PreviousState, { Code: 16, Name: "running" });
    cb.clock.advance!(1000);
    const i = await stateOf(id);
    assert.equal(i.State!.Name, "stopped");
    assert.equal(i.StateReason!.Code, "Client.UserInitiatedShutdown");
    assert.match(i.StateTransitionReason!, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
  });

  it("StopInstances on stopping and stopped: no-op success", async () => {
    for (const s of ["stopping", "stopped"] as const) {
      const id = await inState(s);
      const out = await stop(id);
      assert.equal(out.StoppingInstances![0]!.CurrentState!.Name, s);
      assert.equal(out.StoppingInstances![0]!.PreviousState!.Name, s);
    }
  });

  it("StopInstances on shutting-down and terminated: IncorrectInstanceState", async () => {
    for (const s of ["shutting-down", "terminated"] as const) {
      const id = await inState(s);
      assert.equal((await failure(stop(id))).name, "IncorrectInstanceState", s);
    }
  });

  it("TerminateInstances works from every live state and is idempotent once terminating", async () => {
    for (const s of ["pending", "running", "stopping", "stopped"] as const) {
      const id = await inState(s);
      const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      assert.equal(out.TerminatingInstances![0]!.PreviousState!.Name, s);
      assert.deepEqual(out.TerminatingInstances![0]!.CurrentState, { Code: 32, Name: "shutting-down" });
      cb.clock.advance!(1000);
      assert.deepEqual((await stateOf(id)).State, { Code: 48, Name: "terminated" });
    }
    for (const s of ["shutting-down", "terminated"] as const) {
      const id = await inState(s);
      const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      assert.equal(out.TerminatingInstances![0]!.CurrentState!.Name, s);
    }
  });

  it("TerminateInstances with one unknown id terminates nothing", async () => {
    const id = await inState("running");
    const e = await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, "i-0123456789abcdef0"] })));
    assert.equal(e.name, "InvalidInstanceID.NotFound");
    assert.equal((await stateOf(id)).State!.Name, "running");
  });

  it("RebootInstances: running stays running on the same host with the same addresses; other states refused", async () => {
    const id = await inState("running");
    const before = await stateOf(id);
    await ec2.send(new RebootInstancesCommand({ InstanceIds: [id] }));
    const after = await stateOf(id);
    assert.equal(after.State!.Name, "running");
    assert.equal(after.PublicIpAddress, before.PublicIpAddress);
    const log = Buffer.from((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output!, "base64").toString();
    const hosts = [...log.matchAll(/on host (h-[0-9a-f]+)/g)].map((m) => m[1]);
    assert.equal(hosts.length, 2);
    assert.equal(hosts[0], hosts[1], "a reboot keeps the host");
    for (const s of ["pending", "stopping", "stopped", "shutting-down", "terminated"] as const) {
      const other = await inState(s);
      assert.equal((await failure(ec2.send(new RebootInstancesCommand({ InstanceIds: [other] })))).name, "IncorrectInstanceState", s);
    }
  });

  it("ModifyInstanceAttribute instanceType: refused unless stopped, then the new type boots", async () => {
    for (const s of ["pending", "running", "stopping", "shutting-down", "terminated"] as const) {
      const id = await inState(s);
      assert.equal((await failure(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.small" } })))).name, "IncorrectInstanceState", s);
    }
    const id = await inState("stopped");
    const bad = await failure(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.gigantic" } })));
    assert.equal(bad.name, "InvalidInstanceAttributeValue");
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.small" } }));
    await start(id);
    cb.clock.advance!(PENDING);
    const i = await stateOf(id);
    assert.equal(i.InstanceType, "t3.small");
    assert.equal(i.State!.Name, "running");
  });

  it("GetConsoleOutput: empty while pending, kept after stop", async () => {
    const id = await inState("pending");
    assert.equal((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output, undefined);
    cb.clock.advance!(PENDING);
    await stop(id);
    cb.clock.advance!(1000);
    const log = Buffer.from((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output!, "base64").toString();
    assert.match(log, /Cloud-init v\. .* finished/);
    assert.match(log, /reboot: Power down/);
  });

  it("stop protection (DisableApiStop) refuses StopInstances with OperationNotPermitted", async () => {
    const id = await launch({ DisableApiStop: true });
    cb.clock.advance!(PENDING);
    const e = await failure(stop(id));
    assert.equal(e.name, "OperationNotPermitted");
    assert.match(e.message, /disableApiStop/);
  });

  it("termination protection is per AZ: the protected AZ group stays, other AZs terminate, the call reports the refusal", async () => {
    const a1 = await launch({ Placement: { AvailabilityZone: "us-east-1a" }, DisableApiTermination: true });
    const a2 = await launch({ Placement: { AvailabilityZone: "us-east-1a" } });
    const b1 = await launch({ Placement: { AvailabilityZone: "us-east-1b" } });
    cb.clock.advance!(PENDING);
    const e = await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: [a1, a2, b1] })));
    assert.equal(e.name, "OperationNotPermitted");
    assert.equal(e.message, `The instance '${a1}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
    assert.equal((await stateOf(a1)).State!.Name, "running");
    assert.equal((await stateOf(a2)).State!.Name, "running", "an unprotected instance in the protected AZ group is kept too");
    assert.equal((await stateOf(b1)).State!.Name, "shutting-down");
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: a1, DisableApiTermination: { Value: false } }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [a1, a2] }));
    assert.equal((await stateOf(a1)).State!.Name, "shutting-down");
  });

  it("a guest that shuts itself down follows InstanceInitiatedShutdownBehavior: stop by default, once (user data runs on first boot only)", async () => {
    const UserData = Buffer.from("#!/bin/bash\necho going down\nshutdown -h now\n").toString("base64");
    const id = await launch({ UserData });
    cb.clock.advance!(PENDING);
    assert.equal((await stateOf(id)).State!.Name, "running");
    cb.clock.advance!(1000);
    const stopping = await stateOf(id);
    assert.equal(stopping.State!.Name, "stopping");
    assert.equal(stopping.StateReason!.Code, "Client.InstanceInitiatedShutdown");
    cb.clock.advance!(1000);
    assert.equal((await stateOf(id)).State!.Name, "stopped");
    const log = Buffer.from((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output!, "base64").toString();
    assert.match(log, /going down[\s\S]*reboot: Power down/);
    await start(id);
    cb.clock.advance!(PENDING + 5000);
    assert.equal((await stateOf(id)).State!.Name, "running");
  });

  it("behaviour terminate: the guest's shutdown terminates it, termination protection notwithstanding", async () => {
    const UserData = Buffer.from("#!/bin/sh\npoweroff\n").toString("base64");
    const id = await launch({ UserData, InstanceInitiatedShutdownBehavior: "terminate", DisableApiTermination: true });
    cb.clock.advance!(PENDING + 1000);
    assert.equal((await stateOf(id)).State!.Name, "shutting-down");
    cb.clock.advance!(1000);
    assert.deepEqual((await stateOf(id)).State, { Code: 48, Name: "terminated" });
    cb.clock.advance!(3_600_000);
    assert.equal((await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).name, "InvalidInstanceID.NotFound");
  });

  it("changing the behaviour before the guest powers off is what counts", async () => {
    const UserData = Buffer.from("#!/bin/sh\nsudo shutdown now\n").toString("base64");
    const id = await launch({ UserData });
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceInitiatedShutdownBehavior: { Value: "terminate" } }));
    cb.clock.advance!(PENDING + 2000);
    assert.equal((await stateOf(id)).State!.Name, "terminated");
  });
});

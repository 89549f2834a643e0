import type {
  InstanceStateChange, RebootInstancesRequest, StartInstancesRequest, StartInstancesResult, StopInstancesRequest, StopInstancesResult,
  TerminateInstancesRequest, TerminateInstancesResult,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../../sdk-compat/errors/service-error.js";
import type { Ec2Context } from "../context.js";
import { Ec2Errors, dryRunGate } from "../errors.js";
import { availabilityZonesOf } from "../regions.js";
import { typeSpec } from "../../hypervisor/catalog-port.js";
import type { PlacementSession } from "../../hypervisor/hypervisor.js";
import type { BootEvent, InstanceRow } from "./instance-store.js";
import { currentState, stateOf, userInitiated } from "./lifecycle.js";
import type { InstanceStateName } from "./lifecycle.js";
import { rowsById } from "./describe-instances.js";
import { allocatePublicIp } from "./run-instances.js";
import { purgeExpired } from "./purge.js";

const change = (id: string, previous: InstanceStateName, current: InstanceStateName): InstanceStateChange => ({ InstanceId: id, PreviousState: stateOf(previous), CurrentState: stateOf(current) });

const ids = (list: string[] | undefined): string[] => {
  if (!list?.length) throw Ec2Errors.missing("InstanceId");
  return list;
};

function appendBoot(row: InstanceRow, event: BootEvent): string {
  const events = JSON.parse(row.boots) as BootEvent[];
  events.push(event);
  // The console keeps the last boots only; older ones would fall out of its 64 KiB anyway.
  return JSON.stringify(events.slice(-20));
}

/**
 * StartInstances (reference A.2): stopped → pending on a host chosen now, preferring another host
 * than the last one, with a new public IP; pending/running are no-ops; anything else is refused.
 * All instances are checked before any moves, and a capacity or quota failure moves none.
 */
export function startInstances(c: Ec2Context, input: StartInstancesRequest, ctx: OperationContext): StartInstancesResult {
  const now = c.env.clock.now();
  const rows = rowsById(c, ctx, ids(input.InstanceIds), now);
  const states = rows.map((r) => currentState(r, now));
  rows.forEach((r, i) => {
    const s = states[i]!;
    if (s === "stopping" || s === "shutting-down" || s === "terminated") throw Ec2Errors.incorrectState(`The instance '${r.instance_id}' is not in a state from which it can be started.`);
  });
  dryRunGate(input);
  return startAll(c, rows, states, ctx, now);
}

function startAll(c: Ec2Context, rows: InstanceRow[], states: InstanceStateName[], ctx: OperationContext, now: number): StartInstancesResult {
  return c.env.db.transaction(() => {
    const needed = new Map<string, number>();
    rows.forEach((r, i) => {
      if (states[i] === "stopped") needed.set(r.quota_bucket, (needed.get(r.quota_bucket) ?? 0) + r.vcpus);
    });
    for (const [bucket, vcpus] of needed) {
      const limit = c.settings.vcpuQuota(bucket);
      if (c.instances.vcpusInUse(ctx.account, ctx.region, bucket, now) + vcpus > limit) throw Ec2Errors.vcpuLimit(limit);
    }
    const sessions = new Map<string, PlacementSession>();
    const out: InstanceStateChange[] = [];
    rows.forEach((row, i) => {
      const s = states[i]!;
      if (s !== "stopped") {
        out.push(change(row.instance_id, s, s));
        return;
      }
      const type = typeSpec(row.instance_type)!;
      const key = `${row.az}/${type.family}`;
      let session = sessions.get(key);
      if (!session) sessions.set(key, (session = c.hypervisor.session(ctx.region, row.az, type, now)));
      const slot = session.place(type, row.host_id ?? undefined);
      if (!slot) throw Ec2Errors.insufficientCapacity(type.name, row.az, availabilityZonesOf(ctx.region).map((z) => z.name).filter((z) => z !== row.az));
      const settlesAt = now + c.settings.lifecycle.pendingMs;
      c.instances.start({
        instance_id: row.instance_id, state_at: now, settles_at: settlesAt, host_id: slot.host.hostId, socket: slot.socket, previous_host_id: row.host_id,
        public_ip: allocatePublicIp(c, ctx.region), boots: appendBoot(row, { at: settlesAt, kind: "boot", hostId: slot.host.hostId, hypervisor: slot.host.spec.hypervisor }),
      });
      out.push(change(row.instance_id, "stopped", "pending"));
    });
    return { StartingInstances: out };
  });
}

/** StopInstances: running → stopping (the host is released when stopping settles); stopping/stopped are no-ops. */
export function stopInstances(c: Ec2Context, input: StopInstancesRequest, ctx: OperationContext): StopInstancesResult {
  const now = c.env.clock.now();
  const rows = rowsById(c, ctx, ids(input.InstanceIds), now);
  const states = rows.map((r) => currentState(r, now));
  rows.forEach((r, i) => {
    const s = states[i]!;
    if (s === "pending" || s === "shutting-down" || s === "terminated") throw Ec2Errors.incorrectState(`This instance '${r.instance_id}' is not in a state from which it can be stopped.`);
    if (s === "running" && r.root_device_type !== "ebs") throw new ServiceError("UnsupportedOperation", `The instance '${r.instance_id}' does not have an 'ebs' root device type and cannot be stopped.`);
    if (s === "running" && r.disable_api_stop === 1) throw Ec2Errors.notPermitted(`The instance '${r.instance_id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
  });
  dryRunGate(input);
  return stopAll(c, rows, states, input, now);
}

function stopAll(c: Ec2Context, rows: InstanceRow[], states: InstanceStateName[], input: StopInstancesRequest, now: number): StopInstancesResult {
  return c.env.db.transaction(() => ({
    StoppingInstances: rows.map((row, i) => {
      const s = states[i]!;
      if (s !== "running") return change(row.instance_id, s, s);
      // Force skips the guest's graceful shutdown: the stop settles at once.
      const settlesAt = now + (input.Force ? 0 : c.settings.lifecycle.stoppingMs);
      c.instances.setState({
        instance_id: row.instance_id, terminated_at: null, state: "stopping", state_at: now, settles_at: settlesAt, host_release_at: settlesAt,
        transition_reason: userInitiated(now), state_reason_code: "Client.UserInitiatedShutdown", state_reason_message: "Client.UserInitiatedShutdown: User initiated shutdown",
        boots: appendBoot(row, { at: settlesAt, kind: "stop", hostId: row.host_id ?? undefined }),
      });
      return change(row.instance_id, "running", "stopping");
    }),
  }));
}

/**
 * TerminateInstances: every state may be terminated, shutting-down/terminated are no-ops. With
 * termination protection the rule is per AZ (reference A.2): if any instance of an AZ group is
 * protected none of that group terminates, other groups still do, and the call reports the refusal.
 */
export function terminateInstances(c: Ec2Context, input: TerminateInstancesRequest, ctx: OperationContext): TerminateInstancesResult {
  const now = c.env.clock.now();
  const rows = rowsById(c, ctx, ids(input.InstanceIds), now);
  dryRunGate(input);
  const blockedZones = new Map<string, InstanceRow>();
  for (const r of rows) if (r.disable_api_termination === 1 && currentState(r, now) !== "terminated" && !blockedZones.has(r.az)) blockedZones.set(r.az, r);
  let refusal: ServiceError | undefined;
  if (blockedZones.size) {
    const r = [...blockedZones.values()][0]!;
    refusal = Ec2Errors.notPermitted(`The instance '${r.instance_id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
  }
  const result = terminateAll(c, rows, blockedZones, ctx, now);
  if (refusal) throw refusal;
  return result;
}

function terminateAll(c: Ec2Context, rows: InstanceRow[], blockedZones: Map<string, InstanceRow>, ctx: OperationContext, now: number): TerminateInstancesResult {
  return c.env.db.transaction(() => {
    purgeExpired(c, ctx.account, ctx.region, now);
    const out: InstanceStateChange[] = [];
    for (const row of rows) {
      if (blockedZones.has(row.az)) continue;
      const s = currentState(row, now);
      if (s === "shutting-down" || s === "terminated") {
        out.push(change(row.instance_id, s, s));
        continue;
      }
      const settlesAt = now + c.settings.lifecycle.shuttingDownMs;
      // A stopped instance holds no host; a running one keeps it until shutting-down settles.
      const release = s === "stopped" ? now : s === "stopping" ? Math.min(row.host_release_at ?? now, settlesAt) : settlesAt;
      c.instances.setState({
        instance_id: row.instance_id, terminated_at: settlesAt, state: "shutting-down", state_at: now, settles_at: settlesAt, host_release_at: release,
        transition_reason: userInitiated(now), state_reason_code: "Client.UserInitiatedShutdown", state_reason_message: "Client.UserInitiatedShutdown: User initiated shutdown",
        boots: s === "stopped" || s === "stopping" ? row.boots : appendBoot(row, { at: settlesAt, kind: "terminate", hostId: row.host_id ?? undefined }),
      });
      c.volumes?.instanceTerminated(ctx.account, ctx.region, row.instance_id);
      out.push(change(row.instance_id, s, "shutting-down"));
    }
    return { TerminatingInstances: out };
  });
}

/** RebootInstances: only running instances; the guest stays on its host with its addresses. */
export function rebootInstances(c: Ec2Context, input: RebootInstancesRequest, ctx: OperationContext): Record<string, never> {
  const now = c.env.clock.now();
  const rows = rowsById(c, ctx, ids(input.InstanceIds), now);
  for (const r of rows) if (currentState(r, now) !== "running") throw Ec2Errors.incorrectState(`The instance '${r.instance_id}' is not in a state from which it can be rebooted.`);
  dryRunGate(input);
  c.env.db.transaction(() => {
    for (const row of rows) c.instances.setBoots(row.instance_id, appendBoot(row, { at: now, kind: "reboot", hostId: row.host_id ?? undefined, hypervisor: row.hypervisor }));
  });
  return {};
}

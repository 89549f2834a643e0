import type {
  DescribeInstanceStatusRequest, DescribeInstanceStatusResult, GetConsoleOutputRequest, GetConsoleOutputResult, InstanceStatus, InstanceStatusSummary,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import type { Ec2Context } from "../context.js";
import { Ec2Errors, dryRunGate } from "../errors.js";
import type { FieldReader } from "../filters.js";
import { compileFilters, decodeToken, encodeToken, pageSize, passes } from "../filters.js";
import { findImage } from "../../images/catalogue.js";
import { consoleLog } from "../../hypervisor/boot-log.js";
import type { BootEvent, InstanceRow } from "./instance-store.js";
import { STATE_CODES, currentState, stateOf } from "./lifecycle.js";
import type { InstanceStateName } from "./lifecycle.js";
import { candidateRows } from "./describe-instances.js";

interface StatusItem {
  row: InstanceRow;
  state: InstanceStateName;
  status: "ok" | "initializing" | "not-applicable";
}

/**
 * Status checks: once running, both checks report `initializing` for a while (minutes on AWS,
 * configurable here), then `ok`; non-running instances are `not-applicable`.
 */
function statusOf(c: Ec2Context, row: InstanceRow, state: InstanceStateName, now: number): StatusItem["status"] {
  if (state !== "running") return "not-applicable";
  const runningSince = row.state === "pending" && row.settles_at !== null ? row.settles_at : row.state_at;
  const events = JSON.parse(row.boots) as BootEvent[];
  const lastReboot = events.filter((e) => e.kind === "reboot" && e.at <= now).pop()?.at ?? 0;
  return now - Math.max(runningSince, lastReboot) < c.settings.lifecycle.statusInitializingMs ? "initializing" : "ok";
}

const summary = (status: StatusItem["status"]): InstanceStatusSummary => ({
  Status: status,
  Details: status === "not-applicable" ? undefined : [{ Name: "reachability", Status: status === "ok" ? "passed" : "initializing" }],
});

const FILTERS: Record<string, FieldReader<StatusItem>> = {
  "availability-zone": (s) => s.row.az,
  "instance-state-name": (s) => s.state,
  "instance-state-code": (s) => STATE_CODES[s.state],
  "system-status.status": (s) => s.status,
  "system-status.reachability": (s) => (s.status === "ok" ? "passed" : s.status),
  "instance-status.status": (s) => s.status,
  "instance-status.reachability": (s) => (s.status === "ok" ? "passed" : s.status),
  "event.code": () => null,
  "event.description": () => null,
};

export function describeInstanceStatus(c: Ec2Context, input: DescribeInstanceStatusRequest, ctx: OperationContext): DescribeInstanceStatusResult {
  const now = c.env.clock.now();
  const limit = pageSize(input.MaxResults, 5, 1000, !!input.InstanceIds?.length, "instancesSet");
  const after = decodeToken(input.NextToken);
  if (after !== undefined && typeof after !== "number") throw Ec2Errors.badNextToken();
  const filters = compileFilters(input.Filters, FILTERS);
  const rows = candidateRows(c, ctx, input.InstanceIds, undefined, now);
  dryRunGate(input);
  const out: InstanceStatus[] = [];
  let nextToken: string | undefined;
  for (const row of rows) {
    if (after !== undefined && row.seq <= after) continue;
    const state = currentState(row, now);
    if (!input.IncludeAllInstances && state !== "running") continue;
    const item: StatusItem = { row, state, status: statusOf(c, row, state, now) };
    if (!passes(filters, item, undefined)) continue;
    if (limit !== undefined && out.length >= limit) {
      nextToken = encodeToken(out.length ? rows.find((r) => r.instance_id === out[out.length - 1]!.InstanceId)!.seq : 0);
      break;
    }
    out.push({
      InstanceId: row.instance_id, AvailabilityZone: row.az, InstanceState: stateOf(state),
      SystemStatus: summary(item.status), InstanceStatus: summary(item.status),
      AttachedEbsStatus: item.status === "not-applicable" ? { Status: "not-applicable" } : { Status: item.status, Details: [{ Name: "reachability", Status: item.status === "ok" ? "passed" : "initializing" }] },
      Events: [],
    });
  }
  return { InstanceStatuses: out, NextToken: nextToken };
}

export function getConsoleOutput(c: Ec2Context, input: GetConsoleOutputRequest, ctx: OperationContext): GetConsoleOutputResult {
  if (!input.InstanceId) throw Ec2Errors.missing("InstanceId");
  const now = c.env.clock.now();
  const [row] = candidateRows(c, ctx, [input.InstanceId], undefined, now);
  dryRunGate(input);
  const r = row!;
  const text = consoleLog(
    { instanceId: r.instance_id, instanceType: r.instance_type, vcpus: r.vcpus, memoryMiB: r.memory_mib, privateIp: r.private_ip, region: r.region, virtualizationType: r.virtualization_type, userData: r.user_data },
    findImage(r.region, r.image_id),
    JSON.parse(r.boots) as BootEvent[],
    now,
  );
  // Output is base64 on the wire (the SDKs hand it over still encoded).
  return { InstanceId: r.instance_id, Timestamp: new Date(now), Output: text ? Buffer.from(text, "utf8").toString("base64") : undefined };
}

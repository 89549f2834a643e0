/**
 * Instance states (reference A.2). A row stores the state it was last put in and, for the
 * transitional ones, when that transition settles; the state a caller sees is derived from that
 * and the clock, so nothing needs a timer.
 */
export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

export const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

const SETTLES_TO: Partial<Record<InstanceStateName, InstanceStateName>> = { pending: "running", stopping: "stopped", "shutting-down": "terminated" };

export interface StoredState {
  state: InstanceStateName;
  settles_at: number | null;
}

export function currentState(row: StoredState, now: number): InstanceStateName {
  if (row.settles_at !== null && now >= row.settles_at) return SETTLES_TO[row.state] ?? row.state;
  return row.state;
}

export const stateOf = (name: InstanceStateName) => ({ Code: STATE_CODES[name], Name: name });

/** "User initiated (2024-01-01 12:00:00 GMT)", as StateTransitionReason reads on AWS. */
export function userInitiated(at: number): string {
  return `User initiated (${new Date(at).toISOString().replace("T", " ").slice(0, 19)} GMT)`;
}

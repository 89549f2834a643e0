
/**
 * Instance states (reference A.2). A row stores the state it was last put in and, for the
 * transitional ones, when that transition settles; the state a caller sees is derived from that
 * and the clock, so nothing needs a timer.
 *
 * A guest may power itself off (its user-data script runs `shutdown`/`poweroff` on first boot):
 * the launch then records when that happens and when it is over, and the instance goes, at those
 * times, to stopping → stopped or shutting-down → terminated as its InstanceInitiatedShutdownBehavior says.
 */
export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

export const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

const SETTLES_TO: Partial<Record<InstanceStateName, InstanceStateName>> = { pending: "running", stopping: "stopped", "shutting-down": "terminated" };

export interface StoredState {
  state: InstanceStateName;
  settles_at: number | null;
  guest_shutdown_at: number | null;
  guest_shutdown_ends_at: number | null;
  shutdown_behavior: string;
}

/** Whether the guest's own shutdown has begun (it only applies while the API left the instance pending/running). */
export function guestShutDown(row: StoredState, now: number): boolean {
  return row.guest_shutdown_at !== null && now >= row.guest_shutdown_at && (row.state === "pending" || row.state === "running");
}

export function currentState(row: StoredState, now: number): InstanceStateName {
  if (guestShutDown(row, now)) {
    const done = now >= row.guest_shutdown_ends_at!;
    return row.shutdown_behavior === "terminate" ? (done ? "terminated" : "shutting-down") : done ? "stopped" : "stopping";
  }
  if (row.settles_at !== null && now >= row.settles_at) return SETTLES_TO[row.state] ?? row.state;
  return row.state;
}

/** `{ Code, Name }` of a state, as EC2 answers it. */
export function stateOf(name: InstanceStateName): { Code: number; Name: InstanceStateName } {
  return { Code: STATE_CODES[name], Name: name };
}

/** "User initiated (2024-01-01 12:00:00 GMT)", as StateTransitionReason reads on AWS. */
export function userInitiated(at: number): string {
  return `User initiated (${new Date(at).toISOString().replace("T", " ").slice(0, 19)} GMT)`;
}

/** A user-data script that powers the machine off (cloud-init runs it once, on the first boot). */
export function scriptShutsDown(userDataBase64: string | null | undefined): boolean {
  if (!userDataBase64) return false;
  const script = Buffer.from(userDataBase64, "base64").toString("utf8");
  return script.startsWith("#!") && /^\s*(sudo\s+)?(shutdown|poweroff|halt|init\s+0)\b/m.test(script);
}

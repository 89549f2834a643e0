import type { Clock } from "../../storage/state/clock.js";

export type WakeReason = "wake" | "timeout" | "abort";

interface Waiter {
  wake(reason: WakeReason): void;
}

interface QueueWaiters {
  waiters: Waiter[];
  /** One clock timer per queue, at the earliest time a hidden message becomes visible. */
  timerAt: number;
  cancelTimer?: () => void;
}

/**
 * Long-poll waiters per queue. Nothing here holds message state: a waiter is only told to look
 * again (after a send, a visibility change, a delete in a FIFO queue, or when the clock reaches
 * the next time a hidden message becomes visible), and the receive itself reads the store.
 */
export class LongPoll {
  private readonly queues = new Map<number, QueueWaiters>();

  constructor(private readonly clock: Clock) {}

  wait(queueId: number, deadline: number, signal: AbortSignal): Promise<WakeReason> {
    return new Promise<WakeReason>((resolve) => {
      let entry = this.queues.get(queueId);
      if (!entry) {
        entry = { waiters: [], timerAt: Number.POSITIVE_INFINITY };
        this.queues.set(queueId, entry);
      }
      const state = entry;
      let done = false;
      const onAbort = () => waiter.wake("abort");
      const cancelDeadline = this.clock.schedule(deadline, () => waiter.wake("timeout"));
      const waiter: Waiter = {
        wake: (reason) => {
          if (done) return;
          done = true;
          cancelDeadline();
          signal.removeEventListener("abort", onAbort);
          const index = state.waiters.indexOf(waiter);
          if (index !== -1) state.waiters.splice(index, 1);
          if (state.waiters.length === 0) this.dropQueueTimer(queueId, state);
          resolve(reason);
        },
      };
      state.waiters.push(waiter);
      if (signal.aborted) waiter.wake("abort");
      else signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Wakes up to `count` waiters, oldest first. */
  notify(queueId: number, count = 1): void {
    const entry = this.queues.get(queueId);
    if (!entry) return;
    for (const waiter of entry.waiters.slice(0, count)) waiter.wake("wake");
  }

  notifyAll(queueId: number): void {
    const entry = this.queues.get(queueId);
    if (!entry) return;
    for (const waiter of entry.waiters.slice()) waiter.wake("wake");
  }

  hasWaiters(queueId: number): boolean {
    return (this.queues.get(queueId)?.waiters.length ?? 0) > 0;
  }

  /** Makes sure waiters of the queue look again when the clock reaches `at`. */
  wakeAt(queueId: number, at: number): void {
    const entry = this.queues.get(queueId);
    if (!entry || entry.waiters.length === 0 || at >= entry.timerAt) return;
    entry.cancelTimer?.();
    entry.timerAt = at;
    entry.cancelTimer = this.clock.schedule(at, () => {
      entry.timerAt = Number.POSITIVE_INFINITY;
      entry.cancelTimer = undefined;
      this.notifyAll(queueId);
    });
  }

  /** Ends every wait (reset, queue deletion). */
  clear(queueId?: number): void {
    for (const [id, entry] of [...this.queues]) {
      if (queueId !== undefined && id !== queueId) continue;
      for (const waiter of entry.waiters.slice()) waiter.wake("timeout");
      this.dropQueueTimer(id, entry);
    }
  }

  private dropQueueTimer(queueId: number, entry: QueueWaiters): void {
    entry.cancelTimer?.();
    entry.cancelTimer = undefined;
    entry.timerAt = Number.POSITIVE_INFINITY;
    if (entry.waiters.length === 0) this.queues.delete(queueId);
  }
}

import { SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { BenchTarget, Scenario } from "../scenario.js";
import { isCloudbox } from "../scenario.js";
import { benchClientConfig, measureLoop, warmUp, WARMUP_OPERATIONS } from "../scenario.js";

interface QueueState {
  sqs: SQSClient;
  queueUrl: string;
}

const BODY_256 = "x".repeat(256);
// moto needs about 10 ms per send and 50 ms per cycle; fewer operations keep its run short while
// the per-operation figures stay comparable.
const count = (target: BenchTarget, cloudbox: number, peer: number) => (isCloudbox(target) ? cloudbox : peer);

async function setupQueue(target: BenchTarget, name: string): Promise<QueueState> {
  const sqs = new SQSClient(benchClientConfig(target));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { sqs, queueUrl: QueueUrl! };
}

/** Receives and deletes until the queue is empty, so every measured receive takes a batch just sent. */
async function drain(state: QueueState): Promise<void> {
  for (;;) {
    const { Messages } = await state.sqs.send(new ReceiveMessageCommand({ QueueUrl: state.queueUrl, MaxNumberOfMessages: 10 }));
    if (!Messages?.length) break;
    await state.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: state.queueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

async function cycle({ sqs, queueUrl }: QueueState): Promise<void> {
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: BODY_256 })) }));
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  if (Messages?.length) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

export const scenarios: Scenario[] = [
  {
    name: "sqs: SendMessage 256 B (8 in flight)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 200 },
    async setup(target) {
      const state = await setupQueue(target, "bench-send");
      await warmUp(() => state.sqs.send(new SendMessageCommand({ QueueUrl: state.queueUrl, MessageBody: BODY_256 })));
      return state;
    },
    async run(target, state) {
      const { sqs, queueUrl } = state as QueueState;
      return measureLoop(count(target, 5000, 500), 8, () => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: BODY_256 })));
    },
    async teardown(_target, state) {
      (state as QueueState).sqs.destroy();
    },
  },
  {
    name: "sqs: SendMessageBatch(10) -> ReceiveMessage(10) -> DeleteMessageBatch cycle, 256 B bodies (4 in flight)",
    targets: ["cloudbox", "moto"],
    target: { cpuMicrosPerOp: 700 },
    async setup(target) {
      const state = await setupQueue(target, "bench-cycle");
      // A cycle is three requests: 2,000 of them warm cloudbox as any 2,000 operations do; moto's
      // interpreter has no JIT to warm, and 2,000 cycles would take it almost two minutes.
      await warmUp(() => cycle(state), count(target, WARMUP_OPERATIONS, 200));
      await drain(state);
      return state;
    },
    async run(target, state) {
      return measureLoop(count(target, 1500, 150), 4, () => cycle(state as QueueState));
    },
    async teardown(_target, state) {
      (state as QueueState).sqs.destroy();
    },
  },
];

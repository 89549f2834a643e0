import { SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { BenchTarget, Scenario } from "../scenario.js";
import { benchClientConfig, measureLoop } from "../scenario.js";

interface QueueState {
  sqs: SQSClient;
  queueUrl: string;
}

const BODY_256 = "x".repeat(256);
// moto needs about 10 ms per send and 50 ms per cycle; fewer operations keep its run short while
// the per-operation figures stay comparable.
const count = (target: BenchTarget, cloudbox: number, peer: number) => (target.name === "cloudbox" ? cloudbox : peer);

async function setupQueue(target: BenchTarget, name: string): Promise<QueueState> {
  const sqs = new SQSClient(benchClientConfig(target));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  // Warm the server's code paths before measuring.
  for (let i = 0; i < 200; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: BODY_256 }));
  return { sqs, queueUrl: QueueUrl! };
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
    setup: (target) => setupQueue(target, "bench-send"),
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
      // Start from an empty queue so every receive takes the batch just sent or an equal one.
      for (;;) {
        const { Messages } = await state.sqs.send(new ReceiveMessageCommand({ QueueUrl: state.queueUrl, MaxNumberOfMessages: 10 }));
        if (!Messages?.length) break;
        await state.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: state.queueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
      }
      for (let i = 0; i < 50; i++) await cycle(state);
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

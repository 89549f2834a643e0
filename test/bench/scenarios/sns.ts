import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { BenchTarget, RunResult, Scenario } from "../scenario.js";
import { benchClientConfig, warmUp } from "../scenario.js";

interface State {
  sns: SNSClient;
  sqs: SQSClient;
  topicArn: string;
  queueUrl: string;
}

const DELIVERIES = 1000;

async function prepare(target: BenchTarget): Promise<State> {
  const sns = new SNSClient(benchClientConfig(target));
  const sqs = new SQSClient(benchClientConfig(target));
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: "bench-fanout" }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "bench-fanout" }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!["QueueArn"]!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
  const state = { sns, sqs, topicArn, queueUrl };
  // The signing key is made on first use: once, before anything is timed.
  await deliverOnce(state, 0);
  // The harness's warm-up, as every other scenario has it (500 deliveries left V8 still compiling
  // cloudbox's delivery path on background threads during the measured part).
  await warmUp((i) => deliverOnce(state, i));
  return state;
}

/** Publish, then wait on a long poll until the notification is in the queue; the latency is the whole trip. */
async function deliverOnce(state: State, i: number): Promise<number> {
  const started = process.hrtime.bigint();
  await state.sns.send(new PublishCommand({ TopicArn: state.topicArn, Message: `event ${i}`, MessageAttributes: { n: { DataType: "Number", StringValue: String(i) } } }));
  for (;;) {
    const res = await state.sqs.send(new ReceiveMessageCommand({ QueueUrl: state.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5, VisibilityTimeout: 600 }));
    if (res.Messages?.length) return Number(process.hrtime.bigint() - started) / 1e6;
  }
}

/** Publish → delivered into an SQS queue, one message at a time, so latency is end to end. */
export const scenarios: Scenario[] = [
  {
    name: `sns: Publish → delivered into an SQS queue (${DELIVERIES} messages, signed envelope)`,
    targets: ["cloudbox", "moto"],
    target: { p50Ms: 5, cpuMicrosPerOp: 500 },
    setup: prepare,
    async run(_target, state): Promise<RunResult> {
      const s = state as State;
      const latenciesMs: number[] = [];
      for (let i = 0; i < DELIVERIES; i++) latenciesMs.push(await deliverOnce(s, i));
      return { operations: DELIVERIES, latenciesMs };
    },
    async teardown(_target, state) {
      const s = state as State;
      s.sns.destroy();
      s.sqs.destroy();
    },
  },
];

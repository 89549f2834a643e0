import { S3Client, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { RunResult, Scenario } from "../scenario.js";
import { BENCH_CREDENTIALS, measureLoop } from "../scenario.js";
import { cpuMicros, rssMb, startServer } from "../servers.js";
import { startCloudbox } from "../../../services/cloudbox.js";
import { clientConfig } from "../../../sdk-compat/client/client-config.js";

/**
 * In-process vs loopback: the whole cost of one SDK call (client and server together), since in
 * process they share one CPU budget. Loopback adds the server process's CPU to this process's.
 */
const WARMUP = 1500;
const COUNT = 3000;
const BODY = Buffer.alloc(1024, 120);

type Call = (s3: S3Client, sqs: SQSClient, queueUrl: string, i: number) => Promise<unknown>;

async function measureCall(inProcess: boolean, call: Call): Promise<RunResult> {
  const server = inProcess ? undefined : await startServer("cloudbox");
  const cb = inProcess ? await startCloudbox({ listen: false }) : undefined;
  try {
    const config = cb ? clientConfig(cb, { inProcess: true }) : { endpoint: server!.endpoint, region: "us-east-1", credentials: BENCH_CREDENTIALS, forcePathStyle: true };
    const s3 = new S3Client({ ...config, maxAttempts: 1 });
    const sqs = new SQSClient({ ...config, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "bench" }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench" }));
    for (let i = 0; i < WARMUP; i++) await call(s3, sqs, QueueUrl!, i);
    const ownBefore = process.cpuUsage();
    const serverBefore = server ? cpuMicros(server.pid) : 0;
    const result = await measureLoop(COUNT, 8, (i) => call(s3, sqs, QueueUrl!, i));
    const own = process.cpuUsage(ownBefore);
    const total = own.user + own.system + (server ? cpuMicros(server.pid) - serverBefore : 0);
    s3.destroy();
    sqs.destroy();
    return { ...result, cpuMicrosPerOp: total / COUNT, peakRssMb: server ? rssMb(server.pid) : process.memoryUsage().rss / 1048576 };
  } finally {
    await server?.stop();
    await cb?.stop();
  }
}

function transportScenario(name: string, call: Call): Scenario[] {
  return [
    { name: `transport: ${name}, loopback HTTP (client + server CPU per call)`, targets: ["cloudbox"], standalone: true, run: () => measureCall(false, call) },
    { name: `transport: ${name}, in-process handler (client + server CPU per call)`, targets: ["cloudbox"], standalone: true, run: () => measureCall(true, call) },
  ];
}

export const scenarios: Scenario[] = [
  ...transportScenario("S3 PutObject 1 KiB", (s3, _sqs, _url, i) => s3.send(new PutObjectCommand({ Bucket: "bench", Key: `k${i % 500}`, Body: BODY }))),
  ...transportScenario("SQS SendMessage 256 B", (_s3, sqs, url) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(256) }))),
];

import { spawn } from "node:child_process";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startCloudbox } from "../../services/cloudbox.js";
import type { CloudboxOptions } from "../../services/config.js";

/** An SDK error as a test inspects it. */
export type Failure = { name: string; $metadata: { httpStatusCode?: number }; message: string };

/** The error a call fails with; the test fails if the call succeeds. */
export async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    return error as Failure;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Starts cloudbox on a free loopback port for one test file. */
export async function startTestCloudbox(options: CloudboxOptions = {}): Promise<Cloudbox> {
  return startCloudbox({ port: 0, ...options });
}

/**
 * Options for any @aws-sdk/client-* pointed at a test cloudbox. With CLOUDBOX_TEST_TRANSPORT=in-process
 * the same suites run through the in-process handler instead of loopback HTTP.
 */
export function sdkConfig(cloudbox: Cloudbox, region = "us-east-1") {
  const config = { endpoint: cloudbox.endpoint, region, credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 };
  return process.env["CLOUDBOX_TEST_TRANSPORT"] === "in-process" ? { ...config, requestHandler: cloudbox.handler } : config;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for boto3 and the aws CLI pointed at a test cloudbox. */
export function pythonEnv(cloudbox: Cloudbox, region = "us-east-1"): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: cloudbox.endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: region,
    AWS_MAX_ATTEMPTS: "1",
    AWS_RETRY_MODE: "standard",
    AWS_PAGER: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Runs a boto3 script (read from stdin by python3) against cloudbox; the script prints JSON on its last line. */
export async function boto3(cloudbox: Cloudbox, script: string): Promise<unknown> {
  const result = await run("python3", ["-"], pythonEnv(cloudbox), script);
  if (result.code !== 0) throw new Error(`boto3 script failed (${result.code}):\n${result.stderr}`);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null");
}

/** Runs the aws CLI against cloudbox with JSON output. */
export async function awsCli(cloudbox: Cloudbox, args: string[]): Promise<ProcessResult & { json?: unknown }> {
  const result = await run("aws", ["--endpoint-url", cloudbox.endpoint, ...args, "--output", "json"], pythonEnv(cloudbox));
  let json: unknown;
  try {
    json = result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { ...result, json };
}

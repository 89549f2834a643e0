import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { startCloudbox, PortInUseError } from "./cloudbox.js";
import { ALL_SERVICES, DEFAULT_HOST, DEFAULT_PORT } from "./config.js";

const HELP = `cloudbox: a local AWS (S3, SQS, SNS, EC2, EBS) on one port.

Usage: cloudbox [options]

  --port <n>         port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)   CLOUDBOX_PORT
  --host <addr>      address to bind (default ${DEFAULT_HOST})                        CLOUDBOX_HOST
  --data-dir <dir>   keep state and object data there across restarts                 CLOUDBOX_DATA_DIR
  --services <list>  comma-separated subset of ${ALL_SERVICES.join(",")}                   CLOUDBOX_SERVICES
  --clock <kind>     real (default) or virtual (time moves only via /_cloudbox/clock)  CLOUDBOX_CLOCK
  --settings <file>  JSON of per-service settings, e.g. {"ec2":{"fleet":{"zones":{"us-east-1a":{"m5":1}}}}}
                                                                                      CLOUDBOX_SETTINGS
  --account-id <id>  the account of access keys that name none (default 000000000000) CLOUDBOX_ACCOUNT_ID
  --durable          fsync every commit (survive power loss, not only a kill)         CLOUDBOX_DURABLE
  --log-requests     print one line per request to stderr                             CLOUDBOX_LOG_REQUESTS
  -h, --help         this text

Point clients at it with AWS_ENDPOINT_URL=http://localhost:${DEFAULT_PORT}.`;

function envFlag(name: string): boolean | undefined {
  const v = process.env[name];
  return v === undefined ? undefined : /^(1|true|yes|on)$/i.test(v);
}

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        services: { type: "string" },
        clock: { type: "string" },
        "account-id": { type: "string" },
        durable: { type: "boolean" },
        settings: { type: "string" },
        "log-requests": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`cloudbox: ${(error as Error).message}\nRun cloudbox --help for the options.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const portText = values.port ?? process.env["CLOUDBOX_PORT"] ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`cloudbox: --port must be a whole number from 0 to 65535, not "${portText}".\n`);
    return 2;
  }
  const clock = values.clock ?? process.env["CLOUDBOX_CLOCK"] ?? "real";
  if (clock !== "real" && clock !== "virtual") {
    process.stderr.write(`cloudbox: --clock is real or virtual, not "${clock}".\n`);
    return 2;
  }
  const services = (values.services ?? process.env["CLOUDBOX_SERVICES"])?.split(",").map((s) => s.trim()).filter(Boolean);
  const accountId = values["account-id"] ?? process.env["CLOUDBOX_ACCOUNT_ID"];
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    process.stderr.write(`cloudbox: --account-id is a 12-digit AWS account id, not "${accountId}".\n`);
    return 2;
  }
  const settingsFile = values.settings ?? process.env["CLOUDBOX_SETTINGS"];
  let settings: Record<string, Record<string, unknown>> | undefined;
  if (settingsFile) {
    try {
      settings = JSON.parse(readFileSync(settingsFile, "utf8")) as Record<string, Record<string, unknown>>;
    } catch (error) {
      process.stderr.write(`cloudbox: could not read the settings file ${settingsFile}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  try {
    const cloudbox = await startCloudbox({
      port,
      host: values.host ?? process.env["CLOUDBOX_HOST"],
      dataDir: values["data-dir"] ?? process.env["CLOUDBOX_DATA_DIR"],
      services,
      clock,
      accountId,
      durable: values.durable ?? envFlag("CLOUDBOX_DURABLE"),
      settings,
      logRequests: values["log-requests"] ?? envFlag("CLOUDBOX_LOG_REQUESTS"),
    });
    const shutdown = () => {
      cloudbox.stop().then(() => process.exit(0), () => process.exit(1));
    };
    // Handlers first: whoever reads "ready" may signal us at once.
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
    process.stdout.write(`cloudbox ${cloudbox.platform.version} ready on ${cloudbox.endpoint} (${[...cloudbox.platform.services.keys()].join(", ")})\n`);
    return -1;
  } catch (error) {
    if (error instanceof PortInUseError) process.stderr.write(`cloudbox: ${error.message}\n`);
    else process.stderr.write(`cloudbox: could not start: ${(error as Error).message}\n`);
    return 1;
  }
}

// Regenerates sdk-compat/models/*.json from the botocore installed with the machine's python3:
// documentation stripped, everything else kept verbatim. Patches live apart (sdk-compat/models/patches/).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const SERVICES = { s3: "2006-03-01", sqs: "2012-11-05", sns: "2010-03-31", ec2: "2016-11-15", ebs: "2019-11-02", sts: "2011-06-15", iam: "2010-05-08" };
const DROP = new Set(["documentation", "documentationUrl", "examples", "deprecatedMessage"]);

const python = process.env.PYTHON ?? "python3";
const [botocoreDir, version] = execFileSync(python, ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__));print(botocore.__version__)"], { encoding: "utf8" }).trim().split("\n");
const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "sdk-compat", "models");

function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (!DROP.has(k)) out[k] = strip(v);
    return out;
  }
  return value;
}

function readModel(service, apiVersion) {
  const base = join(botocoreDir, "data", service, apiVersion, "service-2.json");
  if (existsSync(base)) return JSON.parse(readFileSync(base, "utf8"));
  return JSON.parse(gunzipSync(readFileSync(base + ".gz")).toString("utf8"));
}

for (const [service, apiVersion] of Object.entries(SERVICES)) {
  const model = strip(readModel(service, apiVersion));
  writeFileSync(join(outDir, `${service}.json`), JSON.stringify(model) + "\n");
  console.log(`${service}: ${Object.keys(model.operations).length} operations, ${Object.keys(model.shapes).length} shapes`);
}
writeFileSync(join(outDir, "VERSION"), `botocore ${version}\n`);

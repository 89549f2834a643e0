import type { InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DATA_FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "compute", "catalog", "data", "instance-types.json");

/**
 * The static hardware catalogue: every instance type cloudbox knows, in the DescribeInstanceTypes shape
 * (data/instance-types.json, grouped by class, flattened in file order). Every instance of a type
 * sees this virtual hardware whichever host it lands on.
 */
const CATALOGUE: readonly InstanceTypeInfo[] = deepFreeze(Object.values(JSON.parse(readFileSync(DATA_FILE, "utf8")) as Record<string, InstanceTypeInfo[]>).flat());

const BY_NAME = new Map<string, InstanceTypeInfo>(CATALOGUE.map((t) => [t.InstanceType!, t]));

/** The type's description, or undefined when cloudbox does not know the name (names are case-sensitive, as on AWS). */
export function instanceType(name: string): InstanceTypeInfo | undefined {
  return BY_NAME.get(name);
}

/** Every type, grouped by class and ordered by size within a family. Frozen: callers must not mutate. */
export function allInstanceTypes(): readonly InstanceTypeInfo[] {
  return CATALOGUE;
}

/** "m5.large" → "m5", "m7i.metal-24xl" → "m7i". Works for names outside the catalogue too. */
export function familyOf(name: string): string {
  const dot = name.indexOf(".");
  return dot < 0 ? name : name.slice(0, dot);
}

/** "m5.large" → "large". */
export function sizeOf(name: string): string {
  const dot = name.indexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1);
}

/** Default vCPUs and memory of a known type, the two figures placement needs most. */
export function vcpusOf(info: InstanceTypeInfo): number {
  return info.VCpuInfo?.DefaultVCpus ?? 0;
}

export function memoryMiBOf(info: InstanceTypeInfo): number {
  return info.MemoryInfo?.SizeInMiB ?? 0;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

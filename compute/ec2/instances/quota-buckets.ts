/**
 * On-Demand vCPU quotas are per bucket of families, not per type: "Running On-Demand Standard (A, C,
 * D, H, I, M, R, T, Z) instances", "… G and VT instances", "… P instances", "… X instances", "… HPC
 * instances", and a few more. A launch counts against the bucket of its family.
 */
const PREFIXES: [RegExp, string][] = [
  [/^hpc/, "hpc"],
  [/^(g|vt)/, "g"],
  [/^p/, "p"],
  [/^x/, "x"],
  [/^f/, "f"],
  [/^inf/, "inf"],
  [/^dl/, "dl"],
  [/^trn/, "trn"],
];

const buckets = new Map<string, string>();

/** The bucket of a family, worked out once per family: every launch asks. */
export function quotaBucket(family: string): string {
  let bucket = buckets.get(family);
  if (bucket === undefined) {
    bucket = PREFIXES.find(([pattern]) => pattern.test(family))?.[1] ?? "standard";
    buckets.set(family, bucket);
  }
  return bucket;
}

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

export function quotaBucket(family: string): string {
  for (const [pattern, bucket] of PREFIXES) if (pattern.test(family)) return bucket;
  return "standard";
}

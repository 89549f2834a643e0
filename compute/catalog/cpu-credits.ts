/**
 * CPU credit figures of the burstable types (AWS "Key concepts for burstable performance instances" table).
 * Not part of InstanceTypeInfo: DescribeInstanceTypes only says BurstablePerformanceSupported.
 * One credit = one vCPU at 100% for one minute; an instance accrues at most 24 hours of earnings.
 * t1.micro predates the credit model (it was throttled opportunistically) and has no entry.
 */
export interface CpuCreditInfo {
  /** Credits earned per hour across the whole instance. */
  creditsPerHour: number;
  /** Most credits the balance can hold (24 × creditsPerHour). */
  maxAccruedCredits: number;
  /** Baseline utilization per vCPU, in percent. */
  baselinePerVCpuPercent: number;
  /** Baseline of the whole instance, in percent of one vCPU (vCPUs × per-vCPU baseline). */
  baselineTotalPercent: number;
  /** Credits granted at launch in standard mode (T2 only: 30 per vCPU). */
  launchCredits: number;
  /** Credit option when RunInstances does not say (standard for T2, unlimited for T3/T3a/T4g). */
  defaultCreditMode: "standard" | "unlimited";
}

function credits(vcpus: number, perHour: number, perVCpu: number, mode: "standard" | "unlimited"): CpuCreditInfo {
  return {
    creditsPerHour: perHour,
    maxAccruedCredits: Math.round(perHour * 24 * 10) / 10,
    baselinePerVCpuPercent: perVCpu,
    baselineTotalPercent: Math.round(vcpus * perVCpu * 100) / 100,
    launchCredits: mode === "standard" ? 30 * vcpus : 0,
    defaultCreditMode: mode,
  };
}

/** T3, T3a and T4g share one table: 2 vCPUs up to large, then 4 and 8. */
function nitroBurstable(family: "t3" | "t3a" | "t4g"): Record<string, CpuCreditInfo> {
  return {
    [`${family}.nano`]: credits(2, 6, 5, "unlimited"),
    [`${family}.micro`]: credits(2, 12, 10, "unlimited"),
    [`${family}.small`]: credits(2, 24, 20, "unlimited"),
    [`${family}.medium`]: credits(2, 24, 20, "unlimited"),
    [`${family}.large`]: credits(2, 36, 30, "unlimited"),
    [`${family}.xlarge`]: credits(4, 96, 40, "unlimited"),
    [`${family}.2xlarge`]: credits(8, 192, 40, "unlimited"),
  };
}

export const CPU_CREDITS: Readonly<Record<string, CpuCreditInfo>> = {
  "t2.nano": credits(1, 3, 5, "standard"),
  "t2.micro": credits(1, 6, 10, "standard"),
  "t2.small": credits(1, 12, 20, "standard"),
  "t2.medium": credits(2, 24, 20, "standard"),
  "t2.large": credits(2, 36, 30, "standard"),
  "t2.xlarge": credits(4, 54, 22.5, "standard"),
  "t2.2xlarge": credits(8, 81.6, 17, "standard"),
  ...nitroBurstable("t3"),
  ...nitroBurstable("t3a"),
  ...nitroBurstable("t4g"),
};

/** Credit figures of a burstable type, undefined for every other type. */
export function cpuCreditsOf(instanceTypeName: string): CpuCreditInfo | undefined {
  return Object.hasOwn(CPU_CREDITS, instanceTypeName) ? CPU_CREDITS[instanceTypeName] : undefined;
}

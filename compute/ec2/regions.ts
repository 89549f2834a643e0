import { memoized } from "../../storage/state/bounded-memo.js";

/** The commercial regions cloudbox answers for, each with three availability zones. */
export const REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1",
] as const;

const REGION_CODES: Record<string, string> = {
  "us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2", "ca-central-1": "cac1", "eu-west-1": "euw1",
  "eu-west-2": "euw2", "eu-west-3": "euw3", "eu-central-1": "euc1", "eu-north-1": "eun1", "ap-south-1": "aps1", "ap-northeast-1": "apne1",
  "ap-northeast-2": "apne2", "ap-southeast-1": "apse1", "ap-southeast-2": "apse2", "sa-east-1": "sae1",
};

export interface AvailabilityZone {
  name: string;
  id: string;
}

const zonesByRegion = new Map<string, readonly AvailabilityZone[]>();

/** Frozen and shared per region: a launch asks for its region's zones twice, and every listing once per instance. */
export function availabilityZonesOf(region: string): readonly AvailabilityZone[] {
  return memoized(zonesByRegion, region, 64, zonesOfRegion);
}

function zonesOfRegion(region: string): readonly AvailabilityZone[] {
  // Own keys only: a region named after an Object.prototype member ("constructor") must not find it.
  const code = Object.hasOwn(REGION_CODES, region) ? REGION_CODES[region]! : region.replace(/-/g, "");
  return Object.freeze(["a", "b", "c"].map((letter, i) => Object.freeze({ name: `${region}${letter}`, id: `${code}-az${i + 1}` })));
}

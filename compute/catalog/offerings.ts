import type { Filter, InstanceTypeOffering, LocationType } from "@aws-sdk/client-ec2";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { availabilityZonesOf } from "../ec2/regions.js";
import { invalidFilter } from "./describe-filter.js";
import { allInstanceTypes, instanceType } from "./instance-types.js";
import { wildcardMatcher } from "../ec2/filters.js";

/**
 * DescribeInstanceTypeOfferings data. Every catalogue type is offered in every region and zone cloudbox
 * serves: whether one can actually launch depends on the simulated fleet (no host of the family in a zone →
 * InsufficientInstanceCapacity), not on the offering list, so scripts that check offerings first still work.
 */
const LOCATION_TYPES: readonly string[] = ["region", "availability-zone", "availability-zone-id"];

export function isOffered(instanceTypeName: string, region: string, availabilityZone?: string): boolean {
  return instanceType(instanceTypeName) !== undefined && (!availabilityZone || availabilityZonesOf(region).some((z) => z.name === availabilityZone));
}

/** Offerings in `region` for one location type (default "region"), with the instance-type and location filters. */
export function describeInstanceTypeOfferings(region: string, locationType: LocationType | string | undefined, filters: readonly Filter[] | undefined): InstanceTypeOffering[] {
  const kind = locationType ?? "region";
  if (!LOCATION_TYPES.includes(kind)) {
    throw new ServiceError("InvalidParameterValue", `The value '${kind}' is not valid for LocationType. Valid values: ${LOCATION_TYPES.join(", ")}`, { status: 400 });
  }
  const tests = (filters ?? []).map((f) => {
    if (f.Name !== "instance-type" && f.Name !== "location") throw invalidFilter(f.Name);
    const matchers = (f.Values ?? []).map(wildcardMatcher);
    return { field: f.Name, matchers };
  });
  const zones = availabilityZonesOf(region);
  const locations = kind === "region" ? [region] : zones.map((z) => (kind === "availability-zone" ? z.name : z.id));
  const out: InstanceTypeOffering[] = [];
  for (const location of locations) {
    for (const t of allInstanceTypes()) {
      const offering = { InstanceType: t.InstanceType!, LocationType: kind as LocationType, Location: location };
      const ok = tests.every(({ field, matchers }) => {
        const value = field === "location" ? location : offering.InstanceType;
        return matchers.some((m) => m(value));
      });
      if (ok) out.push(offering);
    }
  }
  return out;
}

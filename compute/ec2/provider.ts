import type { DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult, DescribeRegionsRequest, DescribeRegionsResult } from "@aws-sdk/client-ec2";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { REGIONS, availabilityZonesOf } from "./regions.js";

/** EC2: regions and zones, instances on the simulated hypervisor. */
export function createEc2Provider(_env: DomainEnvironment): ServiceProvider {
  return {
    handlers: {
      DescribeRegions(input: DescribeRegionsRequest, _ctx: OperationContext): DescribeRegionsResult {
        const wanted = input.RegionNames;
        return {
          Regions: REGIONS.filter((r) => !wanted?.length || wanted.includes(r)).map((r) => ({ RegionName: r, Endpoint: `ec2.${r}.amazonaws.com`, OptInStatus: "opt-in-not-required" })),
        };
      },
      DescribeAvailabilityZones(input: DescribeAvailabilityZonesRequest, ctx: OperationContext): DescribeAvailabilityZonesResult {
        const wanted = input.ZoneNames;
        return {
          AvailabilityZones: availabilityZonesOf(ctx.region)
            .filter((z) => !wanted?.length || wanted.includes(z.name))
            .map((z) => ({ ZoneName: z.name, ZoneId: z.id, RegionName: ctx.region, State: "available", OptInStatus: "opt-in-not-required", ZoneType: "availability-zone", GroupName: ctx.region, NetworkBorderGroup: ctx.region, Messages: [] })),
        };
      },
    },
  };
}

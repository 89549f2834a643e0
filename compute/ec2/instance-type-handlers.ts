import type { DescribeInstanceTypeOfferingsRequest, DescribeInstanceTypeOfferingsResult, DescribeInstanceTypesRequest, DescribeInstanceTypesResult } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { describeInstanceTypeOfferings, describeInstanceTypes } from "../catalog/index.js";
import { Ec2Errors, dryRunGate } from "./errors.js";
import { decodeToken, encodeToken, pageSize } from "./filters.js";

/** One page of a list, continuing after the position in NextToken. */
function page<T>(items: readonly T[], limit: number | undefined, token: string | undefined): { items: T[]; next?: string } {
  const after = decodeToken(token);
  if (after !== undefined && typeof after !== "number") throw Ec2Errors.badNextToken();
  const start = after === undefined ? 0 : after + 1;
  if (limit === undefined) return { items: items.slice(start) };
  const end = start + limit;
  return { items: items.slice(start, end), next: end < items.length ? encodeToken(end - 1) : undefined };
}

/** DescribeInstanceTypes and DescribeInstanceTypeOfferings over the hardware catalogue. */
export function instanceTypeHandlers() {
  return {
    DescribeInstanceTypes(input: DescribeInstanceTypesRequest, _ctx: OperationContext): DescribeInstanceTypesResult {
      const limit = pageSize(input.MaxResults, 5, 100, !!input.InstanceTypes?.length, "instanceTypes");
      const types = describeInstanceTypes(input.InstanceTypes, input.Filters);
      dryRunGate(input);
      const { items, next } = page(types, limit, input.NextToken);
      return { InstanceTypes: items, NextToken: next };
    },
    DescribeInstanceTypeOfferings(input: DescribeInstanceTypeOfferingsRequest, ctx: OperationContext): DescribeInstanceTypeOfferingsResult {
      const limit = pageSize(input.MaxResults, 5, 1000, false, "");
      const offerings = describeInstanceTypeOfferings(ctx.region, input.LocationType, input.Filters);
      dryRunGate(input);
      const { items, next } = page(offerings, limit, input.NextToken);
      return { InstanceTypeOfferings: items, NextToken: next };
    },
  };
}

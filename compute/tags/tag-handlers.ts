import type { CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, DescribeTagsResult, TagDescription } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { Ec2Context } from "../ec2/context.js";
import { Ec2Errors, dryRunGate } from "../ec2/errors.js";
import { compileFilters, decodeToken, encodeToken, pageSize, passes } from "../ec2/filters.js";
import { findImage } from "../images/catalogue.js";
import type { TagRow } from "./tag-store.js";
import { resourceTypeOf, validateTags } from "./tag-store.js";

/** Does the resource exist for this account? Types owned by other modules (volumes, snapshots) are accepted when well-formed. */
function checkResource(c: Ec2Context, ctx: OperationContext, id: string): string {
  const type = resourceTypeOf(id);
  if (!type || !/^[a-z]+-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) throw new ServiceError("InvalidID", `The ID '${id}' is not valid`);
  const net = c.network.of(ctx.account, ctx.region);
  const missing = (code: string, what: string) => new ServiceError(code, `The ${what} '${id}' does not exist`);
  switch (type) {
    case "instance": {
      const row = c.instances.byId(id);
      if (!row || row.account !== ctx.account || row.region !== ctx.region) throw Ec2Errors.instanceNotFound([id]);
      break;
    }
    case "vpc": if (!net.vpcs.some((v) => v.vpcId === id)) throw missing("InvalidVpcID.NotFound", "vpc ID"); break;
    case "subnet": if (!net.subnets.some((s) => s.subnetId === id)) throw missing("InvalidSubnetID.NotFound", "subnet ID"); break;
    case "security-group": if (!net.groups.some((g) => g.groupId === id)) throw new ServiceError("InvalidGroup.NotFound", `The security group '${id}' does not exist`); break;
    case "image": if (!findImage(ctx.region, id)) throw new ServiceError("InvalidAMIID.NotFound", `The image id '[${id}]' does not exist`); break;
    case "key-pair": if (!c.keys.all(ctx.account, ctx.region).some((k) => k.key_pair_id === id)) throw new ServiceError("InvalidKeyPair.NotFound", `The key pair ID '${id}' does not exist`); break;
    default: break;
  }
  return type;
}

const FILTERS = {
  "resource-id": (t: TagRow) => t.resource_id, "resource-type": (t: TagRow) => t.resource_type, key: (t: TagRow) => t.key, value: (t: TagRow) => t.value,
};

export function tagHandlers(c: Ec2Context) {
  return {
    CreateTags(input: CreateTagsRequest, ctx: OperationContext): Record<string, never> {
      if (!input.Resources?.length) throw Ec2Errors.missing("ResourceId");
      if (!input.Tags?.length) throw Ec2Errors.missing("Tag");
      validateTags(input.Tags);
      const types = input.Resources.map((id) => checkResource(c, ctx, id));
      dryRunGate(input);
      c.env.db.transaction(() => input.Resources!.forEach((id, i) => c.tags.set(ctx.account, ctx.region, id, types[i]!, input.Tags!)));
      return {};
    },

    DeleteTags(input: DeleteTagsRequest, ctx: OperationContext): Record<string, never> {
      if (!input.Resources?.length) throw Ec2Errors.missing("ResourceId");
      for (const id of input.Resources) checkResource(c, ctx, id);
      dryRunGate(input);
      c.env.db.transaction(() => { for (const id of input.Resources!) c.tags.delete(ctx.account, ctx.region, id, input.Tags); });
      return {};
    },

    DescribeTags(input: DescribeTagsRequest, ctx: OperationContext): DescribeTagsResult {
      const limit = pageSize(input.MaxResults, 5, 1000, false, "");
      const after = decodeToken(input.NextToken);
      const filters = compileFilters<TagRow>(input.Filters, FILTERS);
      dryRunGate(input);
      const out: TagDescription[] = [];
      let next: string | undefined;
      let last = -1;
      const rows = c.tags.list(ctx.account, ctx.region);
      for (const [index, t] of rows.entries()) {
        if (typeof after === "number" && index <= after) continue;
        if (!passes(filters, t, undefined)) continue;
        if (limit !== undefined && out.length >= limit) {
          next = encodeToken(last);
          break;
        }
        last = index;
        out.push({ ResourceId: t.resource_id, ResourceType: t.resource_type as "instance", Key: t.key, Value: t.value });
      }
      return { Tags: out, NextToken: next };
    },
  };
}

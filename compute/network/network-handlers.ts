import type {
  CreateSecurityGroupRequest, CreateSecurityGroupResult, DeleteSecurityGroupRequest, DeleteSecurityGroupResult, DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult, DescribeSubnetsRequest, DescribeSubnetsResult, DescribeVpcsRequest, DescribeVpcsResult, SecurityGroup as SdkGroup,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { Ec2Context } from "../ec2/context.js";
import { Ec2Errors, dryRunGate } from "../ec2/errors.js";
import { compileFilters, passes } from "../ec2/filters.js";
import { tagsBySpecification, toTagList } from "../tags/tag-store.js";
import { currentState } from "../ec2/instances/lifecycle.js";
import { usableAddressCount } from "./addresses.js";
import type { SecurityGroup, Subnet, Vpc } from "./network-store.js";

function byIds<T>(all: T[], ids: string[] | undefined, idOf: (t: T) => string, notFound: (id: string) => ServiceError): T[] {
  if (!ids?.length) return all;
  for (const id of ids) if (!all.some((t) => idOf(t) === id)) throw notFound(id);
  return all.filter((t) => ids.includes(idOf(t)));
}

export function networkHandlers(c: Ec2Context) {
  const presentGroup = (g: SecurityGroup, tags: Map<string, string>): SdkGroup => ({
    GroupId: g.groupId, GroupName: g.groupName, Description: g.description, OwnerId: g.account, VpcId: g.vpcId,
    SecurityGroupArn: `arn:aws:ec2:${g.region}:${g.account}:security-group/${g.groupId}`,
    IpPermissions: g.isDefault ? [{ IpProtocol: "-1", IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: g.groupId, UserId: g.account }] }] : [],
    IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: toTagList(tags),
  });

  return {
    DescribeVpcs(input: DescribeVpcsRequest, ctx: OperationContext): DescribeVpcsResult {
      const net = c.network.of(ctx.account, ctx.region);
      const rows = byIds(net.vpcs, input.VpcIds, (v) => v.vpcId, (id) => new ServiceError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`));
      const filters = compileFilters<Vpc>(input.Filters, {
        "vpc-id": (v) => v.vpcId, "cidr": (v) => v.cidr, "cidr-block-association.cidr-block": (v) => v.cidr, "is-default": (v) => v.isDefault,
        state: () => "available", "owner-id": (v) => v.account, "dhcp-options-id": () => "default",
      });
      dryRunGate(input);
      return {
        Vpcs: rows.flatMap((v) => {
          const tags = c.tags.tagsOf(ctx.account, ctx.region, v.vpcId);
          if (!passes(filters, v, tags)) return [];
          return [{
            VpcId: v.vpcId, CidrBlock: v.cidr, State: "available" as const, DhcpOptionsId: "default", InstanceTenancy: "default" as const, IsDefault: v.isDefault, OwnerId: v.account,
            CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, CidrBlock: v.cidr, CidrBlockState: { State: "associated" as const } }],
            Tags: toTagList(tags),
          }];
        }),
      };
    },

    DescribeSubnets(input: DescribeSubnetsRequest, ctx: OperationContext): DescribeSubnetsResult {
      const net = c.network.of(ctx.account, ctx.region);
      const rows = byIds(net.subnets, input.SubnetIds, (s) => s.subnetId, (id) => new ServiceError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`));
      const filters = compileFilters<Subnet>(input.Filters, {
        "subnet-id": (s) => s.subnetId, "vpc-id": (s) => s.vpcId, "availability-zone": (s) => s.availabilityZone, "availability-zone-id": (s) => s.availabilityZoneId,
        "cidr-block": (s) => s.cidr, cidr: (s) => s.cidr, cidrBlock: (s) => s.cidr, "default-for-az": (s) => s.defaultForAz, defaultForAz: (s) => s.defaultForAz,
        "map-public-ip-on-launch": (s) => s.mapPublicIpOnLaunch, state: () => "available", "owner-id": (s) => s.account,
      });
      dryRunGate(input);
      const now = c.env.clock.now();
      return {
        Subnets: rows.flatMap((s) => {
          const tags = c.tags.tagsOf(ctx.account, ctx.region, s.subnetId);
          if (!passes(filters, s, tags)) return [];
          const used = c.instances.privateIpsUsed(s.subnetId, now).length;
          return [{
            SubnetId: s.subnetId, VpcId: s.vpcId, AvailabilityZone: s.availabilityZone, AvailabilityZoneId: s.availabilityZoneId, CidrBlock: s.cidr,
            AvailableIpAddressCount: usableAddressCount(s.cidr) - used, DefaultForAz: s.defaultForAz, MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
            State: "available" as const, OwnerId: s.account, SubnetArn: `arn:aws:ec2:${s.region}:${s.account}:subnet/${s.subnetId}`,
            AssignIpv6AddressOnCreation: false, Ipv6CidrBlockAssociationSet: [], MapCustomerOwnedIpOnLaunch: false, EnableDns64: false, Ipv6Native: false,
            PrivateDnsNameOptionsOnLaunch: { HostnameType: "ip-name" as const, EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
            Tags: toTagList(tags),
          }];
        }),
      };
    },

    DescribeSecurityGroups(input: DescribeSecurityGroupsRequest, ctx: OperationContext): DescribeSecurityGroupsResult {
      const net = c.network.of(ctx.account, ctx.region);
      let rows = byIds(net.groups, input.GroupIds, (g) => g.groupId, (id) => new ServiceError("InvalidGroup.NotFound", `The security group '${id}' does not exist`));
      if (input.GroupNames?.length) {
        const vpc = c.network.defaultVpc(ctx.account, ctx.region).vpcId;
        for (const n of input.GroupNames) if (!rows.some((g) => g.groupName === n && g.vpcId === vpc)) throw new ServiceError("InvalidGroup.NotFound", `The security group '${n}' does not exist in default VPC '${vpc}'`);
        rows = rows.filter((g) => g.vpcId === vpc && input.GroupNames!.includes(g.groupName));
      }
      const filters = compileFilters<SecurityGroup>(input.Filters, {
        "group-id": (g) => g.groupId, "group-name": (g) => g.groupName, "vpc-id": (g) => g.vpcId, description: (g) => g.description, "owner-id": (g) => g.account,
      });
      dryRunGate(input);
      return {
        SecurityGroups: rows.flatMap((g) => {
          const tags = c.tags.tagsOf(ctx.account, ctx.region, g.groupId);
          return passes(filters, g, tags) ? [presentGroup(g, tags)] : [];
        }),
      };
    },

    CreateSecurityGroup(input: CreateSecurityGroupRequest, ctx: OperationContext): CreateSecurityGroupResult {
      if (!input.GroupName) throw Ec2Errors.missing("GroupName");
      if (input.Description === undefined) throw Ec2Errors.missing("GroupDescription");
      if (input.GroupName.length > 255 || input.Description.length > 255) throw Ec2Errors.invalidValue("Group name and description are limited to 255 characters.");
      if (input.GroupName.startsWith("sg-")) throw Ec2Errors.invalidValue("Group names may not be in the format sg-*.");
      const vpcId = input.VpcId ?? c.network.defaultVpc(ctx.account, ctx.region).vpcId;
      if (!c.network.of(ctx.account, ctx.region).vpcs.some((v) => v.vpcId === vpcId)) throw new ServiceError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
      if (input.GroupName === "default") throw new ServiceError("InvalidGroup.Reserved", "The security group 'default' is reserved");
      if (c.network.groupByName(ctx.account, ctx.region, vpcId, input.GroupName)) throw new ServiceError("InvalidGroup.Duplicate", `The security group '${input.GroupName}' already exists for VPC '${vpcId}'`);
      const tags = tagsBySpecification(input.TagSpecifications, ["security-group"]).get("security-group") ?? [];
      dryRunGate(input);
      const g = c.env.db.transaction(() => {
        const created = c.network.createGroup(ctx.account, ctx.region, vpcId, input.GroupName!, input.Description!);
        if (tags.length) c.tags.set(ctx.account, ctx.region, created.groupId, "security-group", tags);
        return created;
      });
      return { GroupId: g.groupId, Tags: tags.length ? tags : undefined, SecurityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.account}:security-group/${g.groupId}` };
    },

    DeleteSecurityGroup(input: DeleteSecurityGroupRequest, ctx: OperationContext): DeleteSecurityGroupResult {
      const net = c.network.of(ctx.account, ctx.region);
      const g = input.GroupId !== undefined ? net.groups.find((x) => x.groupId === input.GroupId) : net.groups.find((x) => x.groupName === input.GroupName && x.vpcId === c.network.defaultVpc(ctx.account, ctx.region).vpcId);
      if (!g) throw new ServiceError("InvalidGroup.NotFound", `The security group '${input.GroupId ?? input.GroupName}' does not exist`);
      if (g.isDefault) throw new ServiceError("CannotDelete", `the specified group: "${g.groupId}" name: "default" cannot be deleted by a user`);
      const now = c.env.clock.now();
      const user = c.instances.all(ctx.account, ctx.region).find((r) => currentState(r, now) !== "terminated" && r.groups.includes(g.groupId));
      if (user) throw new ServiceError("DependencyViolation", `resource ${g.groupId} has a dependent object`);
      dryRunGate(input);
      c.env.db.transaction(() => {
        c.network.deleteGroup(ctx.account, ctx.region, g.groupId);
        c.tags.deleteAll(ctx.account, ctx.region, g.groupId);
      });
      return { Return: true, GroupId: g.groupId };
    },
  };
}

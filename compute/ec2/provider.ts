import type { DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult, DescribeRegionsRequest, DescribeRegionsResult } from "@aws-sdk/client-ec2";
import type { OperationContext, ServiceHandlers, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import type { ImageSnapshotUsage, VolumeHooks } from "../../storage/ebs/volume-hooks.js";
import { imagesOf } from "../images/catalogue.js";
import { REGIONS, availabilityZonesOf } from "./regions.js";
import type { Ec2Context } from "./context.js";
import { ec2Settings } from "./settings.js";
import type { InstanceView } from "./instance-view.js";
import { InstanceStore } from "./instances/instance-store.js";
import { instanceHandlers } from "./instances/handlers.js";
import { instanceView } from "./instances/instance-view.js";
import { TagStore } from "../tags/tag-store.js";
import { tagHandlers } from "../tags/tag-handlers.js";
import { NetworkStore } from "../network/network-store.js";
import { networkHandlers } from "../network/network-handlers.js";
import { KeyPairStore } from "../keys/key-pair-store.js";
import { keyPairHandlers } from "../keys/key-pair-handlers.js";
import { imageHandlers } from "../images/image-handlers.js";
import { instanceTypeHandlers } from "./instance-type-handlers.js";
import { Fleet } from "../hypervisor/fleet.js";
import { Hypervisor } from "../hypervisor/hypervisor.js";
import type { HostReport } from "../hypervisor/hypervisor.js";

/** What EC2 declares to the modules whose EC2-API operations it serves (EBS): instances, tags and images. */
export interface Ec2ForVolumes {
  instances: InstanceView;
  tags: TagStore;
  images: ImageSnapshotUsage;
}

export interface Ec2Dependencies {
  /**
   * EBS, made from EC2's declared interface once EC2's stores exist: its side of launch volumes,
   * attachments and DeleteOnTermination, and its EC2-API operations, merged into this service.
   */
  volumes?: (ec2: Ec2ForVolumes) => { hooks: VolumeHooks; handlers: ServiceHandlers };
}

export interface Ec2Provider extends ServiceProvider {
  /** What other modules may know of instances. */
  instances: InstanceView;
  /** The shared tag store, so other modules' EC2 resources are tagged and described like the rest. */
  tags: TagStore;
  /** Which AMI uses a snapshot, so EBS refuses to delete a registered image's snapshot. */
  images: ImageSnapshotUsage;
  /** The simulated hardware and what runs on it (GET /_cloudbox/ec2/hosts). */
  hosts(region: string, filter?: { availabilityZone?: string; family?: string; onlyUsed?: boolean }): HostReport[];
}

/** EC2: regions and zones, instances on the simulated hypervisor, and what they need around them. */
export function createEc2Provider(env: DomainEnvironment, deps: Ec2Dependencies = {}): Ec2Provider {
  const settings = ec2Settings(env.settings);
  const instances = new InstanceStore(env.db);
  const c: Ec2Context = {
    env,
    settings,
    instances,
    tags: new TagStore(env.db),
    network: new NetworkStore(env.db, settings.defaultSubnetPrefixLength, () => env.clock.now()),
    hypervisor: new Hypervisor(new Fleet(settings.fleet), instances, settings.fleet.placement),
    keys: new KeyPairStore(env.db),
    volumes: undefined,
  };
  const declared: Ec2ForVolumes = {
    instances: instanceView(c),
    tags: c.tags,
    images: { imageUsingSnapshot: (_account, region, snapshotId) => imagesOf(region).find((i) => i.rootSnapshotId === snapshotId)?.imageId },
  };
  const ebs = deps.volumes?.(declared);
  c.volumes = ebs?.hooks;
  return {
    ...declared,
    hosts: (region, filter) => c.hypervisor.report(region, env.clock.now(), filter),
    reset: () => {
      c.network.reset();
    },
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
      ...instanceHandlers(c),
      ...instanceTypeHandlers(),
      ...networkHandlers(c),
      ...imageHandlers(c),
      ...keyPairHandlers(c),
      ...tagHandlers(c),
      ...ebs?.handlers,
    },
  };
}

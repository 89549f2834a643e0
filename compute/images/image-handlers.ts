import type { DescribeImagesRequest, DescribeImagesResult, Image } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { Ec2Context } from "../ec2/context.js";
import { dryRunGate } from "../ec2/errors.js";
import { compileFilters, decodeToken, encodeToken, pageSize, passes } from "../ec2/filters.js";
import { toTagList } from "../tags/tag-store.js";
import type { MachineImage } from "./catalogue.js";
import { imagesOf } from "./catalogue.js";

const FILTERS = {
  "image-id": (i: MachineImage) => i.imageId, name: (i: MachineImage) => i.name, description: (i: MachineImage) => i.description,
  architecture: (i: MachineImage) => i.architecture, "owner-id": (i: MachineImage) => i.ownerId, "owner-alias": (i: MachineImage) => i.ownerAlias,
  state: () => "available", "virtualization-type": (i: MachineImage) => i.virtualizationType, "root-device-type": (i: MachineImage) => i.rootDeviceType,
  "root-device-name": (i: MachineImage) => i.rootDeviceName, platform: (i: MachineImage) => i.platform, "platform-details": (i: MachineImage) => i.platformDetails,
  "is-public": () => true, "image-type": () => "machine", hypervisor: () => "xen", "ena-support": (i: MachineImage) => i.enaSupport,
  "kernel-id": (i: MachineImage) => i.kernelId, "creation-date": (i: MachineImage) => i.creationDate,
  "block-device-mapping.snapshot-id": (i: MachineImage) => i.rootSnapshotId, "block-device-mapping.volume-size": (i: MachineImage) => i.rootVolumeSize,
  "block-device-mapping.volume-type": (i: MachineImage) => i.rootVolumeType, "block-device-mapping.device-name": (i: MachineImage) => i.rootDeviceName,
  "usage-operation": (i: MachineImage) => i.usageOperation,
};

export function presentImage(i: MachineImage, tags: Map<string, string> | undefined): Image {
  return {
    ImageId: i.imageId, ImageLocation: `${i.ownerAlias ?? i.ownerId}/${i.name}`, State: "available", OwnerId: i.ownerId, ImageOwnerAlias: i.ownerAlias,
    CreationDate: i.creationDate, Public: true, Architecture: i.architecture, ImageType: "machine", Name: i.name, Description: i.description,
    RootDeviceType: i.rootDeviceType, RootDeviceName: i.rootDeviceName, VirtualizationType: i.virtualizationType, Hypervisor: "xen",
    Platform: i.platform as "Windows" | undefined, PlatformDetails: i.platformDetails, UsageOperation: i.usageOperation, KernelId: i.kernelId, EnaSupport: i.enaSupport,
    SriovNetSupport: i.virtualizationType === "hvm" ? "simple" : undefined, BootMode: i.bootMode as "uefi" | undefined, ProductCodes: [],
    BlockDeviceMappings: [{ DeviceName: i.rootDeviceName, Ebs: { SnapshotId: i.rootSnapshotId, VolumeSize: i.rootVolumeSize, VolumeType: i.rootVolumeType as "gp3", DeleteOnTermination: true, Encrypted: false } }],
    DeprecationTime: undefined, Tags: toTagList(tags),
  };
}

export function imageHandlers(c: Ec2Context) {
  return {
    DescribeImages(input: DescribeImagesRequest, ctx: OperationContext): DescribeImagesResult {
      const all = imagesOf(ctx.region);
      let images = all;
      if (input.ImageIds?.length) {
        for (const id of input.ImageIds) {
          if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw new ServiceError("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`);
        }
        const missing = input.ImageIds.filter((id) => !all.some((i) => i.imageId === id));
        if (missing.length) throw new ServiceError("InvalidAMIID.NotFound", `The image id '[${missing.join(", ")}]' does not exist`);
        images = images.filter((i) => input.ImageIds!.includes(i.imageId));
      }
      if (input.Owners?.length) {
        // "self" means images this account registered; the catalogue's are all public ones.
        images = images.filter((i) => input.Owners!.some((o) => o === i.ownerId || (o === "amazon" && i.ownerAlias === "amazon") || (o === "self" && i.ownerId === ctx.account)));
      }
      const limit = pageSize(input.MaxResults, 5, 1000, !!input.ImageIds?.length, "imagesSet");
      const after = decodeToken(input.NextToken);
      const filters = compileFilters<MachineImage>(input.Filters, FILTERS);
      dryRunGate(input);
      const out: Image[] = [];
      let next: string | undefined;
      let last = -1;
      for (const [index, i] of images.entries()) {
        if (typeof after === "number" && index <= after) continue;
        const tags = c.tags.tagsOf(ctx.account, ctx.region, i.imageId);
        if (!passes(filters, i, tags)) continue;
        if (limit !== undefined && out.length >= limit) {
          next = encodeToken(last);
          break;
        }
        out.push(presentImage(i, tags));
        last = index;
      }
      return { Images: out, NextToken: next };
    },
  };
}

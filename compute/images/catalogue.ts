import { createHash } from "node:crypto";

/** A public AMI of the catalogue; its ids are derived from region and name, stable across restarts. */
export interface MachineImage {
  imageId: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  architecture: "x86_64" | "arm64" | "i386";
  virtualizationType: "hvm" | "paravirtual";
  rootDeviceType: "ebs" | "instance-store";
  rootDeviceName: string;
  rootSnapshotId: string;
  rootVolumeSize: number;
  rootVolumeType: string;
  platform?: "windows";
  platformDetails: string;
  usageOperation: string;
  kernelId?: string;
  bootMode?: string;
  enaSupport: boolean;
  creationDate: string;
  /** What the boot log says the guest runs. */
  os: { kernel: string; pretty: string; init: "cloud-init" | "ec2launch" };
}

type Template = Omit<MachineImage, "imageId" | "rootSnapshotId">;

const AMAZON = "137112412989";
const CANONICAL = "099720109477";
const AMAZON_WINDOWS = "801119661308";

const TEMPLATES: Template[] = [
  {
    name: "al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64", description: "Amazon Linux 2023 AMI 2023.6.20241010.0 x86_64 HVM kernel-6.1",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "x86_64", virtualizationType: "hvm", rootDeviceType: "ebs", rootDeviceName: "/dev/xvda",
    rootVolumeSize: 8, rootVolumeType: "gp3", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", bootMode: "uefi-preferred", enaSupport: true,
    creationDate: "2024-10-10T19:07:42.000Z", os: { kernel: "6.1.112-122.189.amzn2023.x86_64", pretty: "Amazon Linux 2023.6.20241010", init: "cloud-init" },
  },
  {
    name: "al2023-ami-2023.6.20241010.0-kernel-6.1-arm64", description: "Amazon Linux 2023 AMI 2023.6.20241010.0 arm64 HVM kernel-6.1",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "arm64", virtualizationType: "hvm", rootDeviceType: "ebs", rootDeviceName: "/dev/xvda",
    rootVolumeSize: 8, rootVolumeType: "gp3", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", bootMode: "uefi", enaSupport: true,
    creationDate: "2024-10-10T19:07:45.000Z", os: { kernel: "6.1.112-122.189.amzn2023.aarch64", pretty: "Amazon Linux 2023.6.20241010", init: "cloud-init" },
  },
  {
    name: "amzn2-ami-kernel-5.10-hvm-2.0.20241001.0-x86_64-gp2", description: "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241001.0 x86_64 HVM gp2",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "x86_64", virtualizationType: "hvm", rootDeviceType: "ebs", rootDeviceName: "/dev/xvda",
    rootVolumeSize: 8, rootVolumeType: "gp2", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", bootMode: "legacy-bios", enaSupport: true,
    creationDate: "2024-10-01T22:13:05.000Z", os: { kernel: "5.10.226-214.879.amzn2.x86_64", pretty: "Amazon Linux 2", init: "cloud-init" },
  },
  {
    name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241004", description: "Canonical, Ubuntu, 24.04, amd64 noble image",
    ownerId: CANONICAL, architecture: "x86_64", virtualizationType: "hvm", rootDeviceType: "ebs", rootDeviceName: "/dev/sda1",
    rootVolumeSize: 8, rootVolumeType: "gp3", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", bootMode: "uefi-preferred", enaSupport: true,
    creationDate: "2024-10-04T08:21:11.000Z", os: { kernel: "6.8.0-1016-aws", pretty: "Ubuntu 24.04.1 LTS", init: "cloud-init" },
  },
  {
    name: "Windows_Server-2022-English-Full-Base-2024.10.09", description: "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
    ownerId: AMAZON_WINDOWS, ownerAlias: "amazon", architecture: "x86_64", virtualizationType: "hvm", rootDeviceType: "ebs", rootDeviceName: "/dev/sda1",
    rootVolumeSize: 30, rootVolumeType: "gp2", platform: "windows", platformDetails: "Windows", usageOperation: "RunInstances:0002", enaSupport: true,
    creationDate: "2024-10-09T20:51:34.000Z", os: { kernel: "Windows NT 10.0.20348", pretty: "Microsoft Windows Server 2022 Datacenter", init: "ec2launch" },
  },
  {
    name: "amzn-ami-pv-2013.09.2.x86_64-ebs", description: "Amazon Linux AMI x86_64 PV EBS",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "x86_64", virtualizationType: "paravirtual", rootDeviceType: "ebs", rootDeviceName: "/dev/sda1",
    rootVolumeSize: 8, rootVolumeType: "standard", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", kernelId: "aki-919dcaf8", enaSupport: false,
    creationDate: "2013-12-06T22:54:33.000Z", os: { kernel: "3.4.68-59.97.amzn1.x86_64", pretty: "Amazon Linux AMI 2013.09", init: "cloud-init" },
  },
];

const hex17 = (text: string) => createHash("sha1").update(text).digest("hex").slice(0, 17);

const byRegion = new Map<string, MachineImage[]>();

export function imagesOf(region: string): MachineImage[] {
  let list = byRegion.get(region);
  if (!list) {
    list = TEMPLATES.map((t) => ({ ...t, imageId: `ami-${hex17(`${region}/${t.name}`)}`, rootSnapshotId: `snap-${hex17(`${region}/${t.name}/root`)}` }));
    byRegion.set(region, list);
  }
  return list;
}

export function findImage(region: string, imageId: string): MachineImage | undefined {
  return imagesOf(region).find((i) => i.imageId === imageId);
}

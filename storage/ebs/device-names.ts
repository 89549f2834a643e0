/**
 * EBS device names EC2 accepts in AttachVolume and block device mappings (HVM and Xen styles):
 * /dev/sd[a-z] with an optional partition 1–15, /dev/xvd[a-z] or /dev/xvd[a-z][a-z], /dev/hd[a-z]
 * on old Xen, and the bare xvd[f-z] names Windows uses.
 */
const LINUX = /^\/dev\/(sd[a-z]|xvd[a-z]{1,2}|hd[a-z])([1-9]|1[0-5])?$/;
const WINDOWS = /^xvd[a-z]{1,2}$/;

export function isValidDeviceName(device: string): boolean {
  return LINUX.test(device) || WINDOWS.test(device);
}

/** Nitro instances share 28 attachment slots between EBS, ENIs and NVMe instance store; one ENI is always there. */
export function attachmentLimit(hypervisor: "nitro" | "xen"): number {
  return hypervisor === "nitro" ? 27 : 40;
}

export const MULTI_ATTACH_MAX_INSTANCES = 16;

import { createHash } from "node:crypto";
import type { MachineImage } from "../images/catalogue.js";
import type { BootEvent } from "../ec2/instances/instance-store.js";

export interface GuestFacts {
  instanceId: string;
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  privateIp: string;
  region: string;
  virtualizationType: string;
  userData: string | null;
}

const stamp = (seconds: number) => `[${seconds.toFixed(6).padStart(12, " ")}]`;
const clockText = (ms: number) => new Date(ms).toUTCString();

/**
 * The serial console as the hypervisor writes it: per boot the host it ran on, firmware and kernel
 * lines for the hypervisor kind, cloud-init with the SSH host keys, the user-data script's run,
 * and a power-down for each stop. Only boots that reached `running` are written, so a pending
 * instance has an empty console, as on EC2. AWS keeps the last 64 KiB.
 */
export function consoleLog(guest: GuestFacts, image: MachineImage | undefined, events: BootEvent[], now: number): string {
  const lines: string[] = [];
  const hostKey = createHash("sha256").update(`${guest.instanceId}/host-key`).digest("base64").replace(/=+$/, "");
  for (const e of events) {
    if (e.at > now) break;
    if (e.kind === "boot" || e.kind === "reboot") {
      const kind = e.hypervisor === "xen" ? (guest.virtualizationType === "paravirtual" ? "Xen PV" : "Xen HVM") : "KVM";
      lines.push(`cloudbox-hypervisor: ${e.kind === "reboot" ? "rebooting" : "starting"} ${guest.instanceId} (${guest.instanceType}, ${guest.vcpus} vCPU, ${guest.memoryMiB} MiB) on host ${e.hostId ?? "?"} [${e.hypervisor ?? "nitro"}] at ${clockText(e.at)}`);
      if (image?.os.init === "ec2launch") {
        const t = new Date(e.at).toISOString().replace("T", " ").slice(0, 19);
        lines.push(`${t}Z: ${image.os.kernel} booting on ${kind}`, `${t}Z: Info: EC2Launch v2 starting`, `${t}Z: Message: Username: Administrator`, `${t}Z: Message: Password: Get the password with your key pair (GetPasswordData)`);
        if (guest.userData) lines.push(`${t}Z: Info: Executing user data (${Buffer.from(guest.userData, "base64").length} bytes)`);
        lines.push(`${t}Z: Message: Windows is Ready to use`);
        continue;
      }
      const kernel = image?.os.kernel ?? "6.1.112-122.189.amzn2023.x86_64";
      lines.push(
        `${stamp(0)} Linux version ${kernel} (mockbuild@cloudbox) #1 SMP`,
        `${stamp(0)} Command line: BOOT_IMAGE=/boot/vmlinuz-${kernel} root=LABEL=/ ro console=tty0 console=ttyS0,115200n8`,
        `${stamp(0)} Hypervisor detected: ${kind}`,
        `${stamp(0.000001)} DMI: Amazon EC2 ${guest.instanceType}/, BIOS 1.0 10/16/2017`,
        `${stamp(0.021337)} smp: Brought up 1 node, ${guest.vcpus} CPU${guest.vcpus === 1 ? "" : "s"}`,
        `${stamp(0.031044)} Memory: ${guest.memoryMiB * 1024}K available`,
        e.hypervisor === "xen" ? `${stamp(0.912211)} blkfront: xvda: barrier or flush: disabled; persistent grants: enabled;` : `${stamp(0.912211)} nvme nvme0: 2/0/0 default/read/poll queues`,
        `${stamp(1.402981)} EXT4-fs (${e.hypervisor === "xen" ? "xvda1" : "nvme0n1p1"}): mounted filesystem with ordered data mode.`,
        `cloud-init[1712]: Cloud-init v. 22.2.2 running 'init' at ${clockText(e.at)}. Up 5.12 seconds.`,
        `cloud-init[1712]: ci-info: | eth0 | True | ${guest.privateIp} | 255.255.240.0 | global |`,
        "-----BEGIN SSH HOST KEY FINGERPRINTS-----",
        `256 SHA256:${hostKey} no comment (ED25519)`,
        "-----END SSH HOST KEY FINGERPRINTS-----",
      );
      if (guest.userData) lines.push(...userDataRun(guest.userData));
      lines.push(`cloud-init[1858]: Cloud-init v. 22.2.2 finished at ${clockText(e.at)}. Datasource DataSourceEc2.  Up 9.41 seconds`, "", `${image?.os.pretty ?? "Amazon Linux"}`, `Kernel ${kernel} on an ${guest.virtualizationType === "paravirtual" ? "x86_64 (PV)" : kernel.includes("aarch64") ? "aarch64" : "x86_64"}`, "");
    } else {
      lines.push(`${stamp(1.0)} reboot: ${e.kind === "terminate" ? "Power down (instance terminating)" : "Power down"}`, `cloudbox-hypervisor: ${guest.instanceId} powered off on host ${e.hostId ?? "?"} at ${clockText(e.at)}`);
    }
  }
  const text = lines.join("\n");
  const bytes = Buffer.from(text, "utf8");
  return bytes.length > 65536 ? bytes.subarray(bytes.length - 65536).toString("utf8") : text;
}

/** cloud-init runs a `#!` user-data script; the guest's echo lines show up on the console. */
function userDataRun(base64: string): string[] {
  const script = Buffer.from(base64, "base64").toString("utf8");
  if (!script.startsWith("#!")) return [`cloud-init[1790]: Processing user data (${Buffer.byteLength(script)} bytes, not a script)`];
  const out = [`cloud-init[1790]: Running user-data script (${Buffer.byteLength(script)} bytes, ${script.split("\n", 1)[0]})`];
  for (const line of script.split("\n")) {
    const m = /^\s*echo\s+(.*)$/.exec(line);
    if (m) out.push(m[1]!.replace(/^(["'])(.*)\1$/, "$2"));
  }
  out.push("cloud-init[1790]: user-data script finished with exit code 0");
  return out;
}

/**
 * What EC2 tells other modules (EBS attachments) about an instance, without their reading its tables.
 * States are derived from the clock at the moment of the call.
 */
export interface InstanceSummary {
  instanceId: string;
  account: string;
  region: string;
  availabilityZone: string;
  state: "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";
  hypervisor: "nitro" | "xen";
  rootDeviceName: string;
  instanceType: string;
}

export interface InstanceView {
  find(account: string, region: string, instanceId: string): InstanceSummary | undefined;
}

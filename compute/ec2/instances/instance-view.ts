import type { InstanceSummary, InstanceView } from "../instance-view.js";
import type { Ec2Context } from "../context.js";
import { currentState } from "./lifecycle.js";
import { visible } from "./purge.js";

/** What EBS may know of an instance: its zone, derived state and root device, read on demand. */
export function instanceView(c: Ec2Context): InstanceView {
  return {
    find(account: string, region: string, instanceId: string): InstanceSummary | undefined {
      const row = c.instances.byId(instanceId);
      const now = c.env.clock.now();
      if (!row || row.account !== account || row.region !== region || !visible(c, row, now)) return undefined;
      return {
        instanceId: row.instance_id, account: row.account, region: row.region, availabilityZone: row.az, state: currentState(row, now),
        hypervisor: row.hypervisor === "xen" ? "xen" : "nitro", rootDeviceName: row.root_device_name, instanceType: row.instance_type,
      };
    },
  };
}

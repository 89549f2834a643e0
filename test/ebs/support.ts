import assert from "node:assert/strict";
import type { InstanceSummary, InstanceView } from "../../compute/ec2/instance-view.js";
import type { Cloudbox } from "../../services/cloudbox.js";
import { createEbsVolumeProvider } from "../../storage/ebs/volume-provider.js";
import type { VolumeHooks } from "../../storage/ebs/volume-hooks.js";
import type { VolumeBlocks } from "../../storage/ebs/volume-blocks.js";
import { resourceId } from "../../storage/state/ids.js";

export interface FakeInstances extends InstanceView {
  add(summary: Partial<InstanceSummary> & { availabilityZone: string }): InstanceSummary;
  setState(instanceId: string, state: InstanceSummary["state"]): void;
  hooks: VolumeHooks;
  blocks: VolumeBlocks;
}

/**
 * Puts a scripted InstanceView behind the running cloudbox's AttachVolume/DetachVolume, so the
 * attachment rules can be tested through real clients whatever the state of EC2 instances.
 */
export function installFakeInstances(cb: Cloudbox): FakeInstances {
  const instances = new Map<string, InstanceSummary>();
  const view: InstanceView = {
    find: (account, region, instanceId) => {
      const found = instances.get(instanceId);
      return found && found.account === account && found.region === region ? { ...found } : undefined;
    },
  };
  const { db, blobs, clock } = cb.platform;
  const ebs = createEbsVolumeProvider({ db, blobs, clock, settings: {} }, { instances: view });
  const ec2 = cb.platform.services.get("ec2")!;
  ec2.provider.handlers["AttachVolume"] = ebs.handlers["AttachVolume"]!;
  ec2.provider.handlers["DetachVolume"] = ebs.handlers["DetachVolume"]!;
  ec2.provider.handlers["CreateSnapshots"] = ebs.handlers["CreateSnapshots"]!;
  return {
    ...view,
    hooks: ebs.hooks,
    blocks: ebs.blocks,
    add(summary) {
      const region = summary.availabilityZone.slice(0, -1);
      const instance: InstanceSummary = {
        instanceId: resourceId("i"), account: "000000000000", region, state: "running", hypervisor: "nitro", rootDeviceName: "/dev/xvda", instanceType: "m5.large",
        ...summary,
      };
      instances.set(instance.instanceId, instance);
      return instance;
    },
    setState(instanceId, state) {
      instances.get(instanceId)!.state = state;
    },
  };
}

export const waiterFast = { minDelay: 0.2, maxDelay: 0.2, maxWaitTime: 20 };

/** Advances the virtual clock a little after each tick of real time, so a waiter polling in real time sees progress. */
export function advanceWhile<T>(cb: Cloudbox, promise: Promise<T>, stepMs = 1000): Promise<T> {
  const timer = setInterval(() => cb.clock.advance!(stepMs), 50);
  return promise.finally(() => clearInterval(timer));
}

/** The EC2/EBS error a call fails with, by its code and optionally its message. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp | string): Promise<void> {
  await assert.rejects(promise, (error: Error & { name: string }) => {
    assert.equal(error.name, code, `${error.name}: ${error.message}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  });
}

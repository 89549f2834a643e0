import type { DomainEnvironment } from "../../storage/state/environment.js";
import type { VolumeHooks } from "../../storage/ebs/volume-hooks.js";
import type { Ec2Settings } from "./settings.js";
import type { InstanceStore } from "./instances/instance-store.js";
import type { TagStore } from "../tags/tag-store.js";
import type { NetworkStore } from "../network/network-store.js";
import type { Hypervisor } from "../hypervisor/hypervisor.js";
import type { KeyPairStore } from "../keys/key-pair-store.js";

/** Everything the EC2 handlers share, built once per provider. */
export interface Ec2Context {
  env: DomainEnvironment;
  settings: Ec2Settings;
  instances: InstanceStore;
  tags: TagStore;
  network: NetworkStore;
  hypervisor: Hypervisor;
  keys: KeyPairStore;
  volumes: VolumeHooks | undefined;
}

import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { BenchTarget, Scenario } from "../scenario.js";
import { benchClientConfig, isCloudbox, measureLoop, warmUp } from "../scenario.js";

// moto answers in milliseconds: fewer calls keep its run short, the per-call figures stay comparable.
const calls = (target: BenchTarget) => (isCloudbox(target) ? 5000 : 1000);

/**
 * GetCallerIdentity: the call every SDK credential chain and `aws sts get-caller-identity` make first.
 * Its cost is the request path itself (SigV4 scope, caller resolution through the identity store, the
 * query protocol's XML), with no resource behind it. Only moto among the peers serves STS.
 */
export const scenarios: Scenario[] = [
  {
    name: "sts: GetCallerIdentity (8 in flight)",
    targets: ["cloudbox", "moto"],
    async setup(target) {
      const sts = new STSClient(benchClientConfig(target));
      await warmUp(() => sts.send(new GetCallerIdentityCommand({})));
      return sts;
    },
    async run(target, state) {
      const sts = state as STSClient;
      return measureLoop(calls(target), 8, () => sts.send(new GetCallerIdentityCommand({})));
    },
    async teardown(_target, state) {
      (state as STSClient).destroy();
    },
  },
];

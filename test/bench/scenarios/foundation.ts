import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import type { Scenario } from "../scenario.js";
import { benchClientConfig, measureLoop, warmUp } from "../scenario.js";

/** The cheapest authenticated round trip each server offers: the cost of the edge itself. */
export const scenarios: Scenario[] = [
  {
    name: "edge: S3 ListBuckets on an empty account (2,000 calls, 8 in flight)",
    targets: ["cloudbox", "moto", "s3rver"],
    async setup(target) {
      const s3 = new S3Client(benchClientConfig(target));
      await warmUp(() => s3.send(new ListBucketsCommand({})));
      return s3;
    },
    async run(_target, state) {
      const s3 = state as S3Client;
      return measureLoop(2000, 8, () => s3.send(new ListBucketsCommand({})));
    },
    async teardown(_target, state) {
      (state as S3Client).destroy();
    },
  },
];

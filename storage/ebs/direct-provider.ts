import type { GetSnapshotBlockRequest, ListSnapshotBlocksRequest } from "@aws-sdk/client-ebs";
import type { ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { DomainEnvironment } from "../state/environment.js";

function snapshotNotFound(snapshotId: string | undefined): ServiceError {
  return new ServiceError("ResourceNotFoundException", `The snapshot '${snapshotId}' does not exist.`, { status: 404, fields: { Reason: "SNAPSHOT_NOT_FOUND" } });
}

/** The EBS direct API (block-level reads and writes of snapshots). */
export function createEbsDirectProvider(_env: DomainEnvironment): ServiceProvider {
  return {
    handlers: {
      GetSnapshotBlock(input: GetSnapshotBlockRequest) {
        throw snapshotNotFound(input.SnapshotId);
      },
      ListSnapshotBlocks(input: ListSnapshotBlocksRequest) {
        throw snapshotNotFound(input.SnapshotId);
      },
    },
  };
}

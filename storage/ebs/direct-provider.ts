import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type {
  ChangedBlock, CompleteSnapshotRequest, CompleteSnapshotResponse, GetSnapshotBlockRequest, ListChangedBlocksRequest, ListChangedBlocksResponse,
  ListSnapshotBlocksRequest, ListSnapshotBlocksResponse, PutSnapshotBlockRequest, PutSnapshotBlockResponse, StartSnapshotRequest, StartSnapshotResponse,
} from "@aws-sdk/client-ebs";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { DomainEnvironment } from "../state/environment.js";
import { resourceId } from "../state/ids.js";
import { requestFingerprint } from "../state/request-fingerprint.js";
import type { EbsStore } from "./store.js";
import { BLOCK_SIZE, BLOCKS_PER_GIB, ebsStoreFor } from "./store.js";
import type { BlockRow, SnapshotRow } from "./schema.js";
import { canUseSnapshot } from "./snapshot-access.js";
import { UNKNOWN_VOLUME_ID } from "./snapshots.js";
import { resolveEncryption } from "./encryption.js";
import { tagList } from "./resource-tags.js";

const MAX_VOLUME_GIB = 65536;

const validation = (reason: string, message: string) => new ServiceError("ValidationException", message, { status: 400, fields: { Reason: reason } });
const notFound = (snapshotId: string | undefined) =>
  new ServiceError("ResourceNotFoundException", `The snapshot '${snapshotId}' does not exist.`, { status: 404, fields: { Reason: "SNAPSHOT_NOT_FOUND" } });
const accessDenied = (snapshotId: string) =>
  new ServiceError("AccessDeniedException", `You are not authorized to write to snapshot '${snapshotId}'.`, { status: 403, fields: { Reason: "UNAUTHORIZED_ACCOUNT" } });

function readable(store: EbsStore, ctx: OperationContext, snapshotId: string | undefined): SnapshotRow {
  const row = snapshotId ? store.snapshot(ctx.region, snapshotId) : undefined;
  if (!row || !canUseSnapshot(row, ctx.account)) throw notFound(snapshotId);
  return row;
}

function writable(store: EbsStore, ctx: OperationContext, snapshotId: string | undefined): SnapshotRow {
  const row = readable(store, ctx, snapshotId);
  if (row.account !== ctx.account) throw accessDenied(row.snapshot_id);
  if (row.source !== "direct" || row.complete_at !== null || row.failed) {
    throw validation("INVALID_SNAPSHOT_ID", `The snapshot '${row.snapshot_id}' is not a pending snapshot started with StartSnapshot.`);
  }
  if (store.snapshotState(row) === "error") throw validation("WRITE_REQUEST_TIMEOUT", `The snapshot '${row.snapshot_id}' was not completed within its timeout and can no longer be written.`);
  return row;
}

/** Block tokens name a snapshot's block until they expire; they are opaque to clients. */
function blockToken(snapshotId: string, index: number, expiry: number): string {
  return Buffer.from(`${snapshotId}:${index}:${expiry}`).toString("base64");
}

function checkBlockToken(store: EbsStore, token: string, snapshotId: string, index: number): void {
  const [sid, idx, expiry] = Buffer.from(token, "base64").toString("utf8").split(":");
  if (sid !== snapshotId || Number(idx) !== index || !(Number(expiry) > store.now())) {
    throw validation("INVALID_BLOCK_TOKEN", "The block token is not valid for this snapshot and block index, or it has expired.");
  }
}

interface PageCursor {
  start: number;
  limit: number;
}

function pageCursor(snapshotId: string, input: { NextToken?: string | undefined; MaxResults?: number | undefined; StartingBlockIndex?: number | undefined }): PageCursor {
  const limit = input.MaxResults ?? 10000;
  if (limit < 100 || limit > 10000) throw validation("INVALID_PARAMETER_VALUE", `MaxResults must be between 100 and 10000; got ${limit}.`);
  let start = input.StartingBlockIndex ?? 0;
  if (input.NextToken) {
    const [sid, next] = Buffer.from(input.NextToken, "base64").toString("utf8").split(":");
    if (sid !== snapshotId || !/^\d+$/.test(next ?? "")) throw validation("INVALID_PAGE_TOKEN", "The pagination token is not valid.");
    start = Math.max(start, Number(next));
  }
  return { start, limit };
}

const nextPageToken = (snapshotId: string, index: number) => Buffer.from(`${snapshotId}:${index}`).toString("base64");

/** The EBS direct API: block-level writes into new snapshots and reads of any snapshot's blocks. */
export function createEbsDirectProvider(env: DomainEnvironment): ServiceProvider {
  const store = ebsStoreFor(env);
  const { db, blobs } = env;
  const tokenExpiry = () => store.now() + store.timings.blockTokenTtlMs;

  function startResponse(row: SnapshotRow): StartSnapshotResponse {
    const tags = tagList(store.tags.tagsOf(row.account, row.region, row.snapshot_id));
    return {
      SnapshotId: row.snapshot_id, OwnerId: row.account, Status: store.snapshotState(row), StartTime: new Date(row.started_at), VolumeSize: row.volume_size,
      BlockSize: BLOCK_SIZE, Description: row.description || undefined, ParentSnapshotId: row.parent_snapshot_id ?? undefined,
      Tags: tags.length ? tags : undefined, KmsKeyArn: row.kms_key_id ?? undefined, SseType: row.encrypted ? "sse-ebs" : "none",
    };
  }

  return {
    handlers: {
      StartSnapshot(input: StartSnapshotRequest, ctx: OperationContext): StartSnapshotResponse {
        const size = Number(input.VolumeSize);
        if (!Number.isInteger(size) || size < 1 || size > MAX_VOLUME_GIB) throw validation("INVALID_VOLUME_SIZE", `The volume size must be between 1 and ${MAX_VOLUME_GIB} GiB.`);
        const timeout = input.Timeout ?? 60;
        if (timeout < 10 || timeout > 4320) throw validation("INVALID_PARAMETER_VALUE", "Timeout must be between 10 and 4320 minutes.");
        const token = input.ClientToken;
        const hash = requestFingerprint(input);
        return db.transaction(() => {
          if (token) {
            const existing = store.snapshotByToken(ctx.account, ctx.region, token);
            if (existing) {
              if (existing.request_hash !== hash) throw new ServiceError("ConflictException", "The ClientToken was already used for a request with different parameters.", { status: 409 });
              return startResponse(existing);
            }
          }
          let parent: SnapshotRow | undefined;
          if (input.ParentSnapshotId) {
            parent = readable(store, ctx, input.ParentSnapshotId);
            if (store.snapshotState(parent) !== "completed") throw validation("INVALID_DEPENDENCY_REQUEST", `The parent snapshot '${parent.snapshot_id}' is not completed.`);
            if (size < parent.volume_size) throw validation("INVALID_VOLUME_SIZE", `The volume size must be at least the parent snapshot's ${parent.volume_size} GiB.`);
          }
          const encryption = resolveEncryption(store, ctx.account, ctx.region, { encrypted: input.Encrypted, kmsKeyId: input.KmsKeyArn, sourceEncrypted: parent?.encrypted === 1, sourceKmsKeyId: parent?.kms_key_id });
          const now = store.now();
          const snapshotId = resourceId("snap");
          store.insertSnapshot({
            snapshot_id: snapshotId, account: ctx.account, region: ctx.region, volume_id: UNKNOWN_VOLUME_ID, volume_size: size, description: input.Description ?? "",
            encrypted: encryption.encrypted ? 1 : 0, kms_key_id: encryption.kmsKeyId,
            started_at: now, complete_at: null, timeout_at: now + timeout * 60_000, source: "direct", parent_snapshot_id: parent?.snapshot_id ?? null,
            lineage: parent?.lineage ?? snapshotId, client_token: token ?? null, request_hash: hash,
          }, input.Tags ?? []);
          if (parent) store.copySnapshotBlocks(parent.snapshot_id, snapshotId);
          return startResponse(store.snapshot(ctx.region, snapshotId)!);
        });
      },

      async PutSnapshotBlock(input: PutSnapshotBlockRequest, ctx: OperationContext): Promise<PutSnapshotBlockResponse> {
        const row = writable(store, ctx, input.SnapshotId);
        const index = input.BlockIndex!;
        if (!Number.isInteger(index) || index < 0 || index >= row.volume_size * BLOCKS_PER_GIB) {
          throw validation("INVALID_BLOCK", `Block index ${index} is outside a ${row.volume_size} GiB snapshot (0 to ${row.volume_size * BLOCKS_PER_GIB - 1}).`);
        }
        if (input.DataLength !== BLOCK_SIZE) throw validation("INVALID_PARAMETER_VALUE", `DataLength must be ${BLOCK_SIZE} bytes; got ${input.DataLength}.`);
        if (input.ChecksumAlgorithm !== "SHA256") throw validation("INVALID_PARAMETER_VALUE", "ChecksumAlgorithm must be SHA256.");
        const hash = createHash("sha256");
        let received = 0;
        const source = input.BlockData as unknown as Readable | Uint8Array;
        const blob = await blobs.write(source, (chunk) => {
          received += chunk.length;
          if (received > BLOCK_SIZE) throw validation("INVALID_BLOCK", `The block data is longer than ${BLOCK_SIZE} bytes.`);
          hash.update(chunk);
        });
        const checksum = hash.digest("base64");
        try {
          if (received !== BLOCK_SIZE) throw validation("INVALID_BLOCK", `The block data is ${received} bytes; DataLength says ${BLOCK_SIZE}.`);
          if (checksum !== input.Checksum) throw validation("INVALID_CHECKSUM", "The checksum of the block data does not match x-amz-Checksum.");
          db.transaction(() => {
            writable(store, ctx, input.SnapshotId);
            store.writeSnapshotBlock(row.snapshot_id, index, blob.id, checksum);
          });
        } catch (error) {
          blobs.discard(blob.id);
          throw error;
        }
        return { Checksum: checksum, ChecksumAlgorithm: "SHA256" };
      },

      CompleteSnapshot(input: CompleteSnapshotRequest, ctx: OperationContext): CompleteSnapshotResponse {
        return db.transaction(() => {
          const row = readable(store, ctx, input.SnapshotId);
          if (row.account !== ctx.account) throw accessDenied(row.snapshot_id);
          if (row.source === "direct" && row.complete_at !== null && !row.failed) return { Status: store.snapshotState(row) };
          writable(store, ctx, input.SnapshotId);
          const written = store.writtenBlocks(row.snapshot_id);
          if (input.ChangedBlocksCount !== written.length) {
            throw validation("INVALID_PARAMETER_VALUE", `ChangedBlocksCount is ${input.ChangedBlocksCount} but ${written.length} blocks were written to the snapshot.`);
          }
          if (input.Checksum !== undefined) {
            if (input.ChecksumAlgorithm !== "SHA256") throw validation("INVALID_PARAMETER_VALUE", "ChecksumAlgorithm must be SHA256.");
            if (input.ChecksumAggregationMethod !== "LINEAR") throw validation("INVALID_PARAMETER_VALUE", "ChecksumAggregationMethod must be LINEAR.");
            if (linearChecksum(written) !== input.Checksum) throw validation("INVALID_PARAMETER_VALUE", "The aggregated checksum does not match the blocks written to the snapshot.");
          }
          store.markSnapshotComplete(row.snapshot_id, store.now() + store.timings.directCompleteMs);
          return { Status: store.snapshotState(store.snapshot(ctx.region, row.snapshot_id)!) };
        });
      },

      ListSnapshotBlocks(input: ListSnapshotBlocksRequest, ctx: OperationContext): ListSnapshotBlocksResponse {
        const row = readable(store, ctx, input.SnapshotId);
        const { start, limit } = pageCursor(row.snapshot_id, input);
        const rows = store.snapshotBlocksFrom(row.snapshot_id, start, limit + 1);
        const expiry = tokenExpiry();
        const page = rows.slice(0, limit);
        const out: ListSnapshotBlocksResponse = {
          Blocks: page.map((b) => ({ BlockIndex: b.block_index, BlockToken: blockToken(row.snapshot_id, b.block_index, expiry) })),
          ExpiryTime: new Date(expiry),
          VolumeSize: row.volume_size,
          BlockSize: BLOCK_SIZE,
        };
        if (rows.length > limit) out.NextToken = nextPageToken(row.snapshot_id, rows[limit]!.block_index);
        return out;
      },

      ListChangedBlocks(input: ListChangedBlocksRequest, ctx: OperationContext): ListChangedBlocksResponse {
        const second = readable(store, ctx, input.SecondSnapshotId);
        const first = input.FirstSnapshotId !== undefined ? readable(store, ctx, input.FirstSnapshotId) : undefined;
        if (first && first.lineage !== second.lineage) {
          throw validation("UNRELATED_SNAPSHOTS", `The snapshots '${first.snapshot_id}' and '${second.snapshot_id}' are not of the same volume lineage.`);
        }
        const { start, limit } = pageCursor(second.snapshot_id, input);
        const firstBlocks = new Map<number, BlockRow>((first ? store.snapshotBlocks(first.snapshot_id) : []).map((b) => [b.block_index, b]));
        const secondBlocks = new Map<number, BlockRow>(store.snapshotBlocks(second.snapshot_id).map((b) => [b.block_index, b]));
        const indexes = [...new Set([...firstBlocks.keys(), ...secondBlocks.keys()])].filter((i) => i >= start).sort((a, b) => a - b);
        const expiry = tokenExpiry();
        const changed: ChangedBlock[] = [];
        let next: number | undefined;
        for (const index of indexes) {
          const a = firstBlocks.get(index);
          const b = secondBlocks.get(index);
          if (a && b && a.blob_id === b.blob_id) continue;
          if (changed.length === limit) {
            next = index;
            break;
          }
          const entry: ChangedBlock = { BlockIndex: index };
          if (a) entry.FirstBlockToken = blockToken(first!.snapshot_id, index, expiry);
          if (b) entry.SecondBlockToken = blockToken(second.snapshot_id, index, expiry);
          changed.push(entry);
        }
        const out: ListChangedBlocksResponse = { ChangedBlocks: changed, ExpiryTime: new Date(expiry), VolumeSize: second.volume_size, BlockSize: BLOCK_SIZE };
        if (next !== undefined) out.NextToken = nextPageToken(second.snapshot_id, next);
        return out;
      },

      GetSnapshotBlock(input: GetSnapshotBlockRequest, ctx: OperationContext) {
        const row = readable(store, ctx, input.SnapshotId);
        const index = input.BlockIndex!;
        checkBlockToken(store, input.BlockToken!, row.snapshot_id, index);
        const block = store.snapshotBlock(row.snapshot_id, index);
        if (!block) {
          const zeros = Buffer.alloc(BLOCK_SIZE);
          return { DataLength: BLOCK_SIZE, BlockData: zeros, Checksum: createHash("sha256").update(zeros).digest("base64"), ChecksumAlgorithm: "SHA256" };
        }
        return { DataLength: BLOCK_SIZE, BlockData: blobs.read(block.blob_id), Checksum: block.checksum, ChecksumAlgorithm: "SHA256" };
      },
    },
  };
}

/** LINEAR aggregation: SHA-256 over the raw per-block SHA-256 digests in ascending block index, base64. */
export function linearChecksum(blocks: BlockRow[]): string {
  const hash = createHash("sha256");
  for (const block of blocks) hash.update(Buffer.from(block.checksum, "base64"));
  return hash.digest("base64");
}

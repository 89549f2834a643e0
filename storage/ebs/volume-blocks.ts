import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { EbsStore } from "./store.js";
import { BLOCK_SIZE, BLOCKS_PER_GIB } from "./store.js";

/**
 * Block-level access to a volume's bytes for the guest side (instances writing their disks, tools
 * seeding data): 512 KiB blocks, sparse, each write a new immutable blob so snapshots already taken
 * keep the bytes they saw. Unwritten blocks read as zeros.
 */
export interface VolumeBlocks {
  write(account: string, region: string, volumeId: string, blockIndex: number, data: Buffer): Promise<void>;
  /** The block's bytes, or undefined when it was never written (zeros). */
  read(account: string, region: string, volumeId: string, blockIndex: number): Readable | undefined;
  /** Indexes of the blocks that hold data, ascending. */
  writtenBlocks(account: string, region: string, volumeId: string): number[];
}

export function createVolumeBlocks(store: EbsStore): VolumeBlocks {
  const { db, blobs } = store.env;
  const volumeOf = (account: string, region: string, volumeId: string) => {
    const volume = store.volume(account, region, volumeId);
    if (!volume || volume.deleted_at !== null) throw new ServiceError("InvalidVolume.NotFound", `The volume '${volumeId}' does not exist.`);
    return volume;
  };
  const checkIndex = (size: number, index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= size * BLOCKS_PER_GIB) throw new RangeError(`Block ${index} is outside a ${size} GiB volume.`);
  };
  return {
    async write(account, region, volumeId, blockIndex, data) {
      checkIndex(volumeOf(account, region, volumeId).size, blockIndex);
      if (data.length !== BLOCK_SIZE) throw new RangeError(`A block is ${BLOCK_SIZE} bytes; got ${data.length}.`);
      const blob = await blobs.write(data);
      try {
        db.transaction(() => {
          volumeOf(account, region, volumeId);
          store.writeVolumeBlock(volumeId, blockIndex, blob.id, createHash("sha256").update(data).digest("base64"));
        });
      } catch (error) {
        blobs.discard(blob.id);
        throw error;
      }
    },
    read(account, region, volumeId, blockIndex) {
      volumeOf(account, region, volumeId);
      const block = store.volumeBlock(volumeId, blockIndex);
      return block ? blobs.read(block.blob_id) : undefined;
    },
    writtenBlocks(account, region, volumeId) {
      volumeOf(account, region, volumeId);
      return store.volumeBlocks(volumeId).map((b) => b.block_index);
    },
  };
}

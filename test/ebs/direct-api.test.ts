import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  EBSClient, StartSnapshotCommand, PutSnapshotBlockCommand, CompleteSnapshotCommand, ListSnapshotBlocksCommand, ListChangedBlocksCommand,
  GetSnapshotBlockCommand, ValidationException, ResourceNotFoundException, ConflictException,
} from "@aws-sdk/client-ebs";
import { EC2Client, CreateVolumeCommand, CreateSnapshotCommand, DescribeSnapshotsCommand, DeleteSnapshotCommand, DeleteVolumeCommand, waitUntilSnapshotCompleted } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";
import { advanceWhile, installFakeInstances, waiterFast } from "./support.js";

const BLOCK = 524288;
const sha = (data: Buffer) => createHash("sha256").update(data).digest();

function block(seed: number): Buffer {
  const data = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i += 4) data.writeUInt32LE((seed * 2654435761 + i) >>> 0, i);
  return data;
}

function diskUsage(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    total += stat.isDirectory() ? diskUsage(path) : stat.blocks * 512;
  }
  return total;
}

async function readAll(stream: unknown): Promise<Buffer> {
  const withHelper = stream as { transformToByteArray?: () => Promise<Uint8Array> };
  if (typeof withHelper.transformToByteArray === "function") return Buffer.from(await withHelper.transformToByteArray());
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("EBS direct API (rest-json) with EC2 volumes and snapshots", () => {
  let cb: Cloudbox;
  let ebs: EBSClient;
  let ec2: EC2Client;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    ebs = new EBSClient(sdkConfig(cb));
    ec2 = new EC2Client(sdkConfig(cb));
  });
  after(async () => {
    ebs.destroy();
    ec2.destroy();
    await cb.stop();
  });

  async function put(snapshotId: string, index: number, data: Buffer) {
    return ebs.send(new PutSnapshotBlockCommand({
      SnapshotId: snapshotId, BlockIndex: index, BlockData: data, DataLength: BLOCK, Checksum: sha(data).toString("base64"), ChecksumAlgorithm: "SHA256",
    }));
  }

  async function completed(snapshotId: string) {
    const result = await advanceWhile(cb, waitUntilSnapshotCompleted({ client: ec2, ...waiterFast }, { SnapshotIds: [snapshotId] }), 2_000);
    assert.equal(result.state, "SUCCESS");
  }

  it("write blocks, create a volume from the snapshot, snapshot that volume, read the same bytes back, list changed blocks", async () => {
    const started = await ebs.send(new StartSnapshotCommand({ VolumeSize: 2, Description: "direct", Tags: [{ Key: "src", Value: "direct" }], Timeout: 60 }));
    assert.equal(started.$metadata.httpStatusCode, 201);
    assert.deepEqual([started.Status, started.BlockSize, started.VolumeSize, started.OwnerId], ["pending", BLOCK, 2, "000000000000"]);
    const first = started.SnapshotId!;
    const data = new Map([[0, block(1)], [5, block(2)], [4000, block(3)]]);
    for (const [index, bytes] of data) {
      const out = await put(first, index, bytes);
      assert.equal(out.Checksum, sha(bytes).toString("base64"));
      assert.equal(out.ChecksumAlgorithm, "SHA256");
    }
    // Wrong checksum, wrong length and an index past the end are refused.
    await assert.rejects(ebs.send(new PutSnapshotBlockCommand({ SnapshotId: first, BlockIndex: 1, BlockData: block(9), DataLength: BLOCK, Checksum: sha(block(8)).toString("base64"), ChecksumAlgorithm: "SHA256" })),
      (e: unknown) => e instanceof ValidationException && e.$metadata.httpStatusCode === 400);
    await assert.rejects(put(first, 2 * 2048, block(4)), (e: unknown) => e instanceof ValidationException && e.Reason === "INVALID_BLOCK");
    const short = Buffer.alloc(1000);
    await assert.rejects(ebs.send(new PutSnapshotBlockCommand({ SnapshotId: first, BlockIndex: 1, BlockData: short, DataLength: 1000, Checksum: sha(short).toString("base64"), ChecksumAlgorithm: "SHA256" })),
      (e: unknown) => e instanceof ValidationException);
    // LINEAR aggregate: SHA-256 over the per-block digests in block order.
    const aggregate = createHash("sha256").update(Buffer.concat([...data.keys()].sort((a, b) => a - b).map((i) => sha(data.get(i)!)))).digest("base64");
    await assert.rejects(ebs.send(new CompleteSnapshotCommand({ SnapshotId: first, ChangedBlocksCount: 2 })), (e: unknown) => e instanceof ValidationException);
    await assert.rejects(ebs.send(new CompleteSnapshotCommand({ SnapshotId: first, ChangedBlocksCount: 3, Checksum: sha(Buffer.from("x")).toString("base64"), ChecksumAlgorithm: "SHA256", ChecksumAggregationMethod: "LINEAR" })),
      (e: unknown) => e instanceof ValidationException);
    const complete = await ebs.send(new CompleteSnapshotCommand({ SnapshotId: first, ChangedBlocksCount: 3, Checksum: aggregate, ChecksumAlgorithm: "SHA256", ChecksumAggregationMethod: "LINEAR" }));
    assert.equal(complete.$metadata.httpStatusCode, 202);
    assert.equal(complete.Status, "pending");
    await completed(first);
    await assert.rejects(put(first, 1, block(5)), (e: unknown) => e instanceof ValidationException);

    const listed = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: first }));
    assert.deepEqual(listed.Blocks!.map((b) => b.BlockIndex), [0, 5, 4000]);
    assert.deepEqual([listed.VolumeSize, listed.BlockSize], [2, BLOCK]);
    assert.ok(listed.ExpiryTime instanceof Date);

    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: first, VolumeType: "gp3" }));
    cb.clock.advance!(3_000);
    const second = (await ec2.send(new CreateSnapshotCommand({ VolumeId }))).SnapshotId!;
    await completed(second);
    const secondBlocks = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: second }));
    assert.deepEqual(secondBlocks.Blocks!.map((b) => b.BlockIndex), [0, 5, 4000]);
    for (const b of secondBlocks.Blocks!) {
      const got = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: second, BlockIndex: b.BlockIndex, BlockToken: b.BlockToken }));
      const bytes = await readAll(got.BlockData);
      assert.equal(got.DataLength, BLOCK);
      assert.equal(got.ChecksumAlgorithm, "SHA256");
      assert.ok(bytes.equals(data.get(b.BlockIndex!)!), `block ${b.BlockIndex} reads back the bytes written`);
      assert.equal(got.Checksum, sha(bytes).toString("base64"));
    }
    const unchanged = await ebs.send(new ListChangedBlocksCommand({ FirstSnapshotId: first, SecondSnapshotId: second }));
    assert.deepEqual(unchanged.ChangedBlocks, [], "the volume's snapshot shares every block with its source");

    // An incremental snapshot on top of the second: block 5 rewritten, block 7 new.
    const third = (await ebs.send(new StartSnapshotCommand({ VolumeSize: 2, ParentSnapshotId: second }))).SnapshotId!;
    const five = block(50);
    const seven = block(70);
    await put(third, 5, five);
    await put(third, 7, seven);
    await ebs.send(new CompleteSnapshotCommand({ SnapshotId: third, ChangedBlocksCount: 2 }));
    await completed(third);
    const changed = await ebs.send(new ListChangedBlocksCommand({ FirstSnapshotId: second, SecondSnapshotId: third }));
    assert.deepEqual(changed.ChangedBlocks!.map((c) => [c.BlockIndex, !!c.FirstBlockToken, !!c.SecondBlockToken]), [[5, true, true], [7, false, true]]);
    const oldFive = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: second, BlockIndex: 5, BlockToken: changed.ChangedBlocks![0]!.FirstBlockToken }));
    assert.ok((await readAll(oldFive.BlockData)).equals(data.get(5)!));
    const newFive = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: third, BlockIndex: 5, BlockToken: changed.ChangedBlocks![0]!.SecondBlockToken }));
    assert.ok((await readAll(newFive.BlockData)).equals(five));
    // The full listing of the third snapshot includes what it inherited.
    assert.deepEqual((await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: third }))).Blocks!.map((b) => b.BlockIndex), [0, 5, 7, 4000]);

    // A token for another block or snapshot is refused; unrelated snapshots cannot be compared.
    await assert.rejects(ebs.send(new GetSnapshotBlockCommand({ SnapshotId: third, BlockIndex: 0, BlockToken: changed.ChangedBlocks![0]!.SecondBlockToken })),
      (e: unknown) => e instanceof ValidationException && e.Reason === "INVALID_BLOCK_TOKEN");
    const unrelated = (await ebs.send(new StartSnapshotCommand({ VolumeSize: 1 }))).SnapshotId!;
    await assert.rejects(ebs.send(new ListChangedBlocksCommand({ FirstSnapshotId: unrelated, SecondSnapshotId: third })),
      (e: unknown) => e instanceof ValidationException && e.Reason === "UNRELATED_SNAPSHOTS");

    // Direct snapshots are EC2 snapshots too.
    const described = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [first, third] }))).Snapshots!;
    assert.deepEqual(described.map((s) => s.State), ["completed", "completed"]);
  });

  it("snapshots of a volume are point-in-time: blocks written to the volume between them are the changed blocks", async () => {
    const { blocks } = installFakeInstances(cb);
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1, VolumeType: "gp3" }));
    cb.clock.advance!(3_000);
    const a = (await ec2.send(new CreateSnapshotCommand({ VolumeId }))).SnapshotId!;
    await blocks.write("000000000000", "us-east-1", VolumeId!, 1, block(11));
    await blocks.write("000000000000", "us-east-1", VolumeId!, 9, block(19));
    cb.clock.advance!(20_000);
    const b = (await ec2.send(new CreateSnapshotCommand({ VolumeId }))).SnapshotId!;
    await blocks.write("000000000000", "us-east-1", VolumeId!, 1, block(111));
    cb.clock.advance!(20_000);
    const c = (await ec2.send(new CreateSnapshotCommand({ VolumeId }))).SnapshotId!;
    await completed(c);
    const ab = await ebs.send(new ListChangedBlocksCommand({ FirstSnapshotId: a, SecondSnapshotId: b }));
    assert.deepEqual(ab.ChangedBlocks!.map((x) => [x.BlockIndex, !!x.FirstBlockToken, !!x.SecondBlockToken]), [[1, false, true], [9, false, true]]);
    const bc = await ebs.send(new ListChangedBlocksCommand({ FirstSnapshotId: b, SecondSnapshotId: c }));
    assert.deepEqual(bc.ChangedBlocks!.map((x) => x.BlockIndex), [1]);
    const before = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: b, BlockIndex: 1, BlockToken: bc.ChangedBlocks![0]!.FirstBlockToken }));
    assert.ok((await readAll(before.BlockData)).equals(block(11)), "the earlier snapshot keeps the bytes it saw");
    const after = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: c, BlockIndex: 1, BlockToken: bc.ChangedBlocks![0]!.SecondBlockToken }));
    assert.ok((await readAll(after.BlockData)).equals(block(111)));
    assert.deepEqual(blocks.writtenBlocks("000000000000", "us-east-1", VolumeId!), [1, 9]);
    const restored = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", SnapshotId: b }));
    cb.clock.advance!(3_000);
    assert.ok((await readAll(blocks.read("000000000000", "us-east-1", restored.VolumeId!, 1))).equals(block(11)));
  });

  it("paging ListSnapshotBlocks with MaxResults and NextToken", async () => {
    const id = (await ebs.send(new StartSnapshotCommand({ VolumeSize: 1 }))).SnapshotId!;
    const zero = Buffer.alloc(BLOCK, 7);
    for (let i = 0; i < 102; i++) await put(id, i, zero);
    const page1 = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: id, MaxResults: 100 }));
    assert.equal(page1.Blocks!.length, 100);
    assert.ok(page1.NextToken);
    const page2 = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: id, MaxResults: 100, NextToken: page1.NextToken }));
    assert.deepEqual(page2.Blocks!.map((b) => b.BlockIndex), [100, 101]);
    assert.equal(page2.NextToken, undefined);
    const from = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: id, StartingBlockIndex: 101 }));
    assert.deepEqual(from.Blocks!.map((b) => b.BlockIndex), [101]);
  });

  it("StartSnapshot: ClientToken reuse with other parameters → ConflictException; unknown snapshots → ResourceNotFoundException", async () => {
    const a = await ebs.send(new StartSnapshotCommand({ VolumeSize: 1, ClientToken: "tok-1" }));
    const b = await ebs.send(new StartSnapshotCommand({ VolumeSize: 1, ClientToken: "tok-1" }));
    assert.equal(a.SnapshotId, b.SnapshotId);
    await assert.rejects(ebs.send(new StartSnapshotCommand({ VolumeSize: 2, ClientToken: "tok-1" })), (e: unknown) => e instanceof ConflictException && e.$metadata.httpStatusCode === 409);
    await assert.rejects(put("snap-0123456789abcdef0", 0, block(1)), (e: unknown) => e instanceof ResourceNotFoundException && e.Reason === "SNAPSHOT_NOT_FOUND");
    await assert.rejects(ebs.send(new StartSnapshotCommand({ VolumeSize: 70000 })), (e: unknown) => e instanceof ValidationException && e.Reason === "INVALID_VOLUME_SIZE");
  });

  it("a 16 TiB gp3 volume with a few blocks written uses disk only for those blocks", async () => {
    const blobsDir = join(cb.platform.dataDir, "blobs");
    const before = diskUsage(blobsDir);
    const id = (await ebs.send(new StartSnapshotCommand({ VolumeSize: 16384 }))).SnapshotId!;
    const lastIndex = 16384 * 2048 - 1;
    const indexes = [0, 1_000_000, lastIndex];
    for (const [n, index] of indexes.entries()) await put(id, index, block(100 + n));
    await ebs.send(new CompleteSnapshotCommand({ SnapshotId: id, ChangedBlocksCount: 3 }));
    await completed(id);
    const { VolumeId, Size } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId: id, VolumeType: "gp3" }));
    assert.equal(Size, 16384);
    cb.clock.advance!(3_000);
    const snap = (await ec2.send(new CreateSnapshotCommand({ VolumeId }))).SnapshotId!;
    await completed(snap);
    const used = diskUsage(blobsDir) - before;
    assert.ok(used >= 3 * BLOCK && used < 3 * BLOCK + 256 * 1024, `3 blocks of 16 TiB cost ${used} bytes on disk`);
    const listed = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: snap, StartingBlockIndex: lastIndex }));
    const last = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: snap, BlockIndex: lastIndex, BlockToken: listed.Blocks![0]!.BlockToken }));
    assert.ok((await readAll(last.BlockData)).equals(block(102)));
    // Deleting every holder frees the bytes.
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap }));
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }));
    await ec2.send(new DeleteVolumeCommand({ VolumeId }));
    assert.ok(diskUsage(blobsDir) - before < BLOCK, "blocks are freed with their last snapshot or volume");
  });
});

describe("EBS direct API on the wire", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  const auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ebs/aws4_request, SignedHeaders=host, Signature=00";

  it("a PutSnapshotBlock without its checksum header is a ValidationException naming the member", async () => {
    const started = await fetch(`${cb.endpoint}/snapshots`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ VolumeSize: 1 }) });
    assert.equal(started.status, 201);
    const { SnapshotId } = (await started.json()) as { SnapshotId: string };
    const response = await fetch(`${cb.endpoint}/snapshots/${SnapshotId}/blocks/0`, {
      method: "PUT", headers: { authorization: auth, "x-amz-data-length": String(BLOCK), "x-amz-checksum-algorithm": "SHA256", "content-type": "application/octet-stream" }, body: new Uint8Array(BLOCK),
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("x-amzn-errortype"), "ValidationException");
    const body = (await response.json()) as { message: string };
    assert.match(body.message, /Value null at 'checksum'/);
  });

  it("GetSnapshotBlock answers the block as a binary body with its checksum headers", async () => {
    const started = await fetch(`${cb.endpoint}/snapshots`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ VolumeSize: 1 }) });
    const { SnapshotId } = (await started.json()) as { SnapshotId: string };
    const data = block(42);
    const put = await fetch(`${cb.endpoint}/snapshots/${SnapshotId}/blocks/3`, {
      method: "PUT", headers: { authorization: auth, "x-amz-data-length": String(BLOCK), "x-amz-checksum": sha(data).toString("base64"), "x-amz-checksum-algorithm": "SHA256" }, body: new Uint8Array(data),
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get("x-amz-checksum"), sha(data).toString("base64"));
    const listed = (await (await fetch(`${cb.endpoint}/snapshots/${SnapshotId}/blocks`, { headers: { authorization: auth } })).json()) as { Blocks: { BlockIndex: number; BlockToken: string }[]; BlockSize: number };
    assert.equal(listed.BlockSize, BLOCK);
    const token = listed.Blocks[0]!.BlockToken;
    const got = await fetch(`${cb.endpoint}/snapshots/${SnapshotId}/blocks/3?blockToken=${encodeURIComponent(token)}`, { headers: { authorization: auth } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("x-amz-data-length"), String(BLOCK));
    assert.equal(got.headers.get("x-amz-checksum-algorithm"), "SHA256");
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(data));
  });
});

describe("EBS data survives a restart with a data directory", () => {
  it("blocks written through the direct API are read back after a restart", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-ebs-"));
    try {
      let cb = await startTestCloudbox({ dataDir });
      let ebs = new EBSClient(sdkConfig(cb));
      const id = (await ebs.send(new StartSnapshotCommand({ VolumeSize: 1 }))).SnapshotId!;
      const data = block(77);
      await ebs.send(new PutSnapshotBlockCommand({ SnapshotId: id, BlockIndex: 2, BlockData: data, DataLength: BLOCK, Checksum: sha(data).toString("base64"), ChecksumAlgorithm: "SHA256" }));
      ebs.destroy();
      await cb.stop();
      cb = await startTestCloudbox({ dataDir });
      ebs = new EBSClient(sdkConfig(cb));
      await ebs.send(new CompleteSnapshotCommand({ SnapshotId: id, ChangedBlocksCount: 1 }));
      const listed = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: id }));
      const got = await ebs.send(new GetSnapshotBlockCommand({ SnapshotId: id, BlockIndex: 2, BlockToken: listed.Blocks![0]!.BlockToken }));
      assert.ok((await readAll(got.BlockData)).equals(data));
      ebs.destroy();
      await cb.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

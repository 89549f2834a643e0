import type {
  CreateKeyPairRequest, KeyPair as CreateKeyPairResult, DeleteKeyPairRequest, DeleteKeyPairResult, DescribeKeyPairsRequest, DescribeKeyPairsResult,
  ImportKeyPairRequest, ImportKeyPairResult, KeyPairInfo,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { resourceId } from "../../storage/state/ids.js";
import type { Ec2Context } from "../ec2/context.js";
import { Ec2Errors, dryRunGate } from "../ec2/errors.js";
import { compileFilters, passes } from "../ec2/filters.js";
import { tagsBySpecification, toTagList } from "../tags/tag-store.js";
import type { KeyPairRow } from "./key-pair-store.js";
import { createEd25519Key, createRsaKey, importPublicKey } from "./key-material.js";

const notFound = (name: string) => new ServiceError("InvalidKeyPair.NotFound", `The key pair '${name}' does not exist`);

function validateName(name: string | undefined): string {
  if (name === undefined) throw Ec2Errors.missing("KeyName");
  if (name === "" || name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) throw Ec2Errors.invalidValue(`Value (${name}) for parameter keyName is invalid. Expected: 'ASCII, at most 255 characters'.`);
  return name;
}

export function keyPairHandlers(c: Ec2Context) {
  const save = (ctx: OperationContext, name: string, type: string, fingerprint: string, publicKey: string, specs: CreateKeyPairRequest["TagSpecifications"]) => {
    const tags = tagsBySpecification(specs, ["key-pair"]).get("key-pair") ?? [];
    const row: KeyPairRow = { key_pair_id: resourceId("key"), account: ctx.account, region: ctx.region, name, type, fingerprint, public_key: publicKey, created_at: c.env.clock.now() };
    c.env.db.transaction(() => {
      if (c.keys.byName(ctx.account, ctx.region, name)) throw new ServiceError("InvalidKeyPair.Duplicate", `The keypair '${name}' already exists.`);
      c.keys.insert(row);
      if (tags.length) c.tags.set(ctx.account, ctx.region, row.key_pair_id, "key-pair", tags);
    });
    return { row, tags: tags.length ? tags : undefined };
  };

  return {
    CreateKeyPair(input: CreateKeyPairRequest, ctx: OperationContext): CreateKeyPairResult {
      const name = validateName(input.KeyName);
      const type = input.KeyType ?? "rsa";
      if (type !== "rsa" && type !== "ed25519") throw Ec2Errors.invalidValue(`Value (${type}) for parameter keyType is invalid. Valid values are rsa, ed25519.`);
      if (input.KeyFormat !== undefined && input.KeyFormat !== "pem") {
        if (input.KeyFormat === "ppk") throw new ServiceError("UnsupportedOperation", "cloudbox creates key pairs in pem format only; convert with puttygen, or use KeyFormat pem.");
        throw Ec2Errors.invalidValue(`Value (${input.KeyFormat}) for parameter keyFormat is invalid. Valid values are pem, ppk.`);
      }
      if (c.keys.byName(ctx.account, ctx.region, name)) throw new ServiceError("InvalidKeyPair.Duplicate", `The keypair '${name}' already exists.`);
      tagsBySpecification(input.TagSpecifications, ["key-pair"]);
      dryRunGate(input);
      const key = type === "rsa" ? createRsaKey() : createEd25519Key(name);
      const { row, tags } = save(ctx, name, type, key.fingerprint, key.publicKey, input.TagSpecifications);
      return { KeyName: name, KeyFingerprint: key.fingerprint, KeyMaterial: key.keyMaterial, KeyPairId: row.key_pair_id, Tags: tags };
    },

    ImportKeyPair(input: ImportKeyPairRequest, ctx: OperationContext): ImportKeyPairResult {
      const name = validateName(input.KeyName);
      if (!input.PublicKeyMaterial) throw Ec2Errors.missing("PublicKeyMaterial");
      const key = importPublicKey(Buffer.from(input.PublicKeyMaterial));
      if (c.keys.byName(ctx.account, ctx.region, name)) throw new ServiceError("InvalidKeyPair.Duplicate", `The keypair '${name}' already exists.`);
      tagsBySpecification(input.TagSpecifications, ["key-pair"]);
      dryRunGate(input);
      const { row, tags } = save(ctx, name, key.type, key.fingerprint, key.publicKey, input.TagSpecifications);
      return { KeyName: name, KeyFingerprint: key.fingerprint, KeyPairId: row.key_pair_id, Tags: tags };
    },

    DescribeKeyPairs(input: DescribeKeyPairsRequest, ctx: OperationContext): DescribeKeyPairsResult {
      const all = c.keys.all(ctx.account, ctx.region);
      let rows = all;
      if (input.KeyNames?.length) {
        for (const n of input.KeyNames) if (!all.some((r) => r.name === n)) throw notFound(n);
        rows = rows.filter((r) => input.KeyNames!.includes(r.name));
      }
      if (input.KeyPairIds?.length) {
        for (const id of input.KeyPairIds) if (!all.some((r) => r.key_pair_id === id)) throw new ServiceError("InvalidKeyPair.NotFound", `The key pair ID '${id}' does not exist`);
        rows = rows.filter((r) => input.KeyPairIds!.includes(r.key_pair_id));
      }
      const filters = compileFilters<KeyPairRow>(input.Filters, {
        "key-pair-id": (r) => r.key_pair_id, "key-name": (r) => r.name, fingerprint: (r) => r.fingerprint, "key-type": (r) => r.type,
      });
      dryRunGate(input);
      const out: KeyPairInfo[] = [];
      for (const r of rows) {
        const tags = c.tags.tagsOf(ctx.account, ctx.region, r.key_pair_id);
        if (!passes(filters, r, tags)) continue;
        out.push({ KeyPairId: r.key_pair_id, KeyName: r.name, KeyFingerprint: r.fingerprint, KeyType: r.type as "rsa", Tags: toTagList(tags) ?? [], CreateTime: new Date(r.created_at), PublicKey: input.IncludePublicKey ? `${r.public_key} ${r.name}` : undefined });
      }
      return { KeyPairs: out };
    },

    DeleteKeyPair(input: DeleteKeyPairRequest, ctx: OperationContext): DeleteKeyPairResult {
      if (input.KeyName === undefined && input.KeyPairId === undefined) throw Ec2Errors.missing("KeyName");
      const all = c.keys.all(ctx.account, ctx.region);
      const row = input.KeyPairId !== undefined ? all.find((r) => r.key_pair_id === input.KeyPairId) : all.find((r) => r.name === input.KeyName);
      if (!row && input.KeyPairId !== undefined) throw new ServiceError("InvalidKeyPair.NotFound", `The key pair ID '${input.KeyPairId}' does not exist`);
      dryRunGate(input);
      // Deleting a name that does not exist succeeds, as it does on AWS.
      if (row) c.env.db.transaction(() => { c.keys.delete(row.key_pair_id); c.tags.deleteAll(ctx.account, ctx.region, row.key_pair_id); });
      return { Return: true, KeyPairId: row?.key_pair_id };
    },
  };
}

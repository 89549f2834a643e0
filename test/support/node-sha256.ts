import { createHash, createHmac } from "node:crypto";

/** node:crypto behind the Hash interface the SDK signer wants (tests only). */
export class NodeSha256 {
  private readonly h;
  constructor(secret?: unknown) {
    this.h = secret ? createHmac("sha256", secret as string | Uint8Array) : createHash("sha256");
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

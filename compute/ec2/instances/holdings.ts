import type { Database, UncommittedReader } from "../../../storage/state/database.js";

/**
 * What one instance row holds, and until when: its host's threads, memory and GPUs and its
 * account's vCPUs while host_release_at has not passed, its private address while terminated_at
 * has not passed, and the client token it was launched with for as long as the row exists. These
 * are the columns of the row, copied.
 */
export interface Holding {
  /** The row's rowid: statements on one instance find its row by it. */
  seq: number;
  instance_id: string;
  account: string;
  region: string;
  az: string;
  host_family: string;
  host_id: string | null;
  socket: number;
  host_threads: number;
  memory_mib: number;
  gpus: number;
  vcpus: number;
  quota_bucket: string;
  host_release_at: number | null;
  subnet_id: string;
  private_ip: string;
  terminated_at: number | null;
  client_token: string | null;
}

export const HOLDING_COLUMNS: readonly (keyof Holding)[] = [
  "seq", "instance_id", "account", "region", "az", "host_family", "host_id", "socket", "host_threads", "memory_mib", "gpus", "vcpus", "quota_bucket",
  "host_release_at", "subnet_id", "private_ip", "terminated_at", "client_token",
];

/** The columns a row's holding changes with after its insert (the subnet and address never change). */
export type HoldingChange = Partial<Pick<Holding, "host_id" | "socket" | "host_threads" | "memory_mib" | "gpus" | "vcpus" | "quota_bucket" | "host_family" | "host_release_at" | "terminated_at">>;

const CHANGING = new Set<string>(["host_id", "socket", "host_threads", "memory_mib", "gpus", "vcpus", "quota_bucket", "host_family", "host_release_at", "terminated_at"]);

export const isHoldingColumn = (column: string): column is keyof HoldingChange => CHANGING.has(column);

/** One host socket's sums, as placement reads them. */
export interface HostUsage {
  host_id: string;
  socket: number;
  threads: number;
  mem: number;
  gpus: number;
  guests: number;
}

interface Loaded {
  byId: Map<string, Holding>;
  byRegion: Map<string, Map<string, Holding>>;
  /** Per subnet, the rows that hold or held each address (a terminated row and its successor share one). */
  bySubnet: Map<string, Map<string, Holding[]>>;
  /** The rows launched with each client token, by account, region and token, in launch order. */
  byToken: Map<string, Holding[]>;
}

const copy = (h: Omit<Holding, "seq">, seq: number): Holding => ({
  seq, instance_id: h.instance_id, account: h.account, region: h.region, az: h.az, host_family: h.host_family, host_id: h.host_id, socket: h.socket,
  host_threads: h.host_threads, memory_mib: h.memory_mib, gpus: h.gpus, vcpus: h.vcpus, quota_bucket: h.quota_bucket, host_release_at: h.host_release_at,
  subnet_id: h.subnet_id, private_ip: h.private_ip, terminated_at: h.terminated_at, client_token: h.client_token,
});

const tokenKey = (account: string, region: string, token: string) => `${account}\n${region}\n${token}`;

const holdsHost = (h: Holding, now: number) => h.host_id !== null && (h.host_release_at === null || h.host_release_at > now);
const holdsAddress = (h: Holding, now: number) => h.terminated_at === null || h.terminated_at > now;

/**
 * The holdings of every instance row, kept in memory beside the table so that placement, the
 * vCPU quota and address allocation read sums and lookups without a query, and the table needs no
 * index for them (each index is a B-tree that every launch writes). Read from the rows on first
 * use; the store reports each of its writes after the statement ran. When a transaction that
 * wrote instance rows rolls back, the holdings are read again from the rows.
 */
export class Holdings implements UncommittedReader {
  /** Undefined until read, and again after a rollback or reset; a write meanwhile is read with the rows. */
  private loaded: Loaded | undefined;

  constructor(private readonly db: Database, private readonly readRows: () => Holding[]) {}

  private current(): Loaded {
    if (this.loaded) return this.loaded;
    const loaded: Loaded = { byId: new Map(), byRegion: new Map(), bySubnet: new Map(), byToken: new Map() };
    for (const row of this.readRows()) add(loaded, copy(row, row.seq));
    return (this.loaded = loaded);
  }

  rolledBack(): void {
    this.loaded = undefined;
  }

  // A write registers for rollback whether or not the holdings are loaded: a load later in the
  // same transaction reads the uncommitted row. A load alone does not register, so a failing
  // request that only read an instance keeps them (reading them again scans the whole table).
  inserted(row: Omit<Holding, "seq">, seq: number): void {
    this.db.tookIn(this);
    if (this.loaded) add(this.loaded, copy(row, seq));
  }

  changed(instanceId: string, change: HoldingChange): void {
    this.db.tookIn(this);
    const h = this.loaded?.byId.get(instanceId);
    if (h) Object.assign(h, change);
  }

  deleted(instanceId: string): void {
    this.db.tookIn(this);
    const loaded = this.loaded;
    const h = loaded?.byId.get(instanceId);
    if (!loaded || !h) return;
    loaded.byId.delete(instanceId);
    loaded.byRegion.get(h.region)?.delete(instanceId);
    const addresses = loaded.bySubnet.get(h.subnet_id);
    if (addresses) removeFrom(addresses, h.private_ip, h);
    if (h.client_token !== null) removeFrom(loaded.byToken, tokenKey(h.account, h.region, h.client_token), h);
  }

  /** After the rows were emptied or replaced (a reset). */
  clear(): void {
    this.loaded = undefined;
  }

  /** Threads, memory and GPUs held per host and socket among one AZ's hosts of one family. */
  hostUsage(region: string, az: string, family: string, now: number): HostUsage[] {
    const sums = new Map<string, HostUsage>();
    for (const h of this.inRegion(region)) {
      if (h.az !== az || h.host_family !== family || !holdsHost(h, now)) continue;
      const key = `${h.host_id}/${h.socket}`;
      let u = sums.get(key);
      if (!u) sums.set(key, (u = { host_id: h.host_id!, socket: h.socket, threads: 0, mem: 0, gpus: 0, guests: 0 }));
      u.threads += h.host_threads;
      u.mem += h.memory_mib;
      u.gpus += h.gpus;
      u.guests++;
    }
    return [...sums.values()];
  }

  vcpusInUse(account: string, region: string, bucket: string, now: number): number {
    let sum = 0;
    for (const h of this.inRegion(region)) if (h.account === account && h.quota_bucket === bucket && holdsHost(h, now)) sum += h.vcpus;
    return sum;
  }

  /** When the next host held in one AZ and family is released (a stop or termination settling), if any. */
  nextHostRelease(region: string, az: string, family: string, now: number): number | null {
    return this.nextRelease(region, now, (h) => h.az === az && h.host_family === family);
  }

  nextAccountRelease(account: string, region: string, bucket: string, now: number): number | null {
    return this.nextRelease(region, now, (h) => h.account === account && h.quota_bucket === bucket);
  }

  addressHeld(subnetId: string, ip: string, now: number): boolean {
    const holders = this.current().bySubnet.get(subnetId)?.get(ip);
    return !!holders && holders.some((h) => holdsAddress(h, now));
  }

  addressesHeld(subnetId: string, now: number): string[] {
    const out: string[] = [];
    for (const [ip, holders] of this.current().bySubnet.get(subnetId) ?? []) if (holders.some((h) => holdsAddress(h, now))) out.push(ip);
    return out;
  }

  /** The rowid of an instance's row, if the table has one. */
  seqOf(instanceId: string): number | undefined {
    return this.current().byId.get(instanceId)?.seq;
  }

  /** The ids of the rows launched with this client token in an account and region, in launch order. */
  launchedWith(account: string, region: string, token: string): string[] {
    return this.current().byToken.get(tokenKey(account, region, token))?.map((h) => h.instance_id) ?? [];
  }

  private nextRelease(region: string, now: number, among: (h: Holding) => boolean): number | null {
    let next: number | null = null;
    for (const h of this.inRegion(region)) {
      const at = h.host_release_at;
      if (h.host_id !== null && at !== null && at > now && (next === null || at < next) && among(h)) next = at;
    }
    return next;
  }

  private inRegion(region: string): Iterable<Holding> {
    return this.current().byRegion.get(region)?.values() ?? [];
  }
}

function add(loaded: Loaded, h: Holding): void {
  loaded.byId.set(h.instance_id, h);
  let region = loaded.byRegion.get(h.region);
  if (!region) loaded.byRegion.set(h.region, (region = new Map()));
  region.set(h.instance_id, h);
  let addresses = loaded.bySubnet.get(h.subnet_id);
  if (!addresses) loaded.bySubnet.set(h.subnet_id, (addresses = new Map()));
  addTo(addresses, h.private_ip, h);
  if (h.client_token !== null) addTo(loaded.byToken, tokenKey(h.account, h.region, h.client_token), h);
}

function addTo(lists: Map<string, Holding[]>, key: string, h: Holding): void {
  const list = lists.get(key);
  if (list) list.push(h);
  else lists.set(key, [h]);
}

function removeFrom(lists: Map<string, Holding[]>, key: string, h: Holding): void {
  const rest = lists.get(key)?.filter((other) => other !== h);
  if (rest?.length) lists.set(key, rest);
  else lists.delete(key);
}

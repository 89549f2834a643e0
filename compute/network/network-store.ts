import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../storage/state/database.js";
import { resourceId } from "../../storage/state/ids.js";
import { availabilityZonesOf } from "../ec2/regions.js";
import { intToIp, parseCidr } from "./addresses.js";

const MIGRATIONS = [
  `CREATE TABLE ec2_vpcs (vpc_id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, cidr TEXT NOT NULL, is_default INTEGER NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX ec2_vpcs_by_owner ON ec2_vpcs (account, region);
   CREATE TABLE ec2_subnets (subnet_id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, vpc_id TEXT NOT NULL, az TEXT NOT NULL, az_id TEXT NOT NULL,
     cidr TEXT NOT NULL, default_for_az INTEGER NOT NULL, map_public_ip INTEGER NOT NULL);
   CREATE INDEX ec2_subnets_by_owner ON ec2_subnets (account, region);
   CREATE TABLE ec2_security_groups (group_id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, vpc_id TEXT NOT NULL, name TEXT NOT NULL,
     description TEXT NOT NULL, is_default INTEGER NOT NULL);
   CREATE INDEX ec2_security_groups_by_owner ON ec2_security_groups (account, region, vpc_id, name);`,
];

export interface Vpc {
  vpcId: string;
  account: string;
  region: string;
  cidr: string;
  isDefault: boolean;
}

export interface Subnet {
  subnetId: string;
  account: string;
  region: string;
  vpcId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidr: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
}

export interface SecurityGroup {
  groupId: string;
  account: string;
  region: string;
  vpcId: string;
  groupName: string;
  description: string;
  isDefault: boolean;
}

export interface AccountNetwork {
  vpcs: Vpc[];
  subnets: Subnet[];
  groups: SecurityGroup[];
}

type VpcRow = { vpc_id: string; account: string; region: string; cidr: string; is_default: number };
type SubnetRow = { subnet_id: string; account: string; region: string; vpc_id: string; az: string; az_id: string; cidr: string; default_for_az: number; map_public_ip: number };
type GroupRow = { group_id: string; account: string; region: string; vpc_id: string; name: string; description: string; is_default: number };

/**
 * VPCs, subnets and security groups. Each account gets, per region, a default VPC 172.31.0.0/16
 * with one default subnet per AZ and a default security group, created the first time anything
 * needs them. The rows of an account+region are cached (they change only through this store).
 */
export class NetworkStore {
  private readonly cache = new Map<string, AccountNetwork>();
  private readonly s: Record<string, BetterSqlite3.Statement>;

  constructor(private readonly db: Database, private readonly defaultSubnetPrefix: number, private readonly now: () => number) {
    db.registerSchema("ec2-network", MIGRATIONS);
    const sql = db.sql;
    this.s = {
      vpcs: sql.prepare("SELECT * FROM ec2_vpcs WHERE account = ? AND region = ? ORDER BY created_at, vpc_id"),
      subnets: sql.prepare("SELECT * FROM ec2_subnets WHERE account = ? AND region = ? ORDER BY az, subnet_id"),
      groups: sql.prepare("SELECT * FROM ec2_security_groups WHERE account = ? AND region = ? ORDER BY is_default DESC, group_id"),
      insertVpc: sql.prepare("INSERT INTO ec2_vpcs (vpc_id, account, region, cidr, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
      insertSubnet: sql.prepare("INSERT INTO ec2_subnets (subnet_id, account, region, vpc_id, az, az_id, cidr, default_for_az, map_public_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insertGroup: sql.prepare("INSERT INTO ec2_security_groups (group_id, account, region, vpc_id, name, description, is_default) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      deleteGroup: sql.prepare("DELETE FROM ec2_security_groups WHERE group_id = ?"),
    };
  }

  reset(): void {
    this.cache.clear();
  }

  /** The network of an account in a region, its defaults created on first use. */
  of(account: string, region: string): AccountNetwork {
    const key = `${account}|${region}`;
    let net = this.cache.get(key);
    if (!net) {
      net = this.load(account, region);
      if (!net.vpcs.some((v) => v.isDefault)) {
        this.db.transaction(() => this.createDefaults(account, region));
        net = this.load(account, region);
      }
      this.cache.set(key, net);
    }
    return net;
  }

  defaultVpc(account: string, region: string): Vpc {
    return this.of(account, region).vpcs.find((v) => v.isDefault)!;
  }

  subnet(account: string, region: string, subnetId: string): Subnet | undefined {
    return this.of(account, region).subnets.find((s) => s.subnetId === subnetId);
  }

  defaultSubnet(account: string, region: string, az: string): Subnet | undefined {
    return this.of(account, region).subnets.find((s) => s.defaultForAz && s.availabilityZone === az);
  }

  group(account: string, region: string, groupId: string): SecurityGroup | undefined {
    return this.of(account, region).groups.find((g) => g.groupId === groupId);
  }

  groupByName(account: string, region: string, vpcId: string, name: string): SecurityGroup | undefined {
    return this.of(account, region).groups.find((g) => g.vpcId === vpcId && g.groupName === name);
  }

  defaultGroup(account: string, region: string, vpcId: string): SecurityGroup {
    return this.of(account, region).groups.find((g) => g.vpcId === vpcId && g.isDefault)!;
  }

  createGroup(account: string, region: string, vpcId: string, name: string, description: string): SecurityGroup {
    const groupId = resourceId("sg");
    this.s["insertGroup"]!.run(groupId, account, region, vpcId, name, description, 0);
    this.cache.delete(`${account}|${region}`);
    return this.group(account, region, groupId)!;
  }

  deleteGroup(account: string, region: string, groupId: string): void {
    this.s["deleteGroup"]!.run(groupId);
    this.cache.delete(`${account}|${region}`);
  }

  private createDefaults(account: string, region: string): void {
    const vpcId = resourceId("vpc");
    this.s["insertVpc"]!.run(vpcId, account, region, "172.31.0.0/16", 1, this.now());
    const base = parseCidr("172.31.0.0/16").base;
    const size = 2 ** (32 - this.defaultSubnetPrefix);
    availabilityZonesOf(region).forEach((zone, i) => {
      this.s["insertSubnet"]!.run(resourceId("subnet"), account, region, vpcId, zone.name, zone.id, `${intToIp(base + i * size)}/${this.defaultSubnetPrefix}`, 1, 1);
    });
    this.s["insertGroup"]!.run(resourceId("sg"), account, region, vpcId, "default", "default VPC security group", 1);
  }

  private load(account: string, region: string): AccountNetwork {
    return {
      vpcs: (this.s["vpcs"]!.all(account, region) as VpcRow[]).map((r) => ({ vpcId: r.vpc_id, account: r.account, region: r.region, cidr: r.cidr, isDefault: r.is_default === 1 })),
      subnets: (this.s["subnets"]!.all(account, region) as SubnetRow[]).map((r) => ({
        subnetId: r.subnet_id, account: r.account, region: r.region, vpcId: r.vpc_id, availabilityZone: r.az, availabilityZoneId: r.az_id, cidr: r.cidr,
        defaultForAz: r.default_for_az === 1, mapPublicIpOnLaunch: r.map_public_ip === 1,
      })),
      groups: (this.s["groups"]!.all(account, region) as GroupRow[]).map((r) => ({
        groupId: r.group_id, account: r.account, region: r.region, vpcId: r.vpc_id, groupName: r.name, description: r.description, isDefault: r.is_default === 1,
      })),
    };
  }
}

import type express from "express";
import type { Platform } from "../platform.js";
import type { Ec2Provider } from "../../compute/ec2/provider.js";

/**
 * GET /_cloudbox/ec2/hosts?region=us-east-1&az=us-east-1a&family=m5&used=true: the simulated
 * hardware (rack, family, hypervisor, free and used vCPUs and memory) and the instances on each host.
 */
export function ec2HostsRoute(platform: Platform): express.RequestHandler {
  return (req, res) => {
    const provider = platform.services.get("ec2")?.provider as Partial<Ec2Provider> | undefined;
    if (!provider?.hosts) {
      res.status(404).json({ error: "EC2 is not running in this cloudbox. Start it with the ec2 service enabled." });
      return;
    }
    const q = (name: string) => (typeof req.query[name] === "string" ? (req.query[name] as string) : undefined);
    const region = q("region") ?? "us-east-1";
    const hosts = provider.hosts(region, { availabilityZone: q("az"), family: q("family"), onlyUsed: q("used") === "true" });
    res.json({ region, hosts });
  };
}

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { InstanceTypeInfo } from "@aws-sdk/client-ec2";
import {
  allInstanceTypes, instanceType, familyOf, hostTypeFor, allHostTypes, totalThreads, guestThreads, guestMemoryMiB,
  maxInstancesPerHost, instancesPerHost, hostPropertiesOf, isOffered, hostCapacity, cpuCreditsOf, CPU_CREDITS, describeInstanceTypes,
  filterInstanceTypes, describeInstanceTypeOfferings, wildcardMatcher, INSTANCE_TYPE_FILTER_NAMES,
} from "../../compute/catalog/index.js";

const names = (types: InstanceTypeInfo[]) => types.map((t) => t.InstanceType).sort();
const byFilter = (...filters: [string, ...string[]][]) =>
  names(filterInstanceTypes(allInstanceTypes(), filters.map(([Name, ...Values]) => ({ Name, Values }))));

function assertServiceError(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (e: { code?: string; status?: number; message: string }) => {
    assert.equal(e.code, code);
    assert.equal(e.status, 400);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("instance type catalogue: shape of every type", () => {
  const all = allInstanceTypes();

  it("covers the classic classes with unique names", () => {
    assert.ok(all.length >= 100 && all.length <= 140, `catalogue has ${all.length} types`);
    assert.equal(new Set(all.map((t) => t.InstanceType)).size, all.length);
    for (const family of ["m1", "m3", "m4", "m5", "m6g", "m7i", "t1", "t2", "t3", "t3a", "t4g", "r5", "x1e", "c3", "c4", "c5", "c5n", "c6g", "cc2", "hpc6a", "p3", "g4dn", "g5"]) {
      assert.ok(all.some((t) => familyOf(t.InstanceType!) === family), `family ${family} present`);
    }
  });

  it("every type carries the full DescribeInstanceTypes shape", () => {
    for (const t of all) {
      const at = t.InstanceType!;
      for (const flag of ["CurrentGeneration", "FreeTierEligible", "BareMetal", "InstanceStorageSupported", "HibernationSupported", "BurstablePerformanceSupported", "DedicatedHostsSupported", "AutoRecoverySupported"] as const) {
        assert.equal(typeof t[flag], "boolean", `${at}.${flag}`);
      }
      for (const list of ["SupportedUsageClasses", "SupportedRootDeviceTypes", "SupportedVirtualizationTypes", "SupportedBootModes"] as const) {
        assert.ok((t[list]?.length ?? 0) > 0, `${at}.${list}`);
      }
      assert.ok(t.ProcessorInfo?.SupportedArchitectures?.length && t.ProcessorInfo.Manufacturer, `${at} processor`);
      const v = t.VCpuInfo!;
      assert.equal(v.DefaultVCpus, v.DefaultCores! * v.DefaultThreadsPerCore!, `${at} vCPUs = cores × threads`);
      assert.ok(t.MemoryInfo!.SizeInMiB! > 0, `${at} memory`);
      assert.equal(t.InstanceStorageSupported, t.InstanceStorageInfo !== undefined, `${at} instance storage info iff supported`);
      if (t.InstanceStorageInfo) {
        const disks = t.InstanceStorageInfo.Disks!;
        assert.equal(t.InstanceStorageInfo.TotalSizeInGB, disks.reduce((s, d) => s + d.Count! * d.SizeInGB!, 0), `${at} storage total`);
      }
      assert.ok(t.EbsInfo?.EbsOptimizedSupport && t.EbsInfo.EncryptionSupport && t.EbsInfo.NvmeSupport, `${at} EBS info`);
      const n = t.NetworkInfo!;
      assert.ok(n.NetworkPerformance && n.MaximumNetworkInterfaces! > 0 && n.Ipv4AddressesPerInterface! > 0, `${at} network`);
      assert.equal(typeof n.Ipv6Supported, "boolean");
      assert.equal(typeof n.EfaSupported, "boolean");
      assert.ok(n.EnaSupport, `${at} ENA`);
      assert.ok(t.PlacementGroupInfo?.SupportedStrategies?.length, `${at} placement strategies`);
    }
  });

  it("metal has no Hypervisor, everything else is nitro or xen; paravirtual only on xen", () => {
    for (const t of all) {
      if (t.BareMetal) assert.equal(t.Hypervisor, undefined, t.InstanceType);
      else assert.ok(t.Hypervisor === "nitro" || t.Hypervisor === "xen", t.InstanceType);
      if (t.SupportedVirtualizationTypes!.includes("paravirtual")) assert.equal(t.Hypervisor, "xen", t.InstanceType);
      if (t.Hypervisor === "nitro") assert.deepEqual(t.SupportedVirtualizationTypes, ["hvm"], t.InstanceType);
      if (t.Hypervisor === "nitro" || t.BareMetal) assert.notEqual(t.NetworkInfo!.EnaSupport, "unsupported", t.InstanceType);
    }
  });

  it("GPU types describe their GPUs", () => {
    for (const t of all.filter((x) => /^(p3|g4dn|g5)\./.test(x.InstanceType!))) {
      const gpus = t.GpuInfo?.Gpus ?? [];
      assert.ok(gpus.length > 0 && gpus[0]!.Count! > 0, t.InstanceType);
      assert.equal(t.GpuInfo!.TotalGpuMemoryInMiB, gpus.reduce((s, g) => s + g.Count! * g.MemoryInfo!.SizeInMiB!, 0), t.InstanceType);
    }
    assert.equal(all.filter((t) => t.GpuInfo).length, all.filter((t) => /^(p3|g4dn|g5)\./.test(t.InstanceType!)).length);
  });

  it("the catalogue is frozen", () => {
    const t = instanceType("m5.large")!;
    assert.throws(() => { (t as { MemoryInfo: unknown }).MemoryInfo = {}; });
    assert.throws(() => { t.VCpuInfo!.DefaultVCpus = 64; });
  });
});

describe("instance type catalogue: real AWS figures", () => {
  it("m5.large: 2 vCPU, 8192 MiB, nitro, x86_64", () => {
    const t = instanceType("m5.large")!;
    assert.equal(t.VCpuInfo!.DefaultVCpus, 2);
    assert.equal(t.MemoryInfo!.SizeInMiB, 8192);
    assert.equal(t.Hypervisor, "nitro");
    assert.deepEqual(t.ProcessorInfo!.SupportedArchitectures, ["x86_64"]);
    assert.equal(t.EbsInfo!.NvmeSupport, "required");
  });

  it("t2.micro: 1 vCPU, 1024 MiB on xen, burstable, i386 and x86_64", () => {
    const t = instanceType("t2.micro")!;
    assert.equal(t.VCpuInfo!.DefaultVCpus, 1);
    assert.equal(t.MemoryInfo!.SizeInMiB, 1024);
    assert.equal(t.Hypervisor, "xen");
    assert.equal(t.BurstablePerformanceSupported, true);
    assert.deepEqual(t.ProcessorInfo!.SupportedArchitectures, ["i386", "x86_64"]);
  });

  it("c5n.18xlarge: 72 vCPU, 100 Gigabit with EFA", () => {
    const t = instanceType("c5n.18xlarge")!;
    assert.equal(t.VCpuInfo!.DefaultVCpus, 72);
    assert.equal(t.NetworkInfo!.EfaSupported, true);
    assert.equal(t.NetworkInfo!.NetworkPerformance, "100 Gigabit");
    assert.ok(t.PlacementGroupInfo!.SupportedStrategies!.includes("cluster"));
  });

  it("older and special types: t1.micro paravirtual, m6g arm64, metal, cc2, p3, x1e", () => {
    assert.deepEqual(instanceType("t1.micro")!.SupportedVirtualizationTypes, ["hvm", "paravirtual"]);
    assert.deepEqual(instanceType("m1.small")!.SupportedVirtualizationTypes, ["hvm", "paravirtual"]);
    assert.deepEqual(instanceType("m6g.large")!.ProcessorInfo!.SupportedArchitectures, ["arm64"]);
    assert.equal(instanceType("t4g.micro")!.ProcessorInfo!.Manufacturer, "AWS");
    const metal = instanceType("m5.metal")!;
    assert.equal(metal.BareMetal, true);
    assert.equal(metal.VCpuInfo!.DefaultVCpus, 96);
    const cc2 = instanceType("cc2.8xlarge")!;
    assert.equal(cc2.VCpuInfo!.DefaultVCpus, 32);
    assert.equal(cc2.MemoryInfo!.SizeInMiB, 61952);
    assert.equal(cc2.InstanceStorageInfo!.TotalSizeInGB, 3360);
    const p3 = instanceType("p3.8xlarge")!;
    assert.equal(p3.GpuInfo!.Gpus![0]!.Name, "V100");
    assert.equal(p3.GpuInfo!.Gpus![0]!.Count, 4);
    assert.equal(p3.MemoryInfo!.SizeInMiB, 244 * 1024);
    assert.equal(instanceType("x1e.32xlarge")!.MemoryInfo!.SizeInMiB, 3904 * 1024);
    assert.equal(instanceType("hpc6a.48xlarge")!.VCpuInfo!.DefaultThreadsPerCore, 1);
  });

  it("unknown and differently-cased names are not found", () => {
    assert.equal(instanceType("m5.huge"), undefined);
    assert.equal(instanceType("M5.LARGE"), undefined);
    assert.equal(familyOf("m7i.metal-48xl"), "m7i");
  });
});

describe("burstable CPU credits", () => {
  it("every burstable type but t1.micro has credit figures, and no other type does", () => {
    for (const t of allInstanceTypes()) {
      const credits = cpuCreditsOf(t.InstanceType!);
      assert.equal(credits !== undefined, t.BurstablePerformanceSupported === true, t.InstanceType);
    }
    assert.equal(Object.keys(CPU_CREDITS).length, 28);
  });

  it("matches AWS's table (credits per hour, baseline per vCPU)", () => {
    assert.deepEqual([cpuCreditsOf("t2.micro")!.creditsPerHour, cpuCreditsOf("t2.micro")!.baselinePerVCpuPercent], [6, 10]);
    assert.equal(cpuCreditsOf("t2.micro")!.maxAccruedCredits, 144);
    assert.equal(cpuCreditsOf("t2.micro")!.defaultCreditMode, "standard");
    assert.equal(cpuCreditsOf("t3.nano")!.creditsPerHour, 6);
    assert.equal(cpuCreditsOf("t3.2xlarge")!.creditsPerHour, 192);
    assert.equal(cpuCreditsOf("t3.large")!.baselineTotalPercent, 60);
    assert.equal(cpuCreditsOf("t4g.medium")!.defaultCreditMode, "unlimited");
    // A vCPU at baseline for an hour spends baseline% × 60 credits: what it earns.
    for (const [name, c] of Object.entries(CPU_CREDITS)) {
      const vcpus = instanceType(name)!.VCpuInfo!.DefaultVCpus!;
      assert.ok(Math.abs(c.creditsPerHour - (c.baselinePerVCpuPercent / 100) * 60 * vcpus) < 0.5, name);
    }
  });
});

describe("host types", () => {
  it("every instance type runs on a host type of its family that holds at least one", () => {
    for (const t of allInstanceTypes()) {
      const host = hostTypeFor(t.InstanceType!);
      assert.ok(host, `${t.InstanceType} has a host type`);
      assert.equal(host.family, familyOf(t.InstanceType!));
      assert.ok(t.ProcessorInfo!.SupportedArchitectures!.includes(host.architecture), `${t.InstanceType} architecture`);
      if (t.Hypervisor) assert.equal(host.hypervisor, t.Hypervisor, `${t.InstanceType} hypervisor`);
      else assert.equal(host.hypervisor, "nitro", `${t.InstanceType} metal on Nitro hardware`);
      assert.ok(maxInstancesPerHost(host, t) >= 1, `${t.InstanceType} fits its host`);
      assert.ok(t.MemoryInfo!.SizeInMiB! <= guestMemoryMiB(host), `${t.InstanceType} memory fits`);
    }
  });

  it("arm64 types only on arm64 hosts and the other way round", () => {
    for (const t of allInstanceTypes()) {
      const arm = t.ProcessorInfo!.SupportedArchitectures!.includes("arm64");
      assert.equal(hostTypeFor(t.InstanceType!)!.architecture === "arm64", arm, t.InstanceType);
    }
  });

  it("metal sizes are exactly the whole box; the largest size fills what guests get", () => {
    for (const t of allInstanceTypes().filter((x) => x.BareMetal)) {
      assert.equal(t.VCpuInfo!.DefaultVCpus, totalThreads(hostTypeFor(t.InstanceType!)!), t.InstanceType);
    }
    for (const host of allHostTypes()) {
      const family = allInstanceTypes().filter((t) => familyOf(t.InstanceType!) === host.family);
      const largest = Math.max(...family.map((t) => t.VCpuInfo!.DefaultVCpus!));
      assert.ok(largest <= guestThreads(host), `${host.family}: ${largest} vCPUs ≤ ${guestThreads(host)} guest threads`);
      // m1 and m3 (like the burstable families) never had a size that took the whole machine.
      if (!host.burstable && host.family !== "m1" && host.family !== "m3") assert.equal(largest, guestThreads(host), `${host.family}: the largest size fills the host`);
    }
  });

  it("Xen hosts reserve cores or memory for dom0; Nitro hosts reserve nothing", () => {
    for (const host of allHostTypes()) {
      if (host.hypervisor === "xen") assert.ok(host.reserved.memoryGiB > 0, host.family);
      else assert.deepEqual(host.reserved, { coresPerSocket: 0, memoryGiB: 0 }, host.family);
    }
    const c4 = hostTypeFor("c4.8xlarge")!;
    assert.equal(totalThreads(c4), 40);
    assert.equal(guestThreads(c4), 36);
  });

  it("AWS's documented Dedicated Host figures: m5 and r5 hosts, the R5 per-size cap, T3 host capacity", () => {
    const m5 = hostTypeFor("m5.large")!;
    assert.deepEqual([m5.sockets, m5.coresPerSocket, m5.threadsPerCore, totalThreads(m5), m5.memoryGiB], [2, 24, 2, 96, 384]);
    assert.equal(instancesPerHost("m5.4xlarge"), 6);
    assert.equal(instancesPerHost("m5.large"), 48);
    assert.deepEqual(hostPropertiesOf(m5), { Sockets: 2, Cores: 48, TotalVCpus: 96, InstanceFamily: "m5" });
    assert.equal(instancesPerHost("r5.8xlarge"), 2);
    assert.deepEqual(
      ["t3.nano", "t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge"].map(instancesPerHost),
      [192, 192, 96, 48, 24],
    );
    assert.deepEqual(hostCapacity(m5).map((c) => c.instanceType), allInstanceTypes().filter((t) => familyOf(t.InstanceType!) === "m5").map((t) => t.InstanceType));
  });

  it("GPU hosts are limited by their GPUs; a host takes only its own family", () => {
    assert.equal(instancesPerHost("g5.xlarge"), 8);
    assert.equal(instancesPerHost("p3.8xlarge"), 2);
    assert.equal(maxInstancesPerHost(hostTypeFor("m5.large")!, instanceType("c5.large")!), 0);
    assert.equal(instancesPerHost("z9.huge"), 0);
    assert.equal(hostTypeFor("t3.micro")!.family, "t3");
  });
});

describe("DescribeInstanceTypes filters", () => {
  it("instance-type with wildcards", () => {
    assert.deepEqual(byFilter(["instance-type", "t?.micro"]), ["t1.micro", "t2.micro", "t3.micro"]);
    assert.equal(byFilter(["instance-type", "m5.*"]).length, 9);
    assert.deepEqual(byFilter(["instance-type", "*.metal*"]).length, allInstanceTypes().filter((t) => t.BareMetal).length);
    assert.deepEqual(byFilter(["instance-type", "m5.large", "c5.large"]), ["c5.large", "m5.large"]);
    assert.deepEqual(byFilter(["instance-type", "M5.LARGE"]), [], "values are case-sensitive");
  });

  it("values OR'ed, filters AND'ed; numbers and booleans in their text form", () => {
    assert.deepEqual(byFilter(["vcpu-info.default-vcpus", "1"], ["memory-info.size-in-mib", "512"]), ["t2.nano"]);
    assert.deepEqual(byFilter(["hypervisor", "xen"], ["processor-info.supported-architecture", "arm64"]), []);
    assert.deepEqual(byFilter(["processor-info.supported-architecture", "arm64"], ["bare-metal", "true"]), ["c6g.metal", "m6g.metal"]);
    assert.deepEqual(byFilter(["supported-virtualization-type", "paravirtual"], ["instance-type", "t*"]), ["t1.micro"]);
    assert.ok(byFilter(["burstable-performance-supported", "true"]).every((n) => n!.startsWith("t")));
    assert.deepEqual(byFilter(["network-info.efa-supported", "true"], ["instance-type", "c5n.*"]), ["c5n.18xlarge", "c5n.9xlarge", "c5n.metal"]);
    assert.ok(byFilter(["current-generation", "false"]).includes("m1.small"));
    assert.ok(byFilter(["free-tier-eligible", "true"]).includes("t3.micro"));
    assert.ok(byFilter(["instance-storage-supported", "true"]).includes("cc2.8xlarge"));
    const noEna = byFilter(["network-info.ena-support", "unsupported"], ["instance-type", "t*"]);
    assert.deepEqual(noEna, byFilter(["instance-type", "t1.*", "t2.*"]), "ENA came with Nitro: T1 and T2 lack it");
    assert.ok(byFilter(["supported-root-device-type", "instance-store"]).includes("c3.large"));
    assert.ok(byFilter(["supported-usage-class", "spot"]).includes("m5.large"));
    assert.ok(byFilter(["processor-info.sustained-clock-speed-in-ghz", "3.1"]).includes("m5.large"));
    assert.ok(byFilter(["vcpu-info.valid-threads-per-core", "1,2"]).includes("m5.large"));
    assert.ok(byFilter(["instance-storage-info.disk.type", "hdd"]).includes("cc2.8xlarge"));
  });

  it("an unknown filter name is InvalidParameterValue, even when nothing else is wrong", () => {
    assertServiceError(() => byFilter(["gpu-info.count", "1"]), "InvalidParameterValue", "The filter 'gpu-info.count' is invalid");
    assertServiceError(() => describeInstanceTypes(undefined, [{ Name: "instance-type" }, { Name: "tag:Name", Values: ["x"] }]), "InvalidParameterValue", "The filter 'tag:Name' is invalid");
    assert.ok(INSTANCE_TYPE_FILTER_NAMES.includes("hypervisor"));
  });

  it("named types: unknown names fail the call with InvalidInstanceType", () => {
    assert.deepEqual(names(describeInstanceTypes(["t2.micro", "m5.large"], undefined)), ["m5.large", "t2.micro"]);
    assert.deepEqual(names(describeInstanceTypes(["t2.micro", "m5.large"], [{ Name: "hypervisor", Values: ["nitro"] }])), ["m5.large"]);
    assertServiceError(() => describeInstanceTypes(["m5.large", "m5.huge"], undefined), "InvalidInstanceType", "The following supplied instance types do not exist: [m5.huge]");
    assert.equal(describeInstanceTypes(undefined, undefined).length, allInstanceTypes().length);
  });

  it("wildcards: ? is one character, backslash escapes", () => {
    assert.equal(wildcardMatcher("a?c")("abc"), true);
    assert.equal(wildcardMatcher("a?c")("ac"), false);
    assert.equal(wildcardMatcher("a\\*")("a*"), true);
    assert.equal(wildcardMatcher("a\\*")("ab"), false);
    assert.equal(wildcardMatcher("m5.*")("m5xlarge"), false, "the dot is literal");
  });
});

describe("DescribeInstanceTypeOfferings data", () => {
  it("every type in the region by default, per zone on request, with filters", () => {
    const regional = describeInstanceTypeOfferings("us-east-1", undefined, undefined);
    assert.equal(regional.length, allInstanceTypes().length);
    assert.deepEqual(regional[0], { InstanceType: regional[0]!.InstanceType, LocationType: "region", Location: "us-east-1" });
    const zonal = describeInstanceTypeOfferings("eu-west-1", "availability-zone", [{ Name: "instance-type", Values: ["m5.large"] }]);
    assert.deepEqual(zonal.map((o) => o.Location), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const byId = describeInstanceTypeOfferings("us-east-1", "availability-zone-id", [{ Name: "location", Values: ["use1-az1"] }, { Name: "instance-type", Values: ["t3.*"] }]);
    assert.equal(byId.length, 7);
    assertServiceError(() => describeInstanceTypeOfferings("us-east-1", undefined, [{ Name: "zone", Values: ["x"] }]), "InvalidParameterValue", "The filter 'zone' is invalid");
    assert.equal(isOffered("m5.large", "us-east-1", "us-east-1b"), true);
    assert.equal(isOffered("m5.large", "us-east-1", "eu-west-1a"), false);
    assert.equal(isOffered("m5.huge", "us-east-1"), false);
    assertServiceError(() => describeInstanceTypeOfferings("us-east-1", "galaxy", undefined), "InvalidParameterValue", /LocationType/);
  });
});

/** The static hardware catalogue: instance types, host types, their capacity, and DescribeInstanceTypes support. */
export { instanceType, allInstanceTypes, familyOf, sizeOf, vcpusOf, memoryMiBOf } from "./instance-types.js";
export { cpuCreditsOf, CPU_CREDITS, type CpuCreditInfo } from "./cpu-credits.js";
export { allHostTypes, hostTypeFor, hostTypeOfFamily, totalCores, totalThreads, guestThreads, guestThreadsPerSocket, guestMemoryMiB, hostPropertiesOf, type HostType } from "./host-types.js";
export { footprintOf, maxInstancesPerHost, hostCapacity, instancesPerHost, type InstanceFootprint } from "./host-capacity.js";
export { describeInstanceTypes, filterInstanceTypes, instanceTypePredicate, invalidFilter, INSTANCE_TYPE_FILTER_NAMES } from "./describe-filter.js";
export { describeInstanceTypeOfferings, isOffered } from "./offerings.js";
export { wildcardMatcher } from "../ec2/filters.js";

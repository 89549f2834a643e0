import type { Ec2Context } from "../context.js";
import type { OperationContext } from "../../../sdk-compat/protocol/operation-handler.js";
import type {
  DescribeInstanceAttributeRequest, DescribeInstanceStatusRequest, DescribeInstancesRequest, GetConsoleOutputRequest, ModifyInstanceAttributeRequest,
  RebootInstancesRequest, RunInstancesRequest, StartInstancesRequest, StopInstancesRequest, TerminateInstancesRequest,
} from "@aws-sdk/client-ec2";
import { runInstances } from "./run-instances.js";
import { describeInstances } from "./describe-instances.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./state-changes.js";
import { describeInstanceAttribute, modifyInstanceAttribute } from "./attributes.js";
import { describeInstanceStatus, getConsoleOutput } from "./status-and-console.js";

export function instanceHandlers(c: Ec2Context) {
  return {
    RunInstances: (input: RunInstancesRequest, ctx: OperationContext) => runInstances(c, input, ctx),
    DescribeInstances: (input: DescribeInstancesRequest, ctx: OperationContext) => describeInstances(c, input, ctx),
    StartInstances: (input: StartInstancesRequest, ctx: OperationContext) => startInstances(c, input, ctx),
    StopInstances: (input: StopInstancesRequest, ctx: OperationContext) => stopInstances(c, input, ctx),
    RebootInstances: (input: RebootInstancesRequest, ctx: OperationContext) => rebootInstances(c, input, ctx),
    TerminateInstances: (input: TerminateInstancesRequest, ctx: OperationContext) => terminateInstances(c, input, ctx),
    ModifyInstanceAttribute: (input: ModifyInstanceAttributeRequest, ctx: OperationContext) => modifyInstanceAttribute(c, input, ctx),
    DescribeInstanceAttribute: (input: DescribeInstanceAttributeRequest, ctx: OperationContext) => describeInstanceAttribute(c, input, ctx),
    DescribeInstanceStatus: (input: DescribeInstanceStatusRequest, ctx: OperationContext) => describeInstanceStatus(c, input, ctx),
    GetConsoleOutput: (input: GetConsoleOutputRequest, ctx: OperationContext) => getConsoleOutput(c, input, ctx),
  };
}

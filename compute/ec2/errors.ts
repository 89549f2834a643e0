import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** EC2 error texts as AWS writes them (reference A.3). */
export const Ec2Errors = {
  dryRun: () => new ServiceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", { status: 412 }),
  missing: (name: string) => new ServiceError("MissingParameter", `The request must contain the parameter ${name}`),
  invalidValue: (message: string) => new ServiceError("InvalidParameterValue", message),
  combination: (message: string) => new ServiceError("InvalidParameterCombination", message),
  malformedId: (code: string, id: string, prefix: string) => new ServiceError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`),
  instanceNotFound: (ids: string[]) =>
    new ServiceError("InvalidInstanceID.NotFound", ids.length === 1 ? `The instance ID '${ids[0]}' does not exist` : `The instance IDs '${ids.join(", ")}' do not exist`),
  incorrectState: (message: string) => new ServiceError("IncorrectInstanceState", message),
  notPermitted: (message: string) => new ServiceError("OperationNotPermitted", message),
  insufficientCapacity: (type: string, zone: string, others: string[]) =>
    new ServiceError(
      "InsufficientInstanceCapacity",
      `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity. ` +
        (others.length ? `You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${others.join(", ")}.` : `You can currently get ${type} capacity by not specifying an Availability Zone in your request.`),
      { status: 500 },
    ),
  vcpuLimit: (limit: number) =>
    new ServiceError(
      "VcpuLimitExceeded",
      `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    ),
  badNextToken: () => new ServiceError("InvalidNextToken", "The specified NextToken is not valid."),
  invalidFilter: (name: string) => new ServiceError("InvalidParameterValue", `The filter '${name}' is invalid`),
};

/** Checks `DryRun` after validation and before any change, as EC2 does. */
export function dryRunGate(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw Ec2Errors.dryRun();
}

const ID_SHAPE = /^[a-z]+-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function assertIdShape(id: string, prefix: string, code: string): void {
  if (!id.startsWith(`${prefix}-`) || !ID_SHAPE.test(id)) throw Ec2Errors.malformedId(code, id, prefix);
}

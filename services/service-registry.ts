import type { ServiceModel } from "../sdk-compat/model/service-model.js";
import { loadServiceModel } from "../sdk-compat/model/service-model.js";
import type { Protocol } from "../sdk-compat/protocol/protocol.js";
import { JsonProtocol } from "../sdk-compat/protocol/json-protocol.js";
import { QueryProtocol } from "../sdk-compat/protocol/query-protocol.js";
import { SqsQueryProtocol } from "../sdk-compat/protocol/sqs-query-protocol.js";
import { Ec2Protocol } from "../sdk-compat/protocol/ec2-protocol.js";
import { RestProtocol } from "../sdk-compat/protocol/rest-protocol.js";
import type { ServiceProvider } from "../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../storage/state/environment.js";
import type { ServiceName } from "./config.js";
import type { QueueDelivery } from "../messaging/sqs/queue-delivery.js";
import { createS3Provider } from "../storage/s3/provider.js";
import { createSqsProvider } from "../messaging/sqs/provider.js";
import { createSnsProvider } from "../messaging/sns/provider.js";
import { createEc2Provider } from "../compute/ec2/provider.js";
import { createEbsDirectProvider } from "../storage/ebs/direct-provider.js";
import { createEbsVolumeProvider } from "../storage/ebs/volume-provider.js";
import { createStsProvider } from "./identity/sts-provider.js";
import { createIamProvider } from "./identity/iam-provider.js";
import { CallerResolver } from "./identity/callers.js";
import { IdentityStore } from "./identity/identity-store.js";

export interface RegisteredService {
  name: ServiceName;
  model: ServiceModel;
  /** The protocols this service answers; the first is the default. */
  protocols: Protocol[];
  provider: ServiceProvider;
}

/** What the platform shares with services beyond their environment: who credentials stand for. */
export interface PlatformServices {
  callers: CallerResolver;
}

const definitions: Record<ServiceName, { protocols: (model: ServiceModel) => Protocol[]; create: (env: DomainEnvironment, others: Map<string, RegisteredService>, platform: PlatformServices) => ServiceProvider }> = {
  // S3 checks notification destinations through SQS's delivery interface.
  s3: { protocols: (m) => [new RestProtocol(m, "rest-xml")], create: (env, others) => createS3Provider(env, { queues: () => queueDeliveryOf(others.get("sqs")?.provider) }) },
  // SQS answers both protocols for good: clients moved to JSON and back more than once.
  sqs: { protocols: (m) => [new JsonProtocol(m), new SqsQueryProtocol(m)], create: createSqsProvider },
  // SNS reaches SQS through SQS's delivery interface, looked up per delivery so start order does not matter.
  sns: { protocols: (m) => [new QueryProtocol(m)], create: (env, others) => createSnsProvider(env, { queues: () => queueDeliveryOf(others.get("sqs")?.provider) }) },
  ec2: { protocols: (m) => [new Ec2Protocol(m)], create: createEc2WithEbs },
  ebs: { protocols: (m) => [new RestProtocol(m, "rest-json")], create: createEbsDirectProvider },
  sts: { protocols: (m) => [new QueryProtocol(m)], create: (env, _others, platform) => createStsProvider(env, { callers: platform.callers }) },
  // IAM is global: its state is keyed by account only, whatever region a client signs for (us-east-1).
  iam: { protocols: (m) => [new QueryProtocol(m)], create: createIamProvider },
};

function queueDeliveryOf(provider: ServiceProvider | undefined): QueueDelivery | undefined {
  const delivery = (provider as { delivery?: QueueDelivery } | undefined)?.delivery;
  return typeof delivery?.deliver === "function" ? delivery : undefined;
}

/** `others` is the platform's registry, for providers that call another service (SNS → SQS). */
export function registerService(
  name: ServiceName,
  env: DomainEnvironment,
  others: Map<string, RegisteredService> = new Map(),
  platform: PlatformServices = { callers: new CallerResolver(new IdentityStore(env.db), env.clock) },
): RegisteredService {
  const definition = definitions[name];
  // The model (EC2's is 1 MB of JSON) and the protocols built on it load on the service's first
  // request: start-up and idle memory only pay for what is used.
  let model: ServiceModel | undefined;
  let protocols: Protocol[] | undefined;
  return {
    name,
    get model() {
      return (model ??= loadServiceModel(name));
    },
    get protocols() {
      return (protocols ??= definition.protocols(this.model));
    },
    provider: definition.create(env, others, platform),
  };
}

/**
 * The ec2 service also serves EBS's EC2-API operations (volumes, attachments, snapshots). EBS reads
 * instances, tags and images through the interface EC2 declares (Ec2ForVolumes); EC2 calls EBS's VolumeHooks.
 */
function createEc2WithEbs(env: DomainEnvironment): ServiceProvider {
  return createEc2Provider(env, { volumes: (ec2) => createEbsVolumeProvider(env, ec2) });
}

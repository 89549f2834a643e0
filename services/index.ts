export { startCloudbox, PortInUseError } from "./cloudbox.js";
export type { Cloudbox } from "./cloudbox.js";
export type { CloudboxOptions, ServiceName } from "./config.js";
export { ALL_SERVICES } from "./config.js";
export { ServiceError } from "../sdk-compat/errors/service-error.js";
export { RealClock, VirtualClock } from "../storage/state/clock.js";
export type { Clock } from "../storage/state/clock.js";

// Vitest global setup: one cloudbox for the whole run, its endpoint handed to the tests with provide/inject.
import { startCloudbox } from "cloudbox";

let cloudbox;

export async function setup({ provide }) {
  cloudbox = await startCloudbox({ port: 0 });
  provide("cloudboxEndpoint", cloudbox.endpoint);
}

export async function teardown() {
  await cloudbox.stop();
}

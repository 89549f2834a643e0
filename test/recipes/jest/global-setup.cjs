// Jest global setup: start cloudbox once; workers inherit AWS_ENDPOINT_URL, which every SDK client honours.
module.exports = async () => {
  const { startCloudbox } = await import("cloudbox");
  globalThis.__CLOUDBOX__ = await startCloudbox({ port: 0 });
  process.env.AWS_ENDPOINT_URL = globalThis.__CLOUDBOX__.endpoint;
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  process.env.AWS_REGION = "us-east-1";
};

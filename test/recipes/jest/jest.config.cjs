module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/*.spec.cjs"],
  globalSetup: "<rootDir>/global-setup.cjs",
  globalTeardown: "<rootDir>/global-teardown.cjs",
};

module.exports = async () => {
  await globalThis.__CLOUDBOX__.stop();
};

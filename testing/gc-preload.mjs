/**
 * Preloaded into a test server (`startServer({ nodeArgs: ["--expose-gc", "--import", …/gc-preload.mjs] })`):
 * on SIGUSR2 the server collects garbage (twice, with a pause for finalizers) and prints one line
 * `{"heapAfterGc": <bytes>}` on stdout. Test-only: the app never loads it.
 */
process.on("SIGUSR2", () => {
  const collect = globalThis.gc;
  if (typeof collect !== "function") throw new Error("gc-preload needs --expose-gc");
  collect();
  setTimeout(() => {
    collect();
    collect();
    process.stdout.write(`${JSON.stringify({ heapAfterGc: process.memoryUsage().heapUsed })}\n`);
  }, 200);
});

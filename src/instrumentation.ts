/**
 * Runs once when the server starts: parse the environment now so a bad value stops start-up with a clear
 * message instead of failing the first request; then start the background jobs.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    try {
      await import("./env");
    } catch (error) {
      // Next.js would log this and go on serving a 500 for every route: exit with the message instead.
      // (Not the logger: it reads the environment that just failed to parse.)
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    const { prepareRateLimits } = await import("./server/protection/rate-limits");
    prepareRateLimits();
    // The stale-reply sweep (src/server/jobs): not while `next build` prerenders pages.
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      const { startBackgroundJobs } = await import("./server/jobs/background");
      startBackgroundJobs();
      // The stored websites' reader for src/proxy.ts (frame-ancestors of /widget), registered before any request.
      await import("./server/admin/settings/stored-origins");
    }
  }
}

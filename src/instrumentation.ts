/**
 * Runs once when the server starts: parse the environment now so a bad value stops start-up with a clear
 * message instead of failing the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./env");
    const { prepareRateLimits } = await import("./server/protection/rate-limits");
    prepareRateLimits();
  }
}

/**
 * Preloaded into the e2e server (e2e/start-app.ts, `NODE_OPTIONS=--import …`): a question that contains
 * "(slowly)" is answered at 150 ms per delta, so a test can reload the page mid-reply even on a loaded machine.
 * Registered through the runtime's responder hook (src/server/runtime/responder.ts, RESPONDER_WRAPPER); every
 * other question is answered as usual.
 */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

globalThis[Symbol.for("visitor-chat.wrapResponder")] = (inner) => ({
  name: `${inner.name}+e2e-pace`,
  reply(input) {
    const reply = inner.reply(input);
    if (!String(input.message).includes("(slowly)")) return reply;
    async function* paced() {
      for await (const delta of reply.deltas) {
        await sleep(150);
        yield delta;
      }
    }
    return { ...reply, deltas: paced(), sources: () => reply.sources() };
  },
});

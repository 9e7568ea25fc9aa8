import type { Responder } from "~/server/chat/responder/responder";

/** A question put straight to a responder (no session): the reply's whole text and its sources. */
export async function ask(responder: Responder, message: string) {
  const reply = responder.reply({ history: [], message, signal: new AbortController().signal });
  let text = "";
  for await (const chunk of reply.deltas) text += chunk;
  return { text, sources: reply.sources() };
}

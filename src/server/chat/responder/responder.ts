/**
 * Produces the assistant's reply. The knowledge-base responder is the embedded default; an LLM responder
 * implements the same interface. Implementations yield text deltas as soon as they have them and stop
 * promptly when `signal` aborts.
 */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

export interface ResponderInput {
  /** Earlier turns of the session, oldest first (the new message is not included). */
  history: ChatTurn[];
  /** The visitor's new message. */
  message: string;
  signal: AbortSignal;
}

export interface Responder {
  readonly name: string;
  reply(input: ResponderInput): AsyncIterable<string>;
}

import type { Db } from "../db/client";
import type { Responder } from "./responder/responder";

/** What the domain functions need from the outside world; transports and tests build one. */
export interface ChatDeps {
  db: Db;
  responder: Responder;
}

import type { Responder, ResponderInput, ResponderReply } from "./responder";

export interface TokenBudget {
  /** Tokens (prompt + completion) allowed per UTC day. */
  dailyTokens: number;
  /** Tokens used so far today. */
  usedToday(): Promise<number>;
}

/**
 * LLM_DAILY_TOKEN_BUDGET: the primary responder (the LLM) answers while today's tokens are under the budget;
 * past it, the fallback (the knowledge-base responder) answers until the day ends (UTC). Checked once per reply,
 * before it starts, so replies already running finish (the budget can be overshot by the replies in flight).
 */
export class BudgetedResponder implements Responder {
  readonly name: string;

  constructor(
    private readonly primary: Responder,
    private readonly fallback: Responder,
    private readonly budget: TokenBudget,
  ) {
    this.name = primary.name;
  }

  reply(input: ResponderInput): ResponderReply {
    let chosen: ResponderReply | undefined;
    let answeredBy = this.primary.name;
    const choose = async () => {
      const overBudget = (await this.budget.usedToday()) >= this.budget.dailyTokens;
      const responder = overBudget ? this.fallback : this.primary;
      answeredBy = responder.name;
      chosen = responder.reply(input);
      return chosen;
    };
    return {
      deltas: (async function* () {
        yield* (await choose()).deltas;
      })(),
      sources: () => chosen?.sources() ?? [],
      usage: () => chosen?.usage?.(),
      answeredBy: () => answeredBy,
    };
  }
}

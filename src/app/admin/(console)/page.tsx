import type { Metadata } from "next";
import Link from "next/link";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { DailyBarChart } from "../_components/daily-bar-chart";

export const metadata: Metadata = { title: "Dashboard" };

const number = new Intl.NumberFormat("en");
const percent = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)} %`);
const average = (value: number | null) => (value === null ? "—" : value.toFixed(1));

export default async function DashboardPage() {
  const { caller } = await adminPage("/admin");
  const { totals, days, llm_usage: llm } = await caller.admin.dashboard();
  const currency = (value: number) => value.toLocaleString("en", { maximumFractionDigits: 4 });
  const costToday = llm.days.at(-1)?.cost_estimate ?? null;
  const cost30 = llm.days.reduce((sum, day) => sum + (day.cost_estimate ?? 0), 0);
  const cards = [
    { label: "Visitors", value: totals.visitors },
    { label: "Sessions", value: totals.sessions },
    { label: "Messages", value: totals.messages },
    { label: "Failed replies", value: totals.failed_replies },
  ];
  const quality = [
    {
      label: "Answered",
      id: "answered-share",
      value: percent(totals.answered_share),
      detail: `${number.format(totals.answered)} of ${number.format(totals.answered + totals.unanswered)} questions`,
    },
    {
      label: "Thumbs up",
      id: "thumbs-up-share",
      value: percent(
        totals.thumbs_up + totals.thumbs_down === 0
          ? null
          : totals.thumbs_up / (totals.thumbs_up + totals.thumbs_down),
      ),
      detail: `${number.format(totals.thumbs_up)} up · ${number.format(totals.thumbs_down)} down`,
    },
    {
      label: "Conversation rating",
      id: "rating-average",
      value: average(totals.rating_average),
      detail: `${number.format(totals.ratings)} ratings (1–5)`,
    },
  ];
  const rated = days
    .filter((day) => day.answered + day.unanswered + day.thumbs_up + day.thumbs_down + day.ratings > 0)
    .reverse();
  return (
    <>
      <h1>Dashboard</h1>
      {llm.budget_exhausted && (
        <p className="notice" role="status" data-testid="llm-budget-exhausted">
          Today&apos;s LLM token budget is spent ({number.format(llm.tokens_today)} of{" "}
          {number.format(llm.daily_token_budget ?? 0)} tokens): replies come from the knowledge base until
          00:00 UTC. Raise LLM_DAILY_TOKEN_BUDGET to change this.
        </p>
      )}
      <section className="cards" aria-label="Totals">
        {cards.map((card) => (
          <div className="card" key={card.label}>
            <div className="muted">{card.label}</div>
            <div className="value" data-testid={`total-${card.label.toLowerCase().replace(" ", "-")}`}>
              {number.format(card.value)}
            </div>
          </div>
        ))}
      </section>
      <h2>Answer quality</h2>
      <section className="cards" aria-label="Answer quality">
        {quality.map((card) => (
          <div className="card" key={card.id}>
            <div className="muted">{card.label}</div>
            <div className="value" data-testid={`total-${card.id}`}>
              {card.value}
            </div>
            <div className="muted">{card.detail}</div>
          </div>
        ))}
      </section>
      <p className="muted">
        Questions the help articles did not answer, and replies rated down, are listed on{" "}
        <Link href="/admin/gaps">Knowledge gaps</Link>.
      </p>
      {rated.length > 0 && (
        <table aria-label="Answer quality per day">
          <thead>
            <tr>
              <th>Day (UTC)</th>
              <th className="num">Answered</th>
              <th className="num">Unanswered</th>
              <th className="num">Answered share</th>
              <th className="num">Thumbs up</th>
              <th className="num">Thumbs down</th>
              <th className="num">Ratings</th>
              <th className="num">Average rating</th>
            </tr>
          </thead>
          <tbody>
            {rated.map((day) => (
              <tr key={day.date}>
                <td>{day.date}</td>
                <td className="num">{day.answered}</td>
                <td className="num">{day.unanswered}</td>
                <td className="num">{percent(day.answered_share)}</td>
                <td className="num">{day.thumbs_up}</td>
                <td className="num">{day.thumbs_down}</td>
                <td className="num">{day.ratings}</td>
                <td className="num">{average(day.rating_average)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>New sessions per day (last 30 days, UTC)</h2>
      <DailyBarChart
        label="New sessions per day"
        unit="sessions"
        barClass="bar-sessions"
        points={days.map((day) => ({ date: day.date, value: day.sessions }))}
      />
      <h2>Messages per day (last 30 days, UTC)</h2>
      <DailyBarChart
        label="Messages per day"
        unit="messages"
        barClass="bar-messages"
        points={days.map((day) => ({ date: day.date, value: day.messages }))}
      />
      <h2>LLM tokens per day (last 30 days, UTC)</h2>
      <p className="muted" data-testid="llm-usage-summary">
        Today: {number.format(llm.tokens_today)} tokens
        {llm.daily_token_budget !== null && (
          <> of a daily budget of {number.format(llm.daily_token_budget)}</>
        )}
        {costToday !== null && (
          <>
            {" "}
            · estimated cost today {currency(costToday)}, last 30 days {currency(cost30)} (at{" "}
            {currency(llm.price_per_1k_input ?? 0)} per 1,000 prompt and{" "}
            {currency(llm.price_per_1k_output ?? 0)} per 1,000 completion tokens)
          </>
        )}
        {costToday === null && (
          <> · set LLM_PRICE_PER_1K_INPUT and LLM_PRICE_PER_1K_OUTPUT for a cost estimate</>
        )}
      </p>
      <DailyBarChart
        label="LLM tokens per day"
        unit="tokens"
        barClass="bar-messages"
        points={llm.days.map((day) => ({ date: day.date, value: day.prompt_tokens + day.completion_tokens }))}
      />
    </>
  );
}

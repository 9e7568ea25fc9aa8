import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { DailyBarChart } from "../_components/daily-bar-chart";
import { formatDay } from "../_components/format";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminDashboard");
  return { title: t("title") };
}

export default async function DashboardPage() {
  const { caller } = await adminPage("/admin", "agent");
  const { totals, days, llm_usage: llm } = await caller.admin.dashboard();
  // A fresh install starts with an empty knowledge base: show the first steps until it has an article.
  const { items: articles } = await caller.admin.knowledge.list();
  const t = await getTranslations("AdminDashboard");
  const tc = await getTranslations("AdminCommon");
  const locale = await getLocale();
  const number = new Intl.NumberFormat(locale);
  const percentFormat = new Intl.NumberFormat(locale, { style: "percent" });
  const averageFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = (share: number | null) => (share === null ? "—" : percentFormat.format(share));
  const average = (value: number | null) => (value === null ? "—" : averageFormat.format(value));
  const currency = (value: number) => value.toLocaleString(locale, { maximumFractionDigits: 4 });
  const costToday = llm.days.at(-1)?.cost_estimate ?? null;
  const cost30 = llm.days.reduce((sum, day) => sum + (day.cost_estimate ?? 0), 0);
  const cards = [
    { id: "visitors", label: t("visitors"), value: totals.visitors },
    { id: "sessions", label: t("sessions"), value: totals.sessions },
    { id: "messages", label: t("messages"), value: totals.messages },
    { id: "failed-replies", label: t("failedReplies"), value: totals.failed_replies },
  ];
  const quality = [
    {
      label: t("answered"),
      id: "answered-share",
      value: percent(totals.answered_share),
      detail: t("answeredDetail", { answered: totals.answered, asked: totals.answered + totals.unanswered }),
    },
    {
      label: t("thumbsUp"),
      id: "thumbs-up-share",
      value: percent(
        totals.thumbs_up + totals.thumbs_down === 0
          ? null
          : totals.thumbs_up / (totals.thumbs_up + totals.thumbs_down),
      ),
      detail: t("thumbsDetail", { up: totals.thumbs_up, down: totals.thumbs_down }),
    },
    {
      label: t("rating"),
      id: "rating-average",
      value: average(totals.rating_average),
      detail: t("ratingDetail", { count: totals.ratings }),
    },
  ];
  const rated = days
    .filter((day) => day.answered + day.unanswered + day.thumbs_up + day.thumbs_down + day.ratings > 0)
    .reverse();
  /** The screen-reader summary of a chart: its name, the total, the number of days and the busiest day's value. */
  const chartSummary = (label: string, values: number[]) =>
    tc("chartSummary", {
      label,
      total: values.reduce((sum, value) => sum + value, 0),
      days: values.length,
      max: Math.max(0, ...values),
    });
  const sessionPoints = days.map((day) => ({ date: day.date, value: day.sessions }));
  const messagePoints = days.map((day) => ({ date: day.date, value: day.messages }));
  const tokenPoints = llm.days.map((day) => ({
    date: day.date,
    value: day.prompt_tokens + day.completion_tokens,
  }));
  const usage = [
    llm.daily_token_budget === null
      ? t("usageToday", { tokens: llm.tokens_today })
      : t("usageTodayOfBudget", { tokens: llm.tokens_today, budget: llm.daily_token_budget }),
    costToday === null
      ? t("usageNoPrice")
      : t("usageCost", {
          today: currency(costToday),
          month: currency(cost30),
          input: currency(llm.price_per_1k_input ?? 0),
          output: currency(llm.price_per_1k_output ?? 0),
        }),
  ];
  return (
    <>
      <h1>{t("heading")}</h1>
      {llm.budget_exhausted && (
        <p className="notice" role="status" data-testid="llm-budget-exhausted">
          {t("budgetExhausted", { used: llm.tokens_today, budget: llm.daily_token_budget ?? 0 })}
        </p>
      )}
      {articles.length === 0 && (
        <section className="notice" aria-labelledby="first-steps" data-testid="first-steps">
          <h2 id="first-steps">{t("firstSteps")}</h2>
          <ol>
            <li>
              <Link href="/admin/knowledge">{t("stepArticles")}</Link>
            </li>
            <li>{t("stepAnswerTests")}</li>
            <li>
              <Link href="/admin/settings">{t("stepGreeting")}</Link>
            </li>
          </ol>
        </section>
      )}
      <section className="cards" aria-label={t("totals")}>
        {cards.map((card) => (
          <div className="card" key={card.id}>
            <div className="muted">{card.label}</div>
            <div className="value" data-testid={`total-${card.id}`}>
              {number.format(card.value)}
            </div>
          </div>
        ))}
      </section>
      <h2>{t("quality")}</h2>
      <section className="cards" aria-label={t("quality")}>
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
        {t.rich("gapsNote", { link: (chunks) => <Link href="/admin/gaps">{chunks}</Link> })}
      </p>
      {rated.length > 0 && (
        <table aria-label={t("perDay.label")}>
          <thead>
            <tr>
              <th>{t("perDay.day")}</th>
              <th className="num">{t("perDay.answered")}</th>
              <th className="num">{t("perDay.unanswered")}</th>
              <th className="num">{t("perDay.answeredShare")}</th>
              <th className="num">{t("perDay.thumbsUp")}</th>
              <th className="num">{t("perDay.thumbsDown")}</th>
              <th className="num">{t("perDay.ratings")}</th>
              <th className="num">{t("perDay.averageRating")}</th>
            </tr>
          </thead>
          <tbody>
            {rated.map((day) => (
              <tr key={day.date}>
                <td>{formatDay(day.date, locale)}</td>
                <td className="num">{number.format(day.answered)}</td>
                <td className="num">{number.format(day.unanswered)}</td>
                <td className="num">{percent(day.answered_share)}</td>
                <td className="num">{number.format(day.thumbs_up)}</td>
                <td className="num">{number.format(day.thumbs_down)}</td>
                <td className="num">{number.format(day.ratings)}</td>
                <td className="num">{average(day.rating_average)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("sessionsHeading")}</h2>
      <DailyBarChart
        summary={chartSummary(
          t("sessionsChart"),
          sessionPoints.map((point) => point.value),
        )}
        barTitle={(date, value) => t("sessionsBar", { date, value })}
        locale={locale}
        barClass="bar-sessions"
        points={sessionPoints}
      />
      <h2>{t("messagesHeading")}</h2>
      <DailyBarChart
        summary={chartSummary(
          t("messagesChart"),
          messagePoints.map((point) => point.value),
        )}
        barTitle={(date, value) => t("messagesBar", { date, value })}
        locale={locale}
        barClass="bar-messages"
        points={messagePoints}
      />
      <h2>{t("tokensHeading")}</h2>
      <p className="muted" data-testid="llm-usage-summary">
        {usage.join(" · ")}
      </p>
      <DailyBarChart
        summary={chartSummary(
          t("tokensChart"),
          tokenPoints.map((point) => point.value),
        )}
        barTitle={(date, value) => t("tokensBar", { date, value })}
        locale={locale}
        barClass="bar-messages"
        points={tokenPoints}
      />
    </>
  );
}

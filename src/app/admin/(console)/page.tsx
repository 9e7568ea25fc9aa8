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
  const { totals, days } = await caller.admin.dashboard();
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
    </>
  );
}

import type { Metadata } from "next";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { DailyBarChart } from "../_components/daily-bar-chart";

export const metadata: Metadata = { title: "Dashboard" };

const number = new Intl.NumberFormat("en");

export default async function DashboardPage() {
  const { caller } = await adminPage("/admin");
  const { totals, days } = await caller.admin.dashboard();
  const cards = [
    { label: "Visitors", value: totals.visitors },
    { label: "Sessions", value: totals.sessions },
    { label: "Messages", value: totals.messages },
    { label: "Failed replies", value: totals.failed_replies },
  ];
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

import { formatDay } from "./format";

/**
 * A bar chart of one count per day, rendered as SVG on the server: no chart library, no client JavaScript.
 * Hovering a bar shows its day and value (SVG <title>); the summary is in aria-label for screen readers. Words
 * come from the page (already in its language); numbers and days are formatted in `locale`. Time runs left to
 * right in every language (the SVG keeps `direction: ltr`, see admin.css).
 */
const WIDTH = 900;
const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 22, left: 36 };

function niceMax(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10]
    .map((factor) => factor * magnitude)
    .find((candidate) => candidate * 4 >= max);
  return (step ?? magnitude * 10) * 4;
}

export function DailyBarChart({
  summary,
  barTitle,
  locale,
  points,
  barClass,
}: {
  /** What the chart shows, e.g. "New sessions per day: 12 in 30 days, at most 3 a day". */
  summary: string;
  /** A bar's tooltip, e.g. "Nov 26, 2026: 3 sessions". */
  barTitle: (day: string, value: number) => string;
  locale: string;
  points: { date: string; value: number }[];
  barClass: string;
}) {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const top = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * top);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
      {ticks.map((tick) => {
        const y = PAD.top + plotHeight - (tick / top) * plotHeight;
        return (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 6} y={y + 3} textAnchor="end">
              {number.format(tick)}
            </text>
          </g>
        );
      })}
      {points.map((point, index) => {
        const height = (point.value / top) * plotHeight;
        const x = PAD.left + index * slot + slot * 0.15;
        return (
          <g key={point.date}>
            <rect
              className={barClass}
              x={x}
              y={PAD.top + plotHeight - height}
              width={slot * 0.7}
              height={Math.max(height, point.value > 0 ? 1 : 0)}
              rx={2}
            >
              <title>{barTitle(formatDay(point.date, locale), point.value)}</title>
            </rect>
            {(index % 5 === 0 || index === points.length - 1) && (
              <text x={x + slot * 0.35} y={HEIGHT - 6} textAnchor="middle">
                {formatDay(point.date, locale, "short")}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Horizontal bars, one per named item (e.g. conversations per agent), rendered as SVG on the server: no chart
 * library, no inline styles, no client JavaScript. Hovering a bar shows its label and value (SVG <title>); the
 * summary is the chart's aria-label. Labels come from the page (already in its language).
 */
const WIDTH = 900;
const ROW = 26;
const LABEL = 220;
const VALUE = 60;

export function BarListChart({
  summary,
  items,
  barClass,
  locale,
}: {
  summary: string;
  items: { label: string; value: number; title: string }[];
  barClass: string;
  locale: string;
}) {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const max = Math.max(1, ...items.map((item) => item.value));
  const plot = WIDTH - LABEL - VALUE;
  const height = Math.max(ROW, items.length * ROW);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={summary}>
      {items.map((item, index) => {
        const y = index * ROW;
        const width = (item.value / max) * plot;
        return (
          <g key={`${index}-${item.label}`}>
            <text x={LABEL - 8} y={y + ROW / 2 + 4} textAnchor="end">
              {item.label.length > 32 ? `${item.label.slice(0, 31)}…` : item.label}
            </text>
            <rect
              className={barClass}
              x={LABEL}
              y={y + 4}
              width={Math.max(width, item.value > 0 ? 1 : 0)}
              height={ROW - 8}
              rx={2}
            >
              <title>{item.title}</title>
            </rect>
            <text x={LABEL + width + 6} y={y + ROW / 2 + 4}>
              {number.format(item.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

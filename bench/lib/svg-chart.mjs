// A small horizontal bar chart in SVG (one bar per tool, median with a min–max whisker), in the style
// of uv's BENCHMARKS.md charts. No dependencies; deterministic output.

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function niceStep(max) {
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * pow) return m * pow;
  return 10 * pow;
}

function fmtSeconds(s) {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/**
 * Renders bars `{ label, median, min, max, highlight? }` (seconds) with a title and subtitle.
 * @param {{ title: string, subtitle?: string, bars: { label: string, median: number, min: number, max: number, highlight?: boolean }[] }} chart
 */
export function barChartSvg({ title, subtitle, bars }) {
  const labelWidth = 290;
  const plotWidth = 420;
  const valueWidth = 90;
  const barHeight = 22;
  const gap = 10;
  const top = subtitle ? 58 : 40;
  const width = labelWidth + plotWidth + valueWidth + 20;
  const height = top + bars.length * (barHeight + gap) + 36;
  const maxValue = Math.max(...bars.map((b) => b.max), 1e-3);
  const step = niceStep(maxValue);
  const axisMax = Math.ceil(maxValue / step) * step;
  const x = (v) => labelWidth + (v / axisMax) * plotWidth;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="600" fill="#111">${esc(title)}</text>`,
  ];
  if (subtitle) out.push(`<text x="10" y="42" fill="#555">${esc(subtitle)}</text>`);
  const plotBottom = top + bars.length * (barHeight + gap);
  for (let v = 0; v <= axisMax + 1e-9; v += step) {
    const px = x(v).toFixed(1);
    out.push(`<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${plotBottom}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${px}" y="${plotBottom + 16}" text-anchor="middle" fill="#666" font-size="11">${esc(fmtSeconds(v))}</text>`,
    );
  }
  bars.forEach((b, i) => {
    const y = top + i * (barHeight + gap);
    const fill = b.highlight ? "#6340ac" : b.floor ? "#b9b9b9" : "#8a8a8a";
    out.push(
      `<text x="${labelWidth - 10}" y="${y + barHeight / 2 + 4}" text-anchor="end" fill="#111"${b.highlight ? ' font-weight="600"' : ""}>${esc(b.label)}</text>`,
    );
    out.push(
      `<rect x="${labelWidth}" y="${y}" width="${Math.max(1, x(b.median) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${fill}" rx="2"/>`,
    );
    const wy = (y + barHeight / 2).toFixed(1);
    out.push(
      `<line x1="${x(b.min).toFixed(1)}" y1="${wy}" x2="${x(b.max).toFixed(1)}" y2="${wy}" stroke="#222" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${(x(Math.max(b.max, b.median)) + 6).toFixed(1)}" y="${y + barHeight / 2 + 4}" fill="#111">${esc(fmtSeconds(b.median))}</text>`,
    );
  });
  out.push(
    `<text x="${labelWidth}" y="${height - 6}" fill="#888" font-size="10">median of the measured runs; whisker: min–max; lower is better</text>`,
    "</svg>",
    "",
  );
  return out.join("\n");
}

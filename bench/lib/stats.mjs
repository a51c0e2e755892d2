// Small statistics over run times.

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { median, min, max } of a list, or null for an empty one. */
export function summary(xs) {
  if (xs.length === 0) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Pairwise ratios a[i] / b[i] over the indexes both have (runs of the same iteration). */
export function pairRatios(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] != null && b[i] != null && b[i] > 0) out.push(a[i] / b[i]);
  }
  return out;
}

// Human-readable measurement labels for progress lines.

/** "1.23 s, 85 MiB" (RSS omitted when unknown). */
export function measureLabel(wallMs, rssBytes) {
  const t = wallMs < 1000 ? `${Math.round(wallMs)} ms` : `${(wallMs / 1000).toFixed(2)} s`;
  return rssBytes == null ? t : `${t}, ${Math.round(rssBytes / 1048576)} MiB`;
}

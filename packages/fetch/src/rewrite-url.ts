/** A prefix rewrite: URLs starting with `from` are fetched from `to` + the rest. */
export interface MirrorRule {
  from: string;
  to: string;
}

/** Applies the longest matching {@link MirrorRule} prefix to `url` (unchanged when none matches). */
export function rewriteUrl(url: string, mirrors: readonly MirrorRule[] = []): string {
  let best: MirrorRule | undefined;
  for (const rule of mirrors) {
    if (rule.from !== "" && url.startsWith(rule.from) && (best === undefined || rule.from.length > best.from.length)) {
      best = rule;
    }
  }
  return best === undefined ? url : best.to + url.slice(best.from.length);
}

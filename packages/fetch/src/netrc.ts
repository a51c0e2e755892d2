/** One `machine` (or `default`, with `machine` undefined) entry of a .netrc file. */
export interface NetrcEntry {
  machine: string | undefined;
  login: string;
  password: string;
}

/**
 * Parses .netrc text (`machine`, `default`, `login`, `password`, `account`; `macdef` bodies are
 * skipped). Pure; never throws: malformed trailing tokens are ignored.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  const lines = text.split(/\r?\n/);
  const tokens: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#/.test(line)) continue;
    const words = line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (word === "macdef") {
        // A macro body runs to the next empty line.
        while (i + 1 < lines.length && lines[i + 1]!.trim() !== "") i++;
        break;
      }
      tokens.push(word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, "$1") : word);
    }
  }
  let current: { machine: string | undefined; login?: string; password?: string } | undefined;
  const flush = (): void => {
    if (current !== undefined) {
      entries.push({ machine: current.machine, login: current.login ?? "", password: current.password ?? "" });
    }
    current = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "machine") {
      flush();
      current = { machine: tokens[++i] ?? "" };
    } else if (t === "default") {
      flush();
      current = { machine: undefined };
    } else if (current !== undefined && (t === "login" || t === "password" || t === "account")) {
      const value = tokens[++i] ?? "";
      if (t === "login") current.login = value;
      else if (t === "password") current.password = value;
    }
  }
  flush();
  return entries;
}

/** The .netrc entry for `host` (exact machine match first, then `default`). */
export function findNetrcEntry(entries: readonly NetrcEntry[], host: string): NetrcEntry | undefined {
  const h = host.toLowerCase();
  return entries.find((e) => e.machine?.toLowerCase() === h) ?? entries.find((e) => e.machine === undefined);
}

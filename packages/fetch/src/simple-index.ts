import { normalizeName } from "@tspack/dist-filename";
import { TspackError } from "@tspack/errors";
import { fetchFailure, httpStatusError } from "./fetch-errors.js";
import {
  HttpClient,
  type HttpOptions,
  HttpStatusFailure,
  headerValue,
  RetriesExhausted,
  retryAfterOf,
} from "./http-client.js";

/** One file listed by a simple-API project page. */
export interface SimpleFile {
  filename: string;
  /** Absolute URL without the hash fragment. */
  url: string;
  /** Digests by algorithm (`sha256` → hex), from JSON `hashes` or the HTML `#sha256=` fragment. */
  hashes: Record<string, string>;
  /** `requires-python` / `data-requires-python`, entity-decoded. */
  requiresPython: string | undefined;
  /** False, true, or the yank reason. */
  yanked: boolean | string;
  /** Size in bytes when the index reports it (PEP 700). */
  size: number | undefined;
}

/** A project page of a simple index. */
export interface SimpleProjectPage {
  /** The page URL (may carry credentials: redact before printing). */
  url: string;
  format: "json" | "html";
  files: SimpleFile[];
}

/** The Accept header uv sends: PEP 691 JSON first, then PEP 503 HTML. */
export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/** PEP 503 name normalization: lower case, runs of `-_.` → `-` (`normalizeName` of @tspack/dist-filename). */
export const normalizeProjectName: (name: string) => string = normalizeName;

function splitFragment(href: string, base: string): { url: string; hashes: Record<string, string> } {
  const u = new URL(href, base);
  const hashes: Record<string, string> = {};
  const m = /^#([a-z0-9]+)=([0-9a-fA-F]+)$/.exec(u.hash);
  if (m !== null) hashes[m[1]!] = m[2]!.toLowerCase();
  u.hash = "";
  return { url: u.href, hashes };
}

/**
 * Parses a PEP 691 JSON project page. Relative file URLs resolve against `pageUrl`.
 * @throws TSPACK_NETWORK when the page is not JSON or has no `files` list.
 */
export function parseSimpleJson(text: string, pageUrl: string): SimpleFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new TspackError("TSPACK_NETWORK", `The index page "${pageUrl}" is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const files = (data as { files?: unknown }).files;
  if (!Array.isArray(files)) {
    throw new TspackError(
      "TSPACK_NETWORK",
      `The index page "${pageUrl}" is not a PEP 691 project page: no "files" list`,
    );
  }
  const out: SimpleFile[] = [];
  for (const f of files as Array<Record<string, unknown>>) {
    if (typeof f.filename !== "string" || typeof f.url !== "string") continue;
    const { url, hashes: fromFragment } = splitFragment(f.url, pageUrl);
    const hashes: Record<string, string> = { ...fromFragment };
    if (typeof f.hashes === "object" && f.hashes !== null) {
      for (const [k, v] of Object.entries(f.hashes)) if (typeof v === "string") hashes[k] = v.toLowerCase();
    }
    const yanked = f.yanked;
    out.push({
      filename: f.filename,
      url,
      hashes,
      requiresPython: typeof f["requires-python"] === "string" ? f["requires-python"] : undefined,
      yanked: typeof yanked === "string" ? (yanked === "" ? true : yanked) : yanked === true,
      size: typeof f.size === "number" ? f.size : undefined,
    });
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes HTML character references (named basics and numeric). */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === "#") {
      const cp = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : all;
    }
    return ENTITIES[ref.toLowerCase()] ?? all;
  });
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attrs.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ""));
  }
  return attrs;
}

/**
 * Parses a PEP 503 HTML project page: every `<a href>` is a file; `#sha256=` fragments,
 * `data-requires-python` and `data-yanked` are read; `<base href>` is honoured.
 */
export function parseSimpleHtml(html: string, pageUrl: string): SimpleFile[] {
  let base = pageUrl;
  const baseTag = /<base\s([^>]*)>/i.exec(html);
  if (baseTag !== null) {
    const href = attributes(baseTag[1]!).get("href");
    if (href !== undefined) base = new URL(href, pageUrl).href;
  }
  const out: SimpleFile[] = [];
  for (const m of html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const attrs = attributes(m[1]!);
    const href = attrs.get("href");
    if (href === undefined) continue;
    const { url, hashes } = splitFragment(href, base);
    const text = decodeEntities(m[2]!.replace(/<[^>]*>/g, "")).trim();
    const filename = text !== "" ? text : decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
    const yanked = attrs.get("data-yanked");
    out.push({
      filename,
      url,
      hashes,
      requiresPython: attrs.get("data-requires-python"),
      yanked: yanked === undefined ? false : yanked === "" ? true : yanked,
      size: undefined,
    });
  }
  return out;
}

/** The project page URL: `<indexUrl>/<normalized name>/`. */
export function simpleProjectUrl(indexUrl: string, name: string): string {
  return `${indexUrl.replace(/\/+$/, "")}/${normalizeProjectName(name)}/`;
}

/** The error for a page request that failed (after its retries): a status, a network failure, an abort. */
function pageFailure(error: unknown, subject: { key: string; url: string }, signal?: AbortSignal): TspackError {
  if (error instanceof TspackError) return error;
  const attempts = error instanceof RetriesExhausted ? error.attempts : 1;
  const cause = error instanceof RetriesExhausted ? error.cause : error;
  if (cause instanceof HttpStatusFailure)
    return httpStatusError(subject, cause.status, cause.message, attempts, cause.auth);
  return fetchFailure(subject, cause, attempts, undefined, signal);
}

/** Fetches and parses a project page with an existing client (shared by fetchFiles). Internal. */
export async function fetchSimpleIndexWith(
  client: HttpClient,
  indexUrl: string,
  name: string,
  onRetry: (attempt: number, reason: string, delayMs: number, url: string) => void = () => undefined,
): Promise<SimpleProjectPage> {
  const pageUrl = simpleProjectUrl(indexUrl, name);
  const subject = { key: name, url: pageUrl };
  try {
    return await client.withRetries(
      async () => {
        let res = await client.get(pageUrl, { accept: SIMPLE_ACCEPT });
        if (res.statusCode === 406) {
          await res.body.dump().catch(() => undefined);
          res = await client.get(pageUrl, { accept: "text/html" });
        }
        if (res.statusCode < 200 || res.statusCode > 299) {
          await res.body.dump().catch(() => undefined);
          throw new HttpStatusFailure(res.statusCode, retryAfterOf(res), res.auth);
        }
        const contentType = (headerValue(res.headers, "content-type") ?? "").toLowerCase();
        const text = await res.body.text();
        const json = contentType.includes("json");
        return {
          url: res.url,
          format: json ? "json" : "html",
          files: json ? parseSimpleJson(text, res.url) : parseSimpleHtml(text, res.url),
        } satisfies SimpleProjectPage;
      },
      (attempt, reason, delayMs) => onRetry(attempt, reason, delayMs, pageUrl),
    );
  } catch (error) {
    throw pageFailure(error, subject, client.signal);
  }
}

/**
 * Lists the files of project `name` on a simple index: PEP 691 JSON when the server offers it,
 * else PEP 503 HTML. Retries like file downloads.
 * @throws TSPACK_HTTP_STATUS, TSPACK_NETWORK, TSPACK_ABORTED
 */
export async function fetchSimpleIndex(
  indexUrl: string,
  name: string,
  options: HttpOptions = {},
): Promise<SimpleProjectPage> {
  const client = new HttpClient(options);
  try {
    return await fetchSimpleIndexWith(client, indexUrl, name);
  } finally {
    await client.close();
  }
}

/**
 * Lists the files linked from an HTML page (uv's and pip's `--find-links URL`): every `<a href>`, as
 * on a PEP 503 project page, relative links resolved against the page. Retries like file downloads.
 * @throws TSPACK_HTTP_STATUS, TSPACK_NETWORK, TSPACK_ABORTED
 */
export async function fetchLinksPage(pageUrl: string, options: HttpOptions = {}): Promise<SimpleFile[]> {
  const client = new HttpClient(options);
  const subject = { key: "--find-links", url: pageUrl };
  try {
    return await client.withRetries(
      async () => {
        const res = await client.get(pageUrl, { accept: "text/html" });
        if (res.statusCode < 200 || res.statusCode > 299) {
          await res.body.dump().catch(() => undefined);
          throw new HttpStatusFailure(res.statusCode, retryAfterOf(res), res.auth);
        }
        return parseSimpleHtml(await res.body.text(), res.url);
      },
      () => undefined,
    );
  } catch (error) {
    throw pageFailure(error, subject, client.signal);
  } finally {
    await client.close();
  }
}

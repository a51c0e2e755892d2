import { describe, expect, it } from "vitest";
import {
  findNetrcEntry,
  indexEnvName,
  isRetryableError,
  isRetryableStatus,
  parseNetrc,
  parseRetryAfter,
  resolveCredentials,
  resolveRetryOptions,
  retryDelayMs,
  rewriteUrl,
} from "../src/index.js";

describe("retry policy", () => {
  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])("status %i retryable: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  it("classifies errors by code, through causes", () => {
    expect(isRetryableError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryableError(new Error("x", { cause: { code: "UND_ERR_SOCKET" } }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { code: "CERT_HAS_EXPIRED" }))).toBe(false);
    expect(isRetryableError(Object.assign(new Error("x"), { code: "ENOTFOUND", syscall: "getaddrinfo" }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { code: "ENOSPC", syscall: "write" }))).toBe(false);
    expect(isRetryableError(new TypeError("bug"))).toBe(false);
  });

  it("parses Retry-After seconds and HTTP-dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped; Retry-After is capped too", () => {
    const o = resolveRetryOptions({ minDelayMs: 1000, maxDelayMs: 5000, random: () => 1 - Number.EPSILON });
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, o))).toEqual([1000, 2000, 4000, 5000]);
    const low = resolveRetryOptions({ minDelayMs: 1000, maxDelayMs: 5000, random: () => 0 });
    expect(retryDelayMs(2, low)).toBe(1000);
    expect(retryDelayMs(1, o, 60_000)).toBe(5000);
    expect(resolveRetryOptions().retries).toBe(3);
  });
});

describe("sources", () => {
  it("rewrites URLs by the longest matching prefix", () => {
    const mirrors = [
      { from: "https://files.pythonhosted.org/", to: "https://m.example/a/" },
      { from: "https://files.pythonhosted.org/packages/", to: "https://m.example/b/" },
    ];
    expect(rewriteUrl("https://files.pythonhosted.org/packages/x.whl", mirrors)).toBe("https://m.example/b/x.whl");
    expect(rewriteUrl("https://files.pythonhosted.org/other", mirrors)).toBe("https://m.example/a/other");
    expect(rewriteUrl("https://elsewhere/x", mirrors)).toBe("https://elsewhere/x");
  });

  it("parses .netrc", () => {
    const entries = parseNetrc(
      `# comment\nmachine a.example login u1 password "p w"\nmacdef init\ncd /\n\nmachine b.example\n  login u2\n  password p2\ndefault login d password dp\n`,
    );
    expect(entries).toEqual([
      { machine: "a.example", login: "u1", password: "p w" },
      { machine: "b.example", login: "u2", password: "p2" },
      { machine: undefined, login: "d", password: "dp" },
    ]);
    expect(findNetrcEntry(entries, "B.example")?.login).toBe("u2");
    expect(findNetrcEntry(entries, "c.example")?.login).toBe("d");
  });

  it("resolves credentials: userinfo, then index env vars, then netrc", () => {
    const sources = {
      env: { UV_INDEX_PRIVATE_REG_USERNAME: "eu", UV_INDEX_PRIVATE_REG_PASSWORD: "ep" },
      indexes: [{ name: "private-reg", url: "https://reg.example/simple" }],
      netrc: [{ machine: "reg.example", login: "nu", password: "np" }],
    };
    expect(indexEnvName("private-reg.v2")).toBe("PRIVATE_REG_V2");
    expect(resolveCredentials(new URL("https://a:b%40c@reg.example/x"), sources)).toMatchObject({
      username: "a",
      password: "b@c",
    });
    expect(resolveCredentials(new URL("https://reg.example/files/x.whl"), sources)).toMatchObject({
      username: "eu",
      password: "ep",
    });
    expect(resolveCredentials(new URL("https://reg.example/x"), { ...sources, env: {} })).toMatchObject({
      username: "nu",
      password: "np",
    });
    expect(resolveCredentials(new URL("https://other.example/x"), sources)).toBeUndefined();
  });
});

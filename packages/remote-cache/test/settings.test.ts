// The remote cache's pure parts: the s3:// URL, the client settings (endpoint, addressing, credentials),
// the bucket layout and the derived-entry envelope. No server needed.
import { createHash } from "node:crypto";
import { isTspackError } from "@tspack/errors";
import {
  decodeMemoEntry,
  encodeMemoEntry,
  isIpOrLocalhost,
  parseRemoteCacheUrl,
  remoteMemoKey,
  remoteWheelKey,
  resolveClientSettings,
} from "@tspack/remote-cache";
import { describe, expect, it } from "vitest";

const KEY = createHash("sha256").update("k").digest("hex");

describe("parseRemoteCacheUrl", () => {
  it("reads s3://BUCKET[/PREFIX] and normalizes slashes", () => {
    expect(parseRemoteCacheUrl("s3://ci-cache")).toEqual({ bucket: "ci-cache", prefix: "", url: "s3://ci-cache" });
    expect(parseRemoteCacheUrl("s3://ci-cache/a//b/")).toEqual({
      bucket: "ci-cache",
      prefix: "a/b",
      url: "s3://ci-cache/a/b",
    });
  });

  it.each([
    ["https://ci-cache.s3.amazonaws.com", "not an s3:// URL"],
    ["s3://AKIA:secret@ci-cache", "credentials do not belong in the URL"],
    ["s3://Bad_Bucket", "not a valid bucket name"],
    ["s3://ci-cache/../x", 'the prefix segment ".." is not allowed'],
  ])("refuses %s with TSPACK_USAGE", (value, reason) => {
    let error: unknown;
    try {
      parseRemoteCacheUrl(value, "TSPACK_REMOTE_CACHE");
    } catch (e) {
      error = e;
    }
    expect(isTspackError(error, "TSPACK_USAGE")).toBe(true);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain("(TSPACK_REMOTE_CACHE)");
    expect((error as Error).message).not.toContain("secret");
  });
});

describe("resolveClientSettings", () => {
  const base = { env: {}, envIsProcessEnv: false };

  it("takes the endpoint from the option, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL_S3: "http://s3only:9000", AWS_ENDPOINT_URL: "http://all:9000" };
    expect(resolveClientSettings({ ...base, env, endpoint: "http://opt:1" }).endpoint).toBe("http://opt:1");
    expect(resolveClientSettings({ ...base, env }).endpoint).toBe("http://s3only:9000");
    expect(resolveClientSettings({ ...base, env: { AWS_ENDPOINT_URL: "http://all:9000" } }).endpoint).toBe(
      "http://all:9000",
    );
    expect(resolveClientSettings(base).endpoint).toBeUndefined();
  });

  it("uses path-style for IP and localhost endpoints, or when asked", () => {
    const style = (endpoint?: string, pathStyle?: boolean) =>
      resolveClientSettings({ ...base, endpoint, pathStyle }).pathStyle;
    expect(style("http://127.0.0.1:7480")).toBe(true);
    expect(style("http://[::1]:7480")).toBe(true);
    expect(style("http://localhost:9000")).toBe(true);
    expect(style("https://minio.example.com")).toBe(false);
    expect(style("https://minio.example.com", true)).toBe(true);
    expect(style(undefined)).toBe(false);
    expect(isIpOrLocalhost("10.0.0.5")).toBe(true);
    expect(isIpOrLocalhost("s3.eu-west-1.amazonaws.com")).toBe(false);
  });

  it("uses an environment's keys only when it is not process.env (the SDK's chain reads that itself)", () => {
    const env = {
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: "SK",
      AWS_SESSION_TOKEN: "T",
      AWS_REGION: "eu-west-1",
    };
    expect(resolveClientSettings({ env, envIsProcessEnv: false })).toMatchObject({
      credentials: { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "T" },
      region: "eu-west-1",
    });
    expect(resolveClientSettings({ env, envIsProcessEnv: true }).credentials).toBeUndefined();
    // A profile wins over the keys, as in the SDK's chain.
    expect(resolveClientSettings({ env: { ...env, AWS_PROFILE: "ci" }, envIsProcessEnv: false }).credentials).toBe(
      undefined,
    );
  });

  it("refuses an endpoint that is not an http(s) URL, without echoing credentials", () => {
    for (const endpoint of ["ftp://x", "not a url", "https://user:pw@host"]) {
      let error: unknown;
      try {
        resolveClientSettings({ ...base, endpoint });
      } catch (e) {
        error = e;
      }
      expect(isTspackError(error, "TSPACK_USAGE")).toBe(true);
      expect((error as Error).message).not.toContain("pw@");
    }
  });
});

describe("layout and envelope", () => {
  it("names objects under a versioned prefix, fanned out like the local cache", () => {
    expect(remoteWheelKey("ci", KEY)).toBe(`ci/wheels-v1/sha256/${KEY.slice(0, 2)}/${KEY.slice(2)}`);
    expect(remoteWheelKey("", KEY)).toBe(`wheels-v1/sha256/${KEY.slice(0, 2)}/${KEY.slice(2)}`);
    expect(remoteMemoKey("ci/x", "zip-recipe", KEY)).toBe(`ci/x/memo-v1/zip-recipe/${KEY.slice(0, 2)}/${KEY}`);
    expect(() => remoteMemoKey("", "../x", KEY)).toThrow(/memo kind/);
    expect(() => remoteWheelKey("", "ABC")).toThrow(/sha256/);
  });

  it("an entry decodes only under its own kind and key, whole and unchanged", () => {
    const bytes = new TextEncoder().encode("payload");
    const body = encodeMemoEntry("plan", KEY, bytes);
    expect(decodeMemoEntry("plan", KEY, body)).toEqual({ bytes });
    expect(decodeMemoEntry("zip", KEY, body)).toEqual({ problem: "another entry's header" });
    expect(decodeMemoEntry("plan", KEY, body.subarray(0, body.length - 1))).toEqual({ problem: "wrong length" });
    const flipped = new Uint8Array(body);
    flipped[flipped.length - 1]! ^= 1;
    expect(decodeMemoEntry("plan", KEY, flipped)).toEqual({ problem: "wrong sha256" });
    expect(decodeMemoEntry("plan", KEY, new TextEncoder().encode("junk"))).toEqual({ problem: "no tspack header" });
  });
});

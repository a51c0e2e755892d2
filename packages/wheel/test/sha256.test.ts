import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base64UrlNoPad, recordDigest, sha256 } from "../src/index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sha256 (pure)", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ])("hashes %j", (input, expected) => {
    expect(hex(sha256(new TextEncoder().encode(input)))).toBe(expected);
  });

  it("agrees with node:crypto on every length around the block boundaries", () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 70_000]) {
      const data = randomBytes(n);
      expect(hex(sha256(data)), `length ${n}`).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });

  it("encodes RECORD digests as urlsafe base64 without padding", () => {
    expect(recordDigest(new Uint8Array())).toBe("sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    expect(recordDigest(new TextEncoder().encode("uv"))).toBe("sha256=5hhM4Q4mYTT9z6QB6PGpUAW81PGNFrYrdXMj4oM_6ak");
    for (const n of [0, 1, 2, 3, 4, 5, 31, 32, 33]) {
      const data = randomBytes(n);
      expect(base64UrlNoPad(data)).toBe(data.toString("base64url"));
    }
  });
});

import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decodeCp437 } from "../src/cp437.js";

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "pass"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("decodeCp437", () => {
  it.each([
    [[0x41, 0x2f, 0x7e], "A/~"],
    [[0x80], "Ç"],
    [[0x81], "ü"],
    [[0x9e], "₧"],
    [[0xb0, 0xc5, 0xdb], "░┼█"],
    [[0xe1], "ß"],
    [[0xe3], "π"],
    [[0xff], "\u00a0"],
  ])("decodes %j as %j", (bytes, want) => {
    expect(decodeCp437(Uint8Array.from(bytes))).toBe(want);
  });

  it("maps the 256 bytes to 256 distinct single characters", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = decodeCp437(all);
    expect(s.length).toBe(256);
    expect(new Set(s).size).toBe(256);
  });

  it.skipIf(!hasPython())("matches Python's cp437 codec for every byte", () => {
    const want = execFileSync("python3", [
      "-c",
      "import sys; print(bytes(range(256)).decode('cp437').encode('utf-8').hex())",
    ])
      .toString()
      .trim();
    const got = Buffer.from(decodeCp437(Uint8Array.from({ length: 256 }, (_, i) => i)), "utf8").toString("hex");
    expect(got).toBe(want);
  });
});

import { describe, expect, it } from "vitest";
import { createTagIndex, DEFAULT_TARGET, supportedTags } from "../src/index.js";

describe("createTagIndex", () => {
  it("gives the first of N tags priority N and the last priority 1", () => {
    const index = createTagIndex(DEFAULT_TARGET);
    const tags = supportedTags(DEFAULT_TARGET);
    expect(index.tags).toEqual(tags);
    expect(index.priorityOf("cp313-cp313-manylinux_2_17_x86_64")).toBe(509);
    expect(index.priorityOf("py30-none-any")).toBe(1);
    tags.forEach((tag, i) => {
      expect(index.priorityOf(tag)).toBe(509 - i);
    });
    expect(index.priorityOf("cp312-cp312-manylinux_2_17_x86_64")).toBeUndefined();
  });

  it("exposes the best tag's components and a nested python → abi → platform map", () => {
    const index = createTagIndex(DEFAULT_TARGET);
    expect(index.best).toEqual({ python: "cp313", abi: "cp313", platform: "manylinux_2_17_x86_64" });
    expect(index.byPython.get("cp39")?.get("abi3")?.get("linux_x86_64")).toBe(
      index.priorityOf("cp39-abi3-linux_x86_64"),
    );
    expect(index.byPython.get("cp39")?.has("cp39")).toBe(false);
  });

  it("is fast enough to build per target (1002 tags well under 50 ms)", () => {
    const start = performance.now();
    for (let i = 0; i < 20; i++) createTagIndex({ ...DEFAULT_TARGET, glibc: [2, 34] });
    expect((performance.now() - start) / 20).toBeLessThan(50);
  });
});

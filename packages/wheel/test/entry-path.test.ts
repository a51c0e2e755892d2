import { describe, expect, it } from "vitest";
import { checkEntryName, normalizeEntryName } from "../src/index.js";

describe("normalizeEntryName", () => {
  it.each([
    ["pkg/mod.py", { path: "pkg/mod.py" }],
    ["pkg/./sub//mod.py", { path: "pkg/sub/mod.py" }],
    ["pkg/../other.py", { path: "other.py" }],
    ["pkg/", { path: "pkg/" }],
    ["./", { path: "" }],
    ["données/é.txt", { path: "données/é.txt" }],
    ["", { reason: "empty" }],
    [".", { reason: "empty" }],
    ["../x", { reason: "parent" }],
    ["a/../../x", { reason: "parent" }],
    ["/etc/passwd", { reason: "absolute" }],
    ["C:/x", { reason: "drive" }],
    ["c:x", { reason: "drive" }],
    ["a\\b", { reason: "backslash" }],
    ["a\u0000b", { reason: "control" }],
    ["a\u007fb", { reason: "control" }],
    ["a\u0085b", { reason: "control" }],
  ])("%j → %j", (name, expected) => {
    expect(normalizeEntryName(name)).toEqual(expected);
  });

  it("throws TSPACK_UNSAFE_PATH with details", () => {
    try {
      checkEntryName("w-1-py3-none-any.whl", "../../etc/x");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: "TSPACK_UNSAFE_PATH",
        details: { wheel: "w-1-py3-none-any.whl", entry: "../../etc/x", reason: "parent" },
      });
    }
  });
});

import { describe, expect, it } from "vitest";
import { compareUtf8, sortByUtf8 } from "../src/index.js";

describe("compareUtf8", () => {
  it("sorts like the UTF-8 bytes (dist-info before package dir; astral after BMP)", () => {
    const words = ["foo/x.py", "foo-0.1.0.dist-info/RECORD", "Foo", "é", "\uffff", "😀", "a", "ab", ""];
    const bytes = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...words].sort(compareUtf8)).toEqual(bytes);
    expect([...words].sort(compareUtf8)).toEqual([
      "",
      "Foo",
      "a",
      "ab",
      "foo-0.1.0.dist-info/RECORD",
      "foo/x.py",
      "é",
      "\uffff",
      "😀",
    ]);
  });
});

describe("sortByUtf8", () => {
  it("sorts by key in byte order on both the native and the careful path", () => {
    const ascii = ["b/x", "a-b", "a/b", "a", "A"];
    expect(sortByUtf8([...ascii], (s) => s)).toEqual(["A", "a", "a-b", "a/b", "b/x"]);
    const high = [{ k: "😀" }, { k: "\uffff" }, { k: "é" }, { k: "z" }];
    expect(sortByUtf8(high, (o) => o.k).map((o) => o.k)).toEqual(["z", "é", "\uffff", "😀"]);
  });
});

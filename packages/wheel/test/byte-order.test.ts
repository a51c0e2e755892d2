import { describe, expect, it } from "vitest";
import { compareUtf8 } from "../src/index.js";

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

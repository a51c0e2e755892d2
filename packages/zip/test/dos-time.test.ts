import { describe, expect, it } from "vitest";
import { DOS_EPOCH_SECONDS, toDosDateTime } from "../src/dos-time.js";

const dos = (y: number, mo: number, d: number, h: number, mi: number, s: number) => ({
  time: (h << 11) | (mi << 5) | (s >> 1),
  date: ((y - 1980) << 9) | (mo << 5) | d,
});

describe("toDosDateTime", () => {
  it.each<[string, Date | number | undefined, { time: number; date: number }]>([
    ["default", undefined, dos(1980, 1, 1, 0, 0, 0)],
    ["DOS epoch seconds", DOS_EPOCH_SECONDS, dos(1980, 1, 1, 0, 0, 0)],
    ["SOURCE_DATE_EPOCH=0 clamps to 1980", 0, dos(1980, 1, 1, 0, 0, 0)],
    ["negative clamps", -1e9, dos(1980, 1, 1, 0, 0, 0)],
    ["seconds (UTC fields)", 1_709_214_331, dos(2024, 2, 29, 13, 45, 30)],
    ["odd seconds round down", new Date("2024-02-29T13:45:31Z"), dos(2024, 2, 29, 13, 45, 30)],
    ["fractional seconds", 1_709_214_331.9, dos(2024, 2, 29, 13, 45, 30)],
    ["last DOS second", new Date("2107-12-31T23:59:59Z"), dos(2107, 12, 31, 23, 59, 58)],
  ])("%s", (_, input, want) => {
    expect(toDosDateTime(input)).toEqual(want);
  });

  it("refuses dates after 2107 and non-finite times", () => {
    expect(() => toDosDateTime(new Date("2108-01-01T00:00:00Z"))).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The zip timestamp "2108-01-01T00:00:00.000Z" is invalid: zip timestamps end in 2107]`,
    );
    expect(() => toDosDateTime(Number.NaN)).toThrowErrorMatchingInlineSnapshot(
      `[TspackError: The zip timestamp "NaN" is invalid: not a finite time]`,
    );
    expect(() => toDosDateTime(new Date("nope"))).toThrow(/not a finite time/);
  });
});

/**
 * Wheels that are wrong in one way each about their RECORD, their `.dist-info` name or their
 * `Wheel-Version` (issue 13, items 12 and 13), for the installer, build and CLI tests, and what tspack
 * does with each: an error (code and message) or the warnings it prints (prefixed with the filename).
 * uv's behaviour is the reference (docs/decisions.md).
 */
import { createHash } from "node:crypto";
import { type MadeWheel, makeWheel } from "./make-wheel.js";

const b64 = (s: string) => createHash("sha256").update(s).digest("base64url");

/** One case: its wheels (the last is the one at fault) and the expected outcome. */
export interface RecordCase {
  wheels: MadeWheel[];
  /** `CODE: message` of the error, or undefined when it installs. */
  error?: string;
  /** Warnings (in order) when it installs. */
  warnings: string[];
}

/**
 * The cases for a package `name` `version` (a plain name like `idna`, so that the filename is
 * `<name>-<version>-py3-none-any.whl`). Its files: `<name>/__init__.py` and `<name>/util.py`.
 */
export function recordCases(name: string, version: string): Record<string, RecordCase> {
  const filename = `${name}-${version}-py3-none-any.whl`;
  const distInfo = `${name}-${version}.dist-info`;
  const util = `${name}/util.py`;
  const files = { [`${name}/__init__.py`]: "x = 1\n", [util]: "y = 2\n" };
  const base = { name, version, files };
  const row = (text: string, path: string, replace: (cols: string[]) => string[]) =>
    text
      .split("\n")
      .map((l) => (l.startsWith(`${path},`) ? replace(l.split(",")).join(",") : l))
      .join("\n");
  const w = (opts: Partial<Parameters<typeof makeWheel>[0]> = {}) => makeWheel({ ...base, ...opts });
  const ok = (wheels: MadeWheel[], warnings: string[] = []): RecordCase => ({
    wheels,
    warnings: warnings.map((m) => `${filename}: ${m}`),
  });
  const fails = (wheels: MadeWheel[], error: string): RecordCase => ({ wheels, error, warnings: [] });
  const other = makeWheel({ name: "other", version: "2.0", files: { "other/__init__.py": "" } });
  return {
    "correct RECORD": ok([w()]),
    "wrong sha256": ok(
      [w({ record: (t) => row(t, util, ([p, , size]) => [p!, `sha256=${b64("y = 3\n")}`, size!]) })],
      [
        `RECORD gives the wrong sha256 for 1 file (installed as in the wheel): "${util}" has sha256=${b64("y = 2\n")}, RECORD says sha256=${b64("y = 3\n")}`,
      ],
    ),
    "wrong size": ok(
      [w({ record: (t) => row(t, util, ([p, hash]) => [p!, hash!, "99"]) })],
      [`RECORD gives the wrong size for 1 file (installed as in the wheel): "${util}" has 6 bytes, RECORD says 99`],
    ),
    "no RECORD": fails(
      [w({ record: "none" })],
      `TSPACK_RECORD_MISMATCH: The wheel "${filename}" has no RECORD: "${distInfo}/RECORD" is missing`,
    ),
    "a file RECORD does not list": ok(
      [w({ rawEntries: [{ name: `${name}/extra.py`, data: "z = 3\n" }] })],
      [`RECORD does not list 1 file of the wheel (installed anyway, as uv and pip do): "${name}/extra.py"`],
    ),
    "a RECORD row for a file the wheel does not have": ok(
      [w({ record: (t) => `${t}${name}/gone.py,sha256=${b64("gone")},4\n` })],
      [`RECORD lists 1 file the wheel does not have (left out of the installed RECORD, as uv does): "${name}/gone.py"`],
    ),
    "RECORD lists itself with a hash": ok([
      w({ record: (t) => t.replace(`${distInfo}/RECORD,,`, `${distInfo}/RECORD,sha256=${b64("self")},123`) }),
    ]),
    "a size that is not a number": fails(
      [w({ record: (t) => row(t, util, ([p, hash]) => [p!, hash!, "six"]) })],
      `TSPACK_WHEEL_INVALID: The RECORD file "${filename}/${distInfo}/RECORD" is invalid: the size of "${util}" is "six", not a number`,
    ),
    "a .dist-info named for another package": fails(
      [w({ distInfoPrefix: `other-${version}` })],
      `TSPACK_WHEEL_INVALID: The wheel "${filename}" is invalid: its .dist-info directory "other-${version}.dist-info" does not match the filename (expected "${distInfo}")`,
    ),
    "two wheels whose .dist-info collide": fails(
      [other, w({ distInfoPrefix: "other-2.0" })],
      `TSPACK_WHEEL_INVALID: The wheel "${filename}" is invalid: its .dist-info directory "other-2.0.dist-info" does not match the filename (expected "${distInfo}")`,
    ),
    "Wheel-Version 0.1": ok([w({ wheelVersion: "0.1" })], ["Ancient wheel version 0.1 (expected is 1.0)"]),
    "Wheel-Version 1.9": ok([w({ wheelVersion: "1.9" })], ["Unsupported wheel minor version (expected 0, got 9)"]),
    "Wheel-Version 2.0": fails(
      [w({ wheelVersion: "2.0" })],
      `TSPACK_WHEEL_INVALID: The wheel "${filename}" is invalid: Unsupported wheel major version (expected 1, got 2)`,
    ),
  };
}

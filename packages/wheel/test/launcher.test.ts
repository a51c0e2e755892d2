import { describe, expect, it } from "vitest";
import { defaultInterpreterPath, formatShebang, scriptLauncher } from "../src/index.js";

describe("launchers", () => {
  it("derives the Lambda interpreter from the target python", () => {
    expect(defaultInterpreterPath([3, 13])).toBe("/var/lang/bin/python3.13");
    expect(defaultInterpreterPath([3, 9])).toBe("/var/lang/bin/python3.9");
  });

  it.each([
    ["/var/lang/bin/python3.13", "#!/var/lang/bin/python3.13"],
    ["#!/usr/bin/env python3", "#!/usr/bin/env python3"],
    ["/opt/my python/bin/python", "#!/bin/sh\n'''exec' '/opt/my python/bin/python' \"$0\" \"$@\"\n' '''"],
    ["/opt/it's here/python", "#!/bin/sh\n'''exec' '/opt/it'\\''s here/python' \"$0\" \"$@\"\n' '''"],
    [`/${"a".repeat(123)}`, `#!/${"a".repeat(123)}`],
    [`/${"a".repeat(124)}`, `#!/bin/sh\n'''exec' '/${"a".repeat(124)}' "$0" "$@"\n' '''`],
  ])("formats the shebang for %j like uv", (interpreter, expected) => {
    expect(formatShebang(interpreter)).toBe(expected);
  });

  it("uses uv's launcher template, importing the first attribute component", () => {
    expect(scriptLauncher({ module: "foomod", function: "mod_bar.sub_foo.func_baz" }, "#!/x/python")).toBe(
      '#!/x/python\n# -*- coding: utf-8 -*-\nimport sys\nfrom foomod import mod_bar\nif __name__ == "__main__":\n    if sys.argv[0].endswith("-script.pyw"):\n        sys.argv[0] = sys.argv[0][:-11]\n    elif sys.argv[0].endswith(".exe"):\n        sys.argv[0] = sys.argv[0][:-4]\n    sys.exit(mod_bar.sub_foo.func_baz())\n',
    );
  });
});

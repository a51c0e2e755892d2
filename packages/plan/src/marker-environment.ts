import type { MarkerEnvironment } from "@tspack/pep508";
import type { Target } from "@tspack/platform-tags";

/**
 * The PEP 508 marker environment uv synthesizes for a cross target (`--python-platform` +
 * `--python`): platform values from the triple, Python values from the target interpreter.
 */
export function markerEnvironmentFor(target: Target): MarkerEnvironment {
  const [major, minor] = target.python;
  return {
    implementation_name: "cpython",
    implementation_version: target.pythonFullVersion,
    os_name: "posix",
    platform_machine: target.arch,
    platform_python_implementation: "CPython",
    platform_release: "",
    platform_system: "Linux",
    platform_version: "",
    python_full_version: target.pythonFullVersion,
    python_version: `${major}.${minor}`,
    sys_platform: "linux",
  };
}

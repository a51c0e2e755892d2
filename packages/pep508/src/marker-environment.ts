/**
 * The values of every PEP 508 marker variable for one target interpreter and platform. tspack builds it
 * from the explicit target, never from the host.
 */
export interface MarkerEnvironment {
  /** `sys.implementation.name`, e.g. `cpython`. */
  implementation_name: string;
  /** `sys.implementation.version` as a version string, e.g. `3.13.1`. */
  implementation_version: string;
  /** `os.name`, e.g. `posix`. */
  os_name: string;
  /** `platform.machine()`, e.g. `x86_64` or `aarch64`. */
  platform_machine: string;
  /** `platform.python_implementation()`, e.g. `CPython`. */
  platform_python_implementation: string;
  /** `platform.release()` (uv uses `""` for a cross target). */
  platform_release: string;
  /** `platform.system()`, e.g. `Linux`. */
  platform_system: string;
  /** `platform.version()` (uv uses `""` for a cross target). */
  platform_version: string;
  /** `platform.python_version()`, e.g. `3.13.1`. */
  python_full_version: string;
  /** `major.minor`, e.g. `3.13`. */
  python_version: string;
  /** `sys.platform`, e.g. `linux`. */
  sys_platform: string;
}

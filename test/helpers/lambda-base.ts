/**
 * A stand-in for public.ecr.aws/lambda/python:3.13, made in code: Debian trixie's CPython 3.13 packages
 * unpacked with `dpkg-deb -x` into a rootfs (fetched with apt through a private state folder, so the host's
 * apt configuration is untouched), with the real base's Env, WorkingDir /var/task and ENTRYPOINT (a small
 * script that imports the handler from $LAMBDA_TASK_ROOT, calls it and prints its JSON result), written as
 * an OCI layout holding a two-platform index (linux/amd64: the rootfs; linux/arm64: a marker layer, never
 * run), like the real tag. Also small odd bases for the bad-input tests. Everything is cached under
 * `.cache/test/` by the package list, so a rerun makes nothing; when apt cannot fetch, `makeStandInBase`
 * returns a reason to skip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const DEBIAN_PACKAGES = [
  "python3.13-minimal",
  "libpython3.13-minimal",
  "libpython3.13-stdlib",
  "libc6",
  "libssl3t64",
  "libffi8",
  "libsqlite3-0",
  "liblzma5",
  "libbz2-1.0",
  "libzstd1",
  "libuuid1",
  "libexpat1",
  "zlib1g",
  "libgcc-s1",
  "dash",
];

/** The real base's config (public.ecr.aws/lambda/python:3.13), without Cmd. */
export const LAMBDA_ENV = [
  "LANG=en_US.UTF-8",
  "TZ=:/etc/localtime",
  "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
  "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
  "LAMBDA_TASK_ROOT=/var/task",
  "LAMBDA_RUNTIME_DIR=/var/runtime",
];

const ENTRYPOINT = `#!/bin/sh
# Stand-in for Lambda's runtime interface client: import the handler from $LAMBDA_TASK_ROOT, call it once
# with a test event, print its result as JSON.
exec /var/lang/bin/python3 -c 'import importlib, json, os, sys
sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
module, _, function = sys.argv[1].rpartition(".")
print(json.dumps(getattr(importlib.import_module(module), function)({"stand-in": True}, None)))' "$1"
`;

const MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

export interface StandInBase {
  /** An OCI layout with the tags `3.13` (two-platform index), `plain` (amd64 manifest, no Entrypoint or
   * WorkingDir), `arm-only` (an arm64 manifest) and `amd-only` (an index with linux/amd64 only). */
  layout: string;
}

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** The stand-in base (made once, then cached), or a reason to skip. */
export function makeStandInBase(): StandInBase | { skip: string } {
  for (const tool of ["dpkg-deb", "apt-get", "tar"]) {
    if (spawnSync(tool, ["--version"]).error) return { skip: `${tool} is not installed` };
  }
  const key = sha(Buffer.from(`v1\0${DEBIAN_PACKAGES.join(",")}\0${ENTRYPOINT}\0${LAMBDA_ENV.join(",")}`)).slice(0, 16);
  const root = join(REPO_ROOT, ".cache", "test", `lambda-base-${key}`);
  const layout = join(root, "layout");
  if (existsSync(join(layout, "index.json"))) return { layout };
  mkdirSync(root, { recursive: true });
  // Test files run in parallel processes: each works in its own folder and renames its result into place
  // (the first rename wins; the others find it there).
  const work = join(root, `work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    return make(root, work, layout);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function settle(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
  }
}

function make(root: string, work: string, layout: string): StandInBase | { skip: string } {
  // apt with a private state: the host's sources, lists and caches are not touched.
  const debs = join(root, "debs");
  if (!existsSync(join(debs, ".complete"))) {
    const apt = join(work, "apt");
    for (const d of ["etc/preferences.d", "etc/apt.conf.d", "state/lists/partial", "cache/archives/partial"])
      mkdirSync(join(apt, d), { recursive: true });
    writeFileSync(
      join(apt, "etc", "sources.list"),
      "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main\n",
    );
    const opts = [
      `Dir::Etc::sourcelist=${join(apt, "etc", "sources.list")}`,
      `Dir::Etc::sourceparts=${join(apt, "etc", "none")}`,
      `Dir::Etc::preferencesparts=${join(apt, "etc", "preferences.d")}`,
      `Dir::Etc::parts=${join(apt, "etc", "apt.conf.d")}`,
      `Dir::State=${join(apt, "state")}`,
      `Dir::Cache=${join(apt, "cache")}`,
      "APT::Architecture=amd64",
      "Acquire::Languages=none",
      "APT::Sandbox::User=root",
    ].flatMap((o) => ["-o", o]);
    const update = spawnSync("apt-get", [...opts, "-q", "update"], { encoding: "utf8", timeout: 120_000 });
    if (update.status !== 0)
      return {
        skip: `apt cannot fetch Debian trixie's package lists: ${(update.stderr || update.stdout).slice(-300)}`,
      };
    const got = join(work, "debs");
    mkdirSync(got, { recursive: true });
    const dl = spawnSync("apt-get", [...opts, "-q", "download", ...DEBIAN_PACKAGES], {
      cwd: got,
      encoding: "utf8",
      timeout: 300_000,
    });
    if (dl.status !== 0)
      return { skip: `apt cannot download Debian's CPython 3.13 packages: ${(dl.stderr || dl.stdout).slice(-300)}` };
    writeFileSync(join(got, ".complete"), "");
    settle(got, debs);
  }

  const rootfs = join(work, "rootfs");
  mkdirSync(rootfs, { recursive: true });
  for (const deb of readdirSync(debs)
    .filter((f) => f.endsWith(".deb"))
    .sort())
    execFileSync("dpkg-deb", ["-x", join(debs, deb), rootfs]);
  // merged /usr: the links base-files would make
  for (const [link, to] of [
    ["bin", "usr/bin"],
    ["sbin", "usr/sbin"],
    ["lib", "usr/lib"],
    ["lib64", "usr/lib64"],
  ] as const) {
    if (!existsSync(join(rootfs, link))) symlinkSync(to, join(rootfs, link));
  }
  if (!existsSync(join(rootfs, "usr", "bin", "sh"))) symlinkSync("dash", join(rootfs, "usr", "bin", "sh"));
  for (const d of ["var/lang/bin", "var/task", "var/runtime", "tmp", "etc"])
    mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  symlinkSync("/usr/bin/python3.13", join(rootfs, "var", "lang", "bin", "python3"));
  writeFileSync(join(rootfs, "lambda-entrypoint.sh"), ENTRYPOINT, { mode: 0o755 });
  chmodSync(join(rootfs, "lambda-entrypoint.sh"), 0o755);
  writeFileSync(join(rootfs, "etc", "localtime"), "");

  const tarOf = (dir: string): Buffer =>
    execFileSync(
      "tar",
      [
        "--sort=name",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--mtime=@0",
        "--format=gnu",
        "-C",
        dir,
        "-cf",
        "-",
        ".",
      ],
      {
        maxBuffer: 1 << 30,
      },
    );
  const marker = join(work, "marker");
  mkdirSync(join(marker, "etc"), { recursive: true });
  writeFileSync(join(marker, "etc", "stand-in-arch"), "arm64\n");

  const staging = join(work, "layout");
  mkdirSync(join(staging, "blobs", "sha256"), { recursive: true });
  const blob = (bytes: Uint8Array, mediaType: string, extra: Record<string, unknown> = {}) => {
    const d = sha(bytes);
    writeFileSync(join(staging, "blobs", "sha256", d), bytes);
    return { mediaType, digest: `sha256:${d}`, size: bytes.length, ...extra };
  };
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
  const layer = (dir: string) => {
    const tar = tarOf(dir);
    return { desc: blob(gzipSync(tar, { level: 6 }), MEDIA.layer), diffId: `sha256:${sha(tar)}` };
  };
  const rootLayer = layer(rootfs);
  const markerLayer = layer(marker);
  const image = (arch: string, l: { desc: object; diffId: string }, lambda: boolean) => {
    const config = blob(
      json({
        architecture: arch,
        os: "linux",
        ...(arch === "arm64" ? { variant: "v8" } : {}),
        created: "2026-11-30T12:00:00Z",
        config: lambda
          ? { Env: LAMBDA_ENV, Entrypoint: ["/lambda-entrypoint.sh"], WorkingDir: "/var/task" }
          : { Env: ["PATH=/usr/bin:/bin"] },
        rootfs: { type: "layers", diff_ids: [l.diffId] },
        history: [{ created: "2026-11-30T12:00:00Z", created_by: "stand-in rootfs" }],
      }),
      MEDIA.config,
    );
    return blob(json({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers: [l.desc] }), MEDIA.manifest, {
      platform: { architecture: arch, os: "linux", ...(arch === "arm64" ? { variant: "v8" } : {}) },
    });
  };
  const amd = image("amd64", rootLayer, true);
  const arm = image("arm64", markerLayer, true);
  const index = (ms: object[]) => blob(json({ schemaVersion: 2, mediaType: MEDIA.index, manifests: ms }), MEDIA.index);
  const tag = (d: Record<string, unknown>, name: string) => {
    const { platform: _p, ...rest } = d;
    return { ...rest, annotations: { "org.opencontainers.image.ref.name": name } };
  };
  const plain = image("amd64", markerLayer, false);
  const armOnly = image("arm64", markerLayer, true);
  writeFileSync(join(staging, "oci-layout"), json({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(staging, "index.json"),
    json({
      schemaVersion: 2,
      manifests: [
        tag(index([amd, arm]), "3.13"),
        tag(plain, "plain"),
        tag(armOnly, "arm-only"),
        tag(index([amd]), "amd-only"),
      ],
    }),
  );
  settle(staging, layout);
  return { layout };
}

/** Copies the stand-in's tags into a registry with skopeo (`--all`, digests kept): `HOST/lambda/python:3.13` … */
export function pushStandIn(layout: string, host: string, repository = "lambda/python"): void {
  for (const t of ["3.13", "plain", "arm-only", "amd-only"]) {
    execFileSync(
      "skopeo",
      [
        "copy",
        "--all",
        "--preserve-digests",
        "--quiet",
        "--dest-tls-verify=false",
        `oci:${layout}:${t}`,
        `docker://${host}/${repository}:${t}`,
      ],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
  }
}

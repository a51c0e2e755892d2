// The benchmark scenarios and the shape of the real wheels they use.
//
// Names, versions, dependency edges and wheel filenames are real (PyPI, early 2025); wheel sizes are the
// real ones where the FastAPI lock records them and otherwise rounded from PyPI's file listings; file
// counts and unpacked sizes are approximate (from installed trees). Hashes in the scenario locks are
// placeholders (sha256 of the filename): the mirror replaces them with the stand-ins' hashes.

const MANYLINUX = (dist, ver, py, abi) => `${dist}-${ver}-${py}-${abi}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
const AARCH64 = (dist, ver, py, abi) => `${dist}-${ver}-${py}-${abi}-manylinux_2_17_aarch64.manylinux2014_aarch64.whl`;

/**
 * Package facts: version, dependencies (name or [name, marker]), wheels ([filename, size]) and the shape
 * of the wheel a cp313 x86_64 manylinux2014 target installs (files, unpacked bytes).
 */
export const PACKAGES = {
  "annotated-types": {
    version: "0.7.0",
    wheels: [["annotated_types-0.7.0-py3-none-any.whl", 13_643]],
    files: 8,
    unpacked: 42_000,
  },
  boto3: {
    version: "1.35.90",
    deps: ["botocore", "jmespath", "s3transfer"],
    wheels: [["boto3-1.35.90-py3-none-any.whl", 139_180]],
    files: 95,
    unpacked: 480_000,
  },
  botocore: {
    version: "1.35.90",
    deps: ["jmespath", "python-dateutil", "urllib3"],
    wheels: [["botocore-1.35.90-py3-none-any.whl", 13_302_500]],
    files: 1_600,
    unpacked: 24_000_000,
  },
  certifi: {
    version: "2025.1.31",
    wheels: [["certifi-2025.1.31-py3-none-any.whl", 166_393]],
    files: 9,
    unpacked: 300_000,
  },
  cffi: {
    version: "1.17.1",
    deps: ["pycparser"],
    wheels: [
      [AARCH64("cffi", "1.17.1", "cp313", "cp313"), 469_900],
      [MANYLINUX("cffi", "1.17.1", "cp313", "cp313"), 479_400],
    ],
    files: 45,
    unpacked: 1_450_000,
  },
  "charset-normalizer": {
    version: "3.4.1",
    wheels: [
      [AARCH64("charset_normalizer", "3.4.1", "cp313", "cp313"), 139_900],
      [MANYLINUX("charset_normalizer", "3.4.1", "cp313", "cp313"), 145_200],
      ["charset_normalizer-3.4.1-py3-none-any.whl", 49_767],
    ],
    files: 24,
    unpacked: 360_000,
  },
  cryptography: {
    version: "44.0.2",
    deps: [["cffi", "platform_python_implementation != 'PyPy'"]],
    wheels: [
      [AARCH64("cryptography", "44.0.2", "cp39", "abi3"), 3_900_000],
      [MANYLINUX("cryptography", "44.0.2", "cp39", "abi3"), 4_200_000],
      ["cryptography-44.0.2-cp39-abi3-manylinux_2_28_x86_64.whl", 4_020_000],
    ],
    files: 180,
    unpacked: 10_400_000,
  },
  idna: { version: "3.10", wheels: [["idna-3.10-py3-none-any.whl", 70_442]], files: 15, unpacked: 330_000 },
  jmespath: { version: "1.0.1", wheels: [["jmespath-1.0.1-py3-none-any.whl", 20_256]], files: 14, unpacked: 80_000 },
  numpy: {
    version: "2.2.1",
    wheels: [
      [AARCH64("numpy", "2.2.1", "cp313", "cp313"), 13_700_000],
      [MANYLINUX("numpy", "2.2.1", "cp313", "cp313"), 16_100_000],
      ["numpy-2.2.1-cp313-cp313-musllinux_1_2_x86_64.whl", 17_900_000],
    ],
    files: 1_000,
    unpacked: 44_000_000,
  },
  pandas: {
    version: "2.2.3",
    deps: ["numpy", "python-dateutil", "pytz", "tzdata"],
    wheels: [
      [AARCH64("pandas", "2.2.3", "cp313", "cp313"), 15_200_000],
      [MANYLINUX("pandas", "2.2.3", "cp313", "cp313"), 12_700_000],
    ],
    files: 2_100,
    unpacked: 62_000_000,
  },
  pyarrow: {
    version: "18.1.0",
    wheels: [
      [AARCH64("pyarrow", "18.1.0", "cp313", "cp313"), 38_600_000],
      [MANYLINUX("pyarrow", "18.1.0", "cp313", "cp313"), 40_100_000],
      ["pyarrow-18.1.0-cp313-cp313-manylinux_2_28_x86_64.whl", 42_100_000],
    ],
    files: 1_100,
    unpacked: 125_000_000,
  },
  pycparser: { version: "2.22", wheels: [["pycparser-2.22-py3-none-any.whl", 117_552]], files: 42, unpacked: 500_000 },
  pydantic: {
    version: "2.11.3",
    deps: ["annotated-types", "pydantic-core", "typing-extensions", "typing-inspection"],
    wheels: [["pydantic-2.11.3-py3-none-any.whl", 443_600]],
    files: 110,
    unpacked: 1_900_000,
  },
  "pydantic-core": {
    version: "2.33.1",
    deps: ["typing-extensions"],
    wheels: [
      [AARCH64("pydantic_core", "2.33.1", "cp313", "cp313"), 1_900_000],
      [MANYLINUX("pydantic_core", "2.33.1", "cp313", "cp313"), 2_020_000],
      ["pydantic_core-2.33.1-cp313-cp313-musllinux_1_1_x86_64.whl", 2_170_000],
    ],
    files: 12,
    unpacked: 4_800_000,
  },
  "python-dateutil": {
    version: "2.9.0.post0",
    deps: ["six"],
    wheels: [["python_dateutil-2.9.0.post0-py2.py3-none-any.whl", 229_892]],
    files: 25,
    unpacked: 700_000,
  },
  pytz: { version: "2024.2", wheels: [["pytz-2024.2-py2.py3-none-any.whl", 508_002]], files: 610, unpacked: 2_800_000 },
  requests: {
    version: "2.32.3",
    deps: ["certifi", "charset-normalizer", "idna", "urllib3"],
    wheels: [["requests-2.32.3-py3-none-any.whl", 64_928]],
    files: 22,
    unpacked: 200_000,
  },
  s3transfer: {
    version: "0.10.4",
    deps: ["botocore"],
    wheels: [["s3transfer-0.10.4-py3-none-any.whl", 83_175]],
    files: 30,
    unpacked: 400_000,
  },
  six: { version: "1.17.0", wheels: [["six-1.17.0-py2.py3-none-any.whl", 11_050]], files: 6, unpacked: 35_000 },
  "typing-extensions": {
    version: "4.13.2",
    wheels: [["typing_extensions-4.13.2-py3-none-any.whl", 45_806]],
    files: 6,
    unpacked: 170_000,
  },
  "typing-inspection": {
    version: "0.4.0",
    deps: ["typing-extensions"],
    wheels: [["typing_inspection-0.4.0-py3-none-any.whl", 14_827]],
    files: 9,
    unpacked: 45_000,
  },
  tzdata: {
    version: "2024.2",
    wheels: [["tzdata-2024.2-py2.py3-none-any.whl", 346_600]],
    files: 640,
    unpacked: 1_600_000,
  },
  urllib3: { version: "2.3.0", wheels: [["urllib3-2.3.0-py3-none-any.whl", 128_369]], files: 40, unpacked: 500_000 },
};

/** Shapes of the FastAPI example's wheels (its lock is the real one; these refine the defaults). */
export const FASTAPI_SHAPES = {
  "pydantic_core-2.27.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl": { files: 12, unpacked: 4_700_000 },
  "pydantic-2.10.4-py3-none-any.whl": { files: 105, unpacked: 1_850_000 },
  "fastapi-0.115.6-py3-none-any.whl": { files: 52, unpacked: 380_000 },
  "starlette-0.41.3-py3-none-any.whl": { files: 40, unpacked: 300_000 },
  "anyio-4.7.0-py3-none-any.whl": { files: 45, unpacked: 380_000 },
};

/** The scenarios, smallest first. `lock`/`pyproject` are paths relative to the repository root. */
export const SCENARIOS = [
  {
    id: "fastapi",
    title: "FastAPI + Mangum (the uv AWS Lambda guide's example)",
    pyproject: "test/fixtures/uv-aws-lambda-example/pyproject.toml",
    lock: "test/fixtures/uv-aws-lambda-example/uv.lock",
    shapes: FASTAPI_SHAPES,
  },
  {
    id: "api",
    title: "Typical API function: boto3, pydantic, requests, cryptography",
    pyproject: "bench/scenarios/api/pyproject.toml",
    lock: "bench/scenarios/api/uv.lock",
    roots: ["boto3", "pydantic", "requests", "cryptography"],
  },
  {
    id: "data",
    title: "Heavy data function near the 250 MB limit: pandas, numpy, pyarrow",
    pyproject: "bench/scenarios/data/pyproject.toml",
    lock: "bench/scenarios/data/uv.lock",
    roots: ["pandas", "pyarrow"],
  },
];

/** Shapes (files, unpacked) by wheel filename for every package in {@link PACKAGES}. */
export function catalogShapes() {
  const out = {};
  for (const p of Object.values(PACKAGES)) {
    for (const [filename] of p.wheels) out[filename] = { files: p.files, unpacked: p.unpacked };
  }
  return out;
}

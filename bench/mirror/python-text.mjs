// Python-like source text that deflates like real .py files (zlib level 6: ~25–30 % of the input).
// A fixed pool of generated lines (identifiers from a seeded syllable vocabulary, real keywords and
// layout); each file draws lines from the pool with its own PRNG.
import { createRng } from "./random.mjs";

const SYLLABLES = (
  "ab ac ad al an ap ar as at ba be bi bo bu ca ce ch ci co cu da de di do du el em en er es ex fa fe fi fo " +
  "ga ge gi go gr ha he hi ho id im in io is it ja ke la le li lo lu ma me mi mo mu na ne ni no nu ob oc od " +
  "ol om on op or os ot ou pa pe pi po pr pu qu ra re ri ro ru sa se si so st su ta te th ti to tr tu un up " +
  "ur us ut va ve vi vo wa we wi xe yo za ze"
).split(" ");

const KEYWORDS = ["self", "cls", "value", "name", "data", "result", "key", "item", "config", "request", "path"];

function buildVocabulary(rng, size) {
  const words = new Set();
  while (words.size < size) {
    const n = rng.int(1, 4);
    let w = "";
    for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
    words.add(w);
  }
  return [...words];
}

function buildPool(seed, size) {
  const rng = createRng(seed, "python-line-pool");
  const vocab = buildVocabulary(rng, 6000);
  const word = () => (rng.next() < 0.2 ? rng.pick(KEYWORDS) : rng.pick(vocab));
  const ident = () => (rng.next() < 0.4 ? `${word()}_${word()}` : word());
  const camel = () => {
    const w = `${word()}${word()}`;
    return w[0].toUpperCase() + w.slice(1);
  };
  const args = () => {
    const n = rng.int(0, 3);
    const out = [];
    for (let i = 0; i < n; i++)
      out.push(rng.next() < 0.3 ? `${ident()}=${rng.pick(["None", "True", "False", "0"])}` : ident());
    return out.join(", ");
  };
  const words = (lo, hi) => {
    const n = rng.int(lo, hi);
    const out = [];
    for (let i = 0; i < n; i++) out.push(rng.pick(vocab));
    return out.join(" ");
  };
  const templates = [
    (ind) => `${ind}def ${ident()}(self, ${args()}):`,
    (ind) => `${ind}def ${ident()}(${args()}) -> ${rng.pick(["None", "str", "int", "bool", camel()])}:`,
    (ind) => `${ind}"""${words(3, 10)}."""`,
    (ind) => `${ind}if ${ident()} is not None:`,
    (ind) => `${ind}if not isinstance(${ident()}, ${camel()}):`,
    (ind) => `${ind}return self.${ident()}(${args()})`,
    (ind) => `${ind}return ${ident()}`,
    (ind) => `${ind}${ident()} = ${ident()}.${ident()}(${args()})`,
    (ind) => `${ind}self.${ident()} = ${ident()}`,
    (ind) => `${ind}for ${ident()} in ${ident()}:`,
    (ind) => `${ind}# ${words(3, 12)}`,
    (ind) => `${ind}raise ${camel()}Error(f"${words(2, 6)} {${ident()}!r}")`,
    (ind) => `${ind}${ident()}[${JSON.stringify(word())}] = ${ident()}`,
    (ind) => `${ind}try:`,
    (ind) => `${ind}except ${camel()}Error as exc:`,
    (ind) => `${ind}with ${ident()}(${args()}) as ${ident()}:`,
    () => `from ${ident()}.${ident()} import ${camel()}, ${ident()}`,
    () => `import ${ident()}`,
    () => `class ${camel()}(${camel()}):`,
    () => "",
    () => "",
  ];
  const indents = ["", "    ", "    ", "        ", "        ", "            "];
  const pool = [];
  for (let i = 0; i < size; i++) pool.push(`${rng.pick(templates)(rng.pick(indents))}\n`);
  return pool;
}

const LOCAL_LINES = 300;
const LOCAL_DIV = 120;
const LOCAL_SHARE = 0.7;

let cached;
function pool() {
  cached ??= buildPool("tspack-bench-python-v1", 40_000).map((l) => Buffer.from(l, "latin1"));
  return cached;
}

/** About `length` bytes of Python-like text (exactly `length`), drawn by a PRNG from `(seed, label)`. */
export function pythonText(seed, label, length) {
  const lines = pool();
  const rng = createRng(seed, `text:${label}`);
  // Real modules repeat their own identifiers and idioms: most lines come from a small per-file set.
  const local = [];
  const localCount = Math.max(12, Math.min(LOCAL_LINES, Math.round(length / LOCAL_DIV)));
  for (let i = 0; i < localCount; i++) local.push(lines[Math.floor(rng.next() * lines.length)]);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) {
    const from = rng.next() < LOCAL_SHARE ? local : lines;
    const line = from[Math.floor(rng.next() * from.length)];
    at += line.copy(out, at, 0, Math.min(line.length, length - at));
  }
  return out;
}

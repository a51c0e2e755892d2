import {
  MARKER_VARIABLE_ALIASES,
  type MarkerExpression,
  type MarkerOperator,
  type MarkerTree,
  type MarkerValue,
} from "./marker-tree.js";
import { Scanner } from "./scanner.js";

const VARIABLE =
  /(python_full_version|python_version|platform[._]python_implementation|python_implementation|implementation_name|implementation_version|platform[._]machine|platform_release|platform_system|platform[._]version|sys[._]platform|os[._]name|dependency_groups|extras|extra)(?![A-Za-z0-9_])/;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_.]*/;
const QUOTED = /'([^']*)'|"([^"]*)"/;
const COMPARISON = /===|==|~=|!=|<=|>=|<|>/;
const OPERATORS_TEXT = "one of <=, <, !=, ==, >=, >, ~=, ===, in, not in";

/**
 * The deepest parenthesis nesting a marker may have. uv's parser has no limit (its stack is large);
 * packaging 26 fails with a RecursionError near 490 levels and the packaging 21 vendored by pip 23
 * below 90. uv writes markers at most one level deep. Deeper markers are a TSPACK_MARKER_SYNTAX error
 * instead of a stack overflow (docs/decisions.md).
 */
export const MAX_MARKER_NESTING = 200;

function parseValue(s: Scanner): MarkerValue {
  const start = s.pos;
  const v = s.take(VARIABLE);
  if (v !== null) {
    const name = MARKER_VARIABLE_ALIASES[v[1] ?? ""];
    if (name !== undefined) return { type: "variable", name };
  }
  const q = s.take(QUOTED);
  if (q !== null) return { type: "string", value: q[1] ?? q[2] ?? "" };
  const c = s.peekChar();
  if (c === "'" || c === '"') s.fail(`Missing the closing quote (${c}) of this string`, start);
  const ident = s.peek(IDENTIFIER);
  if (ident !== null) {
    s.fail(`Expected a marker variable or quoted string, found the unknown name "${ident[0]}"`, start, ident[0].length);
  }
  s.fail(
    s.atEnd()
      ? "Expected a marker variable or quoted string, found the end of the input"
      : "Expected a marker variable or quoted string",
    start,
  );
}

function parseOperator(s: Scanner): MarkerOperator {
  const cmp = s.take(COMPARISON);
  if (cmp !== null) return cmp[0] as MarkerOperator;
  if (s.take(/in(?![A-Za-z0-9_])/) !== null) return "in";
  if (s.take(/not(?![A-Za-z0-9_])/) !== null) {
    s.ws();
    if (s.take(/in(?![A-Za-z0-9_])/) === null) s.fail('Expected "in" after "not"', s.pos);
    return "not in";
  }
  s.fail(`Expected a marker operator, ${OPERATORS_TEXT}`);
}

function parseItem(s: Scanner): MarkerExpression {
  const start = s.pos;
  const left = parseValue(s);
  s.ws();
  const op = parseOperator(s);
  s.ws();
  const right = parseValue(s);
  const width = s.pos - start;
  if (left.type === "variable" && right.type === "variable") {
    s.fail(`Comparing two marker variables ("${left.name}" and "${right.name}") is not supported`, start, width);
  }
  if (left.type === "string" && right.type === "string") {
    s.fail("Comparing two quoted strings is not supported; one side must be a marker variable", start, width);
  }
  if (left.type === "variable" && (left.name === "extras" || left.name === "dependency_groups")) {
    s.fail(`The marker variable "${left.name}" must be on the right-hand side ('name' in ${left.name})`, start, width);
  }
  if (right.type === "variable" && (right.name === "extras" || right.name === "dependency_groups")) {
    if (op !== "in" && op !== "not in") {
      s.fail(`The marker variable "${right.name}" only supports the "in" and "not in" operators`, start, width);
    }
  }
  return { kind: "expr", left, op, right };
}

function parseAtom(s: Scanner): MarkerTree {
  s.ws();
  if (s.peekChar() === "(") {
    const open = s.pos;
    if (s.depth >= MAX_MARKER_NESTING) {
      s.fail(`The marker is nested more than ${MAX_MARKER_NESTING} parentheses deep`, open);
    }
    s.pos++;
    s.depth++;
    const inner = parseOr(s);
    s.depth--;
    s.ws();
    if (s.peekChar() !== ")") {
      s.fail(
        s.atEnd()
          ? "Expected a closing parenthesis for this opening parenthesis"
          : 'Expected "and", "or" or a closing parenthesis',
        s.atEnd() ? open : s.pos,
      );
    }
    s.pos++;
    return inner;
  }
  return parseItem(s);
}

function junction(kind: "and" | "or", children: MarkerTree[]): MarkerTree {
  const flat: MarkerTree[] = [];
  for (const c of children) {
    if (c.kind === kind) flat.push(...c.children);
    else flat.push(c);
  }
  return flat.length === 1 ? (flat[0] as MarkerTree) : { kind, children: flat };
}

const AND = /and(?![A-Za-z0-9_])/;
const OR = /or(?![A-Za-z0-9_])/;

function parseAnd(s: Scanner): MarkerTree {
  const items = [parseAtom(s)];
  for (;;) {
    const save = s.pos;
    s.ws();
    if (s.take(AND) === null) {
      s.pos = save;
      break;
    }
    items.push(parseAtom(s));
  }
  return junction("and", items);
}

function parseOr(s: Scanner): MarkerTree {
  const items = [parseAnd(s)];
  for (;;) {
    const save = s.pos;
    s.ws();
    if (s.take(OR) === null) {
      s.pos = save;
      break;
    }
    items.push(parseAnd(s));
  }
  return junction("or", items);
}

/** Parses a marker starting at `s.pos` (used by the requirement parser); stops before trailing text. */
export function parseMarkerAt(s: Scanner): MarkerTree {
  return parseOr(s);
}

/**
 * Parses a PEP 508 environment marker (`python_version >= '3.9' and sys_platform == 'linux'`) into a
 * plain {@link MarkerTree} (`and` binds tighter than `or`; deprecated aliases such as `os.name` are
 * mapped to modern names). Throws TSPACK_MARKER_SYNTAX with a caret on a syntax error.
 */
export function parseMarker(text: string): MarkerTree {
  const s: Scanner = new Scanner(text, "marker");
  const tree = parseOr(s);
  s.ws();
  if (!s.atEnd()) {
    s.fail(s.peekChar() === ")" ? "Unmatched closing parenthesis" : 'Expected "and", "or" or the end of the marker');
  }
  return tree;
}

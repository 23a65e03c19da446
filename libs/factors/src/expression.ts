import * as ops from './ops';
import { FactorError, Panel } from './panel';

/**
 * The factor expression language, evaluated column-wise over panels:
 *
 *   rank(ts_mean(close, 20) / close)        cs_zscore(delta(close, 5)) * -1
 *   corr(close, volume, 10)                 where(volume > ts_mean(volume, 20), 1, -1) * ts_rank(close, 10)
 *
 * Numbers, column names (the panels supplied: `close`, `volume`, …), `+ - * / ^`, unary minus, comparisons
 * (`< <= > >= == !=`, giving 1 or 0) and the functions of FUNCTIONS. Windows are whole numbers of dates.
 * A repeated sub-expression is computed once. Bounded: at most 2,000 characters, 500 nodes, nesting 32.
 */

export type Node =
  | { kind: 'number'; value: number }
  | { kind: 'column'; name: string }
  | { kind: 'unary'; op: '-'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

type Value = Panel | number;

interface FunctionSpec {
  /** 'x' a value (panel or number), 'n' a window (a whole number literal). */
  args: readonly ('x' | 'n')[];
  run(args: Value[]): Value;
  doc: string;
}

const panelOf = (v: Value, name: string): Panel => {
  if (typeof v === 'number')
    throw new FactorError('bad_argument', `${name} needs a column expression, not the number ${v}`);
  return v;
};

const elementwise =
  (fn: (v: number) => number) =>
  (args: Value[]): Value =>
    typeof args[0] === 'number' ? fn(args[0]) : ops.unary(args[0]!, fn);

const series =
  (name: string, fn: (x: Panel, n: number) => Panel): FunctionSpec['run'] =>
  (args) =>
    fn(panelOf(args[0]!, name), args[1] as number);

const pair =
  (name: string, fn: (x: Panel, y: Panel, n: number) => Panel): FunctionSpec['run'] =>
  (args) =>
    fn(panelOf(args[0]!, name), panelOf(args[1]!, name), args[2] as number);

const crossSection =
  (name: string, fn: (x: Panel) => Panel): FunctionSpec['run'] =>
  (args) =>
    fn(panelOf(args[0]!, name));

export const FUNCTIONS: Record<string, FunctionSpec> = {
  rank: {
    args: ['x'],
    run: crossSection('rank', ops.csRank),
    doc: 'cross-sectional rank in (0, 1], ties averaged (= cs_rank)',
  },
  cs_rank: {
    args: ['x'],
    run: crossSection('cs_rank', ops.csRank),
    doc: 'cross-sectional rank in (0, 1], ties averaged',
  },
  cs_zscore: {
    args: ['x'],
    run: crossSection('cs_zscore', ops.csZscore),
    doc: '(x − mean) / sample std across the date',
  },
  cs_demean: {
    args: ['x'],
    run: crossSection('cs_demean', ops.csDemean),
    doc: 'x − the date’s mean',
  },
  ts_mean: {
    args: ['x', 'n'],
    run: series('ts_mean', ops.tsMean),
    doc: 'mean of the last n dates',
  },
  ts_sum: { args: ['x', 'n'], run: series('ts_sum', ops.tsSum), doc: 'sum of the last n dates' },
  ts_std: {
    args: ['x', 'n'],
    run: series('ts_std', ops.tsStd),
    doc: 'sample standard deviation of the last n dates',
  },
  ts_min: {
    args: ['x', 'n'],
    run: series('ts_min', ops.tsMin),
    doc: 'minimum of the last n dates',
  },
  ts_max: {
    args: ['x', 'n'],
    run: series('ts_max', ops.tsMax),
    doc: 'maximum of the last n dates',
  },
  ts_rank: {
    args: ['x', 'n'],
    run: series('ts_rank', ops.tsRank),
    doc: 'rank of today within the last n dates, in (0, 1]',
  },
  delay: { args: ['x', 'n'], run: series('delay', ops.delay), doc: 'the value n dates ago' },
  delta: { args: ['x', 'n'], run: series('delta', ops.delta), doc: 'x − its value n dates ago' },
  corr: {
    args: ['x', 'x', 'n'],
    run: pair('corr', ops.tsCorr),
    doc: 'Pearson correlation of x and y over the last n dates',
  },
  ts_corr: { args: ['x', 'x', 'n'], run: pair('ts_corr', ops.tsCorr), doc: '= corr' },
  cov: {
    args: ['x', 'x', 'n'],
    run: pair('cov', ops.tsCov),
    doc: 'sample covariance of x and y over the last n dates',
  },
  ts_cov: { args: ['x', 'x', 'n'], run: pair('ts_cov', ops.tsCov), doc: '= cov' },
  abs: { args: ['x'], run: elementwise(Math.abs), doc: '|x|' },
  log: {
    args: ['x'],
    run: elementwise((v) => (v > 0 ? Math.log(v) : Number.NaN)),
    doc: 'natural log (NaN for x ≤ 0)',
  },
  sqrt: {
    args: ['x'],
    run: elementwise((v) => (v >= 0 ? Math.sqrt(v) : Number.NaN)),
    doc: 'square root (NaN for x < 0)',
  },
  exp: { args: ['x'], run: elementwise(Math.exp), doc: 'e^x' },
  sign: {
    args: ['x'],
    run: elementwise((v) => (Number.isNaN(v) ? v : Math.sign(v))),
    doc: '−1, 0 or 1',
  },
  max: {
    args: ['x', 'x'],
    run: (a) => ops.binary(a[0]!, a[1]!, (x, y) => (x >= y || Number.isNaN(y) ? x : y)),
    doc: 'the larger, element by element (NaN if either is)',
  },
  min: {
    args: ['x', 'x'],
    run: (a) => ops.binary(a[0]!, a[1]!, (x, y) => (x <= y || Number.isNaN(y) ? x : y)),
    doc: 'the smaller, element by element (NaN if either is)',
  },
  where: {
    args: ['x', 'x', 'x'],
    run: (a) => whereOf(a[0]!, a[1]!, a[2]!),
    doc: 'b where cond is not 0, else c (NaN where cond is NaN)',
  },
};

/** where(cond, b, c) element by element (NaN where cond is NaN). */
function whereOf(cond: Value, b: Value, c: Value): Value {
  const shape = [cond, b, c].find((v): v is Panel => typeof v !== 'number');
  if (!shape) return Number.isNaN(cond) ? Number.NaN : (cond as number) !== 0 ? b : c;
  const at = (v: Value, k: number): number => (typeof v === 'number' ? v : v.values[k]!);
  const out = new Float64Array(shape.values.length);
  for (let k = 0; k < out.length; k += 1) {
    const test = at(cond, k);
    out[k] = Number.isNaN(test) ? Number.NaN : test !== 0 ? at(b, k) : at(c, k);
  }
  return shape.like(out);
}

const LIMITS = { characters: 2_000, nodes: 500, depth: 32 };

const BINARY: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '^': (x, y) => x ** y,
  '<': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x < y ? 1 : 0),
  '<=': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x <= y ? 1 : 0),
  '>': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x > y ? 1 : 0),
  '>=': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x >= y ? 1 : 0),
  '==': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x === y ? 1 : 0),
  '!=': (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x !== y ? 1 : 0),
};

interface Token {
  type: 'number' | 'name' | 'op' | '(' | ')' | ',' | 'end';
  text: string;
  at: number;
}

function tokenize(text: string): Token[] {
  if (text.length > LIMITS.characters)
    throw new FactorError(
      'expression_too_long',
      `an expression is at most ${LIMITS.characters} characters`,
    );
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/^<>])|([(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) {
      const where = at + (text.slice(at).length - text.slice(at).trimStart().length);
      throw new FactorError('expression_syntax', `unexpected "${text[where]}" at ${where + 1}`, {
        at: where + 1,
      });
    }
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').length;
    if (m[1] !== undefined) tokens.push({ type: 'number', text: m[1], at: start });
    else if (m[2] !== undefined) tokens.push({ type: 'name', text: m[2], at: start });
    else if (m[3] !== undefined) tokens.push({ type: 'op', text: m[3], at: start });
    else tokens.push({ type: m[4] as '(' | ')' | ',', text: m[4]!, at: start });
    at = pattern.lastIndex;
  }
  tokens.push({ type: 'end', text: '', at: text.length });
  return tokens;
}

/** Parses an expression into its tree; a FactorError (code `expression_syntax`, …) names what and where. */
export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  let position = 0;
  let nodes = 0;
  const peek = (): Token => tokens[position]!;
  const next = (): Token => tokens[position++]!;
  const fail = (token: Token, what: string): never => {
    throw new FactorError(
      'expression_syntax',
      `${what} at ${token.at + 1}${token.type === 'end' ? ' (the end)' : ` ("${token.text}")`}`,
      { at: token.at + 1 },
    );
  };
  const made = (node: Node, depth: number): Node => {
    nodes += 1;
    if (nodes > LIMITS.nodes)
      throw new FactorError(
        'expression_too_large',
        `an expression has at most ${LIMITS.nodes} terms`,
      );
    if (depth > LIMITS.depth)
      throw new FactorError(
        'expression_too_deep',
        `an expression nests at most ${LIMITS.depth} deep`,
      );
    return node;
  };
  const comparison = (depth: number): Node => {
    const left = additive(depth);
    const t = peek();
    if (t.type === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) {
      next();
      return made({ kind: 'binary', op: t.text, left, right: additive(depth + 1) }, depth);
    }
    return left;
  };
  /** Left-associative operators of one precedence level over the next level's terms. */
  const level =
    (operators: readonly string[], term: (depth: number) => Node) =>
    (depth: number): Node => {
      let left = term(depth);
      while (peek().type === 'op' && operators.includes(peek().text)) {
        const op = next().text;
        left = made({ kind: 'binary', op, left, right: term(depth + 1) }, depth);
      }
      return left;
    };
  const multiplicative = level(['*', '/'], (depth) => unaryTerm(depth));
  const additive = level(['+', '-'], multiplicative);
  const unaryTerm = (depth: number): Node => {
    if (peek().type === 'op' && (peek().text === '-' || peek().text === '+')) {
      const op = next().text;
      const operand = unaryTerm(depth + 1);
      return op === '-' ? made({ kind: 'unary', op: '-', operand }, depth) : operand;
    }
    return power(depth);
  };
  const power = (depth: number): Node => {
    const base = primary(depth);
    if (peek().type === 'op' && peek().text === '^') {
      next();
      return made({ kind: 'binary', op: '^', left: base, right: unaryTerm(depth + 1) }, depth);
    }
    return base;
  };
  const primary = (depth: number): Node => {
    if (depth > LIMITS.depth)
      throw new FactorError(
        'expression_too_deep',
        `an expression nests at most ${LIMITS.depth} deep`,
      );
    const t = next();
    if (t.type === 'number') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) fail(t, 'a number too large');
      return made({ kind: 'number', value }, depth);
    }
    if (t.type === '(') {
      const inner = comparison(depth + 1);
      if (next().type !== ')') fail(tokens[position - 1]!, 'expected ")"');
      return inner;
    }
    if (t.type === 'name') {
      if (peek().type !== '(') return made({ kind: 'column', name: t.text }, depth);
      next();
      const spec = Object.hasOwn(FUNCTIONS, t.text) ? FUNCTIONS[t.text] : undefined;
      if (!spec)
        throw new FactorError(
          'unknown_function',
          `unknown function ${t.text}; known: ${Object.keys(FUNCTIONS).join(', ')}`,
          {
            at: t.at + 1,
          },
        );
      const args: Node[] = [];
      if (peek().type !== ')') {
        for (;;) {
          args.push(comparison(depth + 1));
          if (peek().type === ',') {
            next();
            continue;
          }
          break;
        }
      }
      if (next().type !== ')')
        fail(tokens[position - 1]!, `expected ")" after the arguments of ${t.text}`);
      if (args.length !== spec.args.length)
        throw new FactorError(
          'bad_argument',
          `${t.text} takes ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'}, not ${args.length}`,
          { at: t.at + 1 },
        );
      spec.args.forEach((kind, k) => {
        const arg = args[k]!;
        if (
          kind === 'n' &&
          (arg.kind !== 'number' ||
            !Number.isInteger(arg.value) ||
            arg.value < 0 ||
            arg.value > ops.MAX_WINDOW)
        )
          throw new FactorError(
            'bad_window',
            `argument ${k + 1} of ${t.text} is a window: a whole number 1–${ops.MAX_WINDOW}`,
            {
              at: t.at + 1,
            },
          );
      });
      return made({ kind: 'call', name: t.text, args }, depth);
    }
    return fail(t, 'expected a number, a column, a function or "("');
  };
  const tree = comparison(0);
  if (peek().type !== 'end') fail(peek(), 'unexpected text');
  return tree;
}

/** The canonical text of a tree (also the cache key of a sub-expression). */
export function printExpression(node: Node): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'column':
      return node.name;
    case 'unary':
      return `(-${printExpression(node.operand)})`;
    case 'binary':
      return `(${printExpression(node.left)} ${node.op} ${printExpression(node.right)})`;
    case 'call':
      return `${node.name}(${node.args.map(printExpression).join(', ')})`;
  }
}

/** The columns an expression reads. */
export function columnsOf(node: Node, into = new Set<string>()): Set<string> {
  if (node.kind === 'column') into.add(node.name);
  else if (node.kind === 'unary') columnsOf(node.operand, into);
  else if (node.kind === 'binary') {
    columnsOf(node.left, into);
    columnsOf(node.right, into);
  } else if (node.kind === 'call') for (const a of node.args) columnsOf(a, into);
  return into;
}

/**
 * Evaluates an expression (text or tree) over named panels on the same axes. The result is a panel on
 * those axes (a constant expression fills one).
 */
export function evaluateExpression(
  expression: string | Node,
  columns: Readonly<Record<string, Panel>>,
): Panel {
  const tree = typeof expression === 'string' ? parseExpression(expression) : expression;
  const names = Object.keys(columns);
  if (!names.length) throw new FactorError('no_columns', 'no columns to evaluate over');
  const shape = columns[names[0]!]!;
  const memo = new Map<string, Value>();
  const run = (node: Node): Value => {
    const key = printExpression(node);
    const known = memo.get(key);
    if (known !== undefined) return known;
    let value: Value;
    switch (node.kind) {
      case 'number':
        value = node.value;
        break;
      case 'column': {
        const panel = Object.hasOwn(columns, node.name) ? columns[node.name] : undefined;
        if (!panel)
          throw new FactorError(
            'unknown_column',
            `unknown column ${node.name}; the data has ${names.join(', ')}`,
          );
        value = panel;
        break;
      }
      case 'unary':
        value = ops.binary(0, run(node.operand), (_z, v) => -v);
        break;
      case 'binary':
        value = ops.binary(run(node.left), run(node.right), BINARY[node.op]!);
        break;
      case 'call': {
        const spec = FUNCTIONS[node.name]!;
        const args = node.args.map((a, k) =>
          spec.args[k] === 'n' ? (a as { value: number }).value : run(a),
        );
        value = spec.run(args);
        break;
      }
    }
    memo.set(key, value);
    return value;
  };
  const result = run(tree);
  return typeof result === 'number' ? Panel.filled(shape.dates, shape.instruments, result) : result;
}

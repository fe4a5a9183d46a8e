// The SAS filter language of collection queries (`filter=and(eq(name,'a.txt'),gt(size,10))`) and `sortBy`
// (`name:ascending,modifiedTimeStamp:descending`), applied to the items a service renders. A malformed expression is
// InvalidArgument; a field an item does not have is null.
import { StorageError } from '../../../core/errors.ts';

type Value = string | number | boolean | null;
type Expr = { fn: string; args: (Expr | Value | { field: string })[] };
type Item = Record<string, unknown>;

/** No filter is longer: it is a few conditions, not a program. */
const MAX_FILTER = 4096;

const bad = (why: string) => new StorageError('InvalidArgument', `The filter is not valid: ${why}.`);

function parse(text: string): Expr {
  let i = 0;
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const arg = (depth: number): Expr | Value | { field: string } => {
    space();
    const c = text[i];
    if (c === "'" || c === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= text.length) throw bad('a quoted string is not closed');
        if (text[i] === c) {
          if (text[i + 1] === c) {
            out += c;
            i += 2;
            continue;
          }
          i++;
          return out;
        }
        out += text[i++];
      }
    }
    const m = /^[A-Za-z0-9_.:+-]+/.exec(text.slice(i));
    if (!m) throw bad(`unexpected '${text.slice(i, i + 10)}' at ${i}`);
    const word = m[0];
    i += word.length;
    space();
    if (text[i] === '(') return call(word, depth + 1);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
    return { field: word };
  };
  const call = (fn: string, depth: number): Expr => {
    if (depth > 32) throw bad('it nests too deeply');
    i++; // '('
    const args: Expr['args'] = [];
    space();
    if (text[i] === ')') {
      i++;
      return { fn, args };
    }
    for (;;) {
      args.push(arg(depth));
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ')') {
        i++;
        return { fn, args };
      }
      throw bad(`expected ',' or ')' at ${i}`);
    }
  };
  space();
  const m = /^[A-Za-z]+/.exec(text.slice(i));
  if (!m) throw bad("it must start with a function such as eq(name,'a')");
  i += m[0].length;
  space();
  if (text[i] !== '(') throw bad(`'${m[0]}' is not followed by '('`);
  const e = call(m[0], 1);
  space();
  if (i !== text.length) throw bad(`unexpected '${text.slice(i, i + 10)}' at ${i}`);
  return e;
}

const FNS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'startsWith',
  'endsWith',
  'in',
  'isNull',
]);

function check(e: Expr): void {
  if (!FNS.has(e.fn)) throw bad(`'${e.fn}' is not a filter function`);
  const logical = e.fn === 'and' || e.fn === 'or' || e.fn === 'not';
  for (const a of e.args) {
    const isExpr = typeof a === 'object' && a !== null && 'fn' in a;
    if (logical !== isExpr) throw bad(`${e.fn} takes ${logical ? 'conditions' : 'a field and values'}`);
    if (isExpr) check(a);
  }
  if (e.fn === 'not' && e.args.length !== 1) throw bad('not takes one condition');
  if (logical) {
    if (e.args.length === 0) throw bad(`${e.fn} takes at least one condition`);
    return;
  }
  const [field, ...values] = e.args;
  if (typeof field !== 'object' || field === null || !('field' in field))
    throw bad(`${e.fn} starts with a field name`);
  if (e.fn === 'isNull' ? values.length !== 0 : e.fn === 'in' ? values.length === 0 : values.length !== 1)
    throw bad(`${e.fn} has the wrong number of values`);
  if (values.some((v) => typeof v === 'object' && v !== null))
    throw bad(`${e.fn} compares a field with values`);
}

function compare(a: unknown, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function evaluate(e: Expr, item: Item): boolean {
  if (e.fn === 'and') return e.args.every((a) => evaluate(a as Expr, item));
  if (e.fn === 'or') return e.args.some((a) => evaluate(a as Expr, item));
  if (e.fn === 'not') return !evaluate(e.args[0] as Expr, item);
  const raw = item[(e.args[0] as { field: string }).field];
  const have = raw === undefined ? null : raw;
  const values = e.args.slice(1) as Value[];
  const v = values[0] ?? null;
  const same = (x: Value) =>
    typeof have === 'number' || typeof have === 'boolean' ? have === x : String(have) === String(x);
  switch (e.fn) {
    case 'eq':
      return v === null ? have === null : have !== null && same(v);
    case 'ne':
      return v === null ? have !== null : have === null || !same(v);
    case 'in':
      return have !== null && values.some(same);
    case 'isNull':
      return have === null;
    case 'contains':
      return have !== null && String(have).includes(String(v));
    case 'startsWith':
      return have !== null && String(have).startsWith(String(v));
    case 'endsWith':
      return have !== null && String(have).endsWith(String(v));
    case 'lt':
      return have !== null && compare(have, v) < 0;
    case 'le':
      return have !== null && compare(have, v) <= 0;
    case 'gt':
      return have !== null && compare(have, v) > 0;
    default:
      return have !== null && compare(have, v) >= 0;
  }
}

/** A predicate for `filter`, or undefined when there is none. InvalidArgument for a malformed one. */
export function filterOf(value: unknown): ((item: Item) => boolean) | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw bad('give it once');
  if (value.length > MAX_FILTER) throw bad(`it is longer than ${MAX_FILTER} characters`);
  const e = parse(value);
  check(e);
  return (item) => evaluate(e, item);
}

/** A comparator for `sortBy` (`field[:ascending|:descending],...`), or undefined. InvalidArgument if malformed. */
export function sorterOf(value: unknown): ((a: Item, b: Item) => number) | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 512)
    throw new StorageError('InvalidArgument', 'sortBy is malformed.');
  const keys = value.split(',').map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s*(?::\s*(ascending|descending))?\s*$/i.exec(part);
    if (!m)
      throw new StorageError(
        'InvalidArgument',
        `sortBy takes field[:ascending|:descending]; '${part}' is not one.`,
      );
    return { field: m[1]!, sign: m[2]?.toLowerCase() === 'descending' ? -1 : 1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.field] ?? null;
      const y = b[k.field] ?? null;
      if (x === y) continue;
      if (x === null) return -k.sign;
      if (y === null) return k.sign;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return c * k.sign;
    }
    return 0;
  };
}

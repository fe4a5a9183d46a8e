// Dependencies point down: http -> core -> (meta, blocks). Only config reads process.env.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const layer = (p: string) => relative(SRC, p).split('/')[0]!;

/** Which top-level folders each layer may import from. */
const ALLOWED: Record<string, string[]> = {
  meta: ['meta'],
  blocks: ['blocks'],
  config: ['config'],
  core: ['core', 'meta', 'blocks', 'config'],
  auth: ['auth', 'core', 'meta'],
  http: ['http', 'core', 'auth', 'config'],
  cli: ['cli', 'app.ts', 'auth', 'config', 'core', 'runtime.ts', 'http'],
};

test('no module imports a layer above it', () => {
  const bad: string[] = [];
  for (const f of files(SRC)) {
    const from = layer(f);
    const allowed = ALLOWED[from];
    if (!allowed) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = layer(resolve(dirname(f), m[1]!));
      if (!allowed.includes(to)) bad.push(`${relative(SRC, f)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('a dialect imports no other dialect: what two need is in http/common or core', () => {
  const HTTP = join(SRC, 'http');
  const dialects = readdirSync(HTTP).filter((n) => n !== 'common' && statSync(join(HTTP, n)).isDirectory());
  const bad: string[] = [];
  for (const d of dialects)
    for (const f of files(join(HTTP, d)))
      for (const m of readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const to = relative(HTTP, resolve(dirname(f), m[1]!)).split('/')[0]!;
        if (dialects.includes(to) && to !== d) bad.push(`${relative(SRC, f)} imports ${m[1]}`);
      }
  assert.deepEqual(bad, []);
  assert.ok(dialects.includes('s3') && dialects.includes('native'), dialects.join());
});

test('only src/config reads process.env', () => {
  const readers = files(SRC).filter(
    (f) => readFileSync(f, 'utf8').includes('process.env') && layer(f) !== 'config',
  );
  assert.deepEqual(
    readers.map((f) => relative(SRC, f)),
    [],
  );
});

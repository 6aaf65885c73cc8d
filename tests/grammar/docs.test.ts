// The docs stay true: every diagnostic code is explained, and the generated reference matches the catalogue.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../grammar/src/index.js';
import { updatedLanguageDoc } from '../../scripts/gen-docs.js';

test('docs/diagnostics.md has a section for every code, and no section for a code that does not exist', () => {
  const doc = readFileSync('docs/diagnostics.md', 'utf8');
  const sections = [...doc.matchAll(/^### ([a-z-]+)$/gm)].map((m) => m[1]!);
  const codes = Object.keys(DIAGNOSTIC_CODES);
  assert.deepEqual(codes.filter((c) => !sections.includes(c)), [], 'codes without a section');
  assert.deepEqual(sections.filter((s) => !codes.includes(s)), [], 'sections without a code');
  for (const code of codes) {
    const severity = DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES].severity;
    const section = doc.slice(doc.indexOf(`### ${code}\n`)).split('\n')[1]!;
    assert.ok(section.toLowerCase().startsWith(severity), `${code}: the section should start with its severity (${severity})`);
  }
});

test('docs/language.md reference is generated from the current catalogue (npm run docs)', () => {
  const current = readFileSync('docs/language.md', 'utf8');
  assert.equal(updatedLanguageDoc(current), current);
});

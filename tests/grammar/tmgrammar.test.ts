// The TextMate grammar, checked by vscode-tmgrammar-test against scope assertions in tests/grammar/tmgrammar.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('highlighting scopes match the assertions', () => {
  const r = spawnSync(process.execPath, ['node_modules/vscode-tmgrammar-test/dist/unit.js', '-g', 'grammar/ptx.tmLanguage.json', 'tests/grammar/tmgrammar/*.test.ptx'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /run successfuly/);
});

test('the manifest points at the grammar and the language configuration', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(pkg.contributes.grammars[0].path, './grammar/ptx.tmLanguage.json');
  assert.equal(pkg.contributes.languages[0].configuration, './grammar/language-configuration.json');
  const conf = JSON.parse(readFileSync('grammar/language-configuration.json', 'utf8'));
  assert.equal(conf.comments.lineComment, '//');
});

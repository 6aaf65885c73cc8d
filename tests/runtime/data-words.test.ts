import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORDS } from '../../grammar/src/catalogue/words.js';
import { langOffset, tokenWord, wordText, wordToken, wordVocab } from '../../runtime/src/data/words.js';

test('word list: at least 200 entries, single words, none empty', () => {
  assert.ok(WORDS.length >= 200, `only ${WORDS.length} words`);
  for (const w of WORDS) {
    for (const lang of ['en', 'de', 'es'] as const) {
      assert.match(w[lang], /^[\p{L}]+$/u, `${lang} '${w[lang]}' is not a single word`);
    }
  }
});

test('word list: no word twice within a language (ignoring case)', () => {
  for (const lang of ['en', 'de', 'es'] as const) {
    const seen = new Map<string, number>();
    WORDS.forEach((w, i) => {
      const key = w[lang].toLocaleLowerCase(lang);
      assert.ok(!seen.has(key), `${lang} '${w[lang]}' at ${i} duplicates entry ${seen.get(key)}`);
      seen.set(key, i);
    });
  }
});

test('word tokens: pad 0, en 1..N, de N+1..2N, es 2N+1..3N', () => {
  const N = 200;
  assert.equal(wordVocab(N), 601);
  assert.equal(langOffset('en', N), 1);
  assert.equal(wordToken(0, 'de', N), 201);
  assert.equal(wordToken(N - 1, 'es', N), 600);
  assert.deepEqual(tokenWord(201, N), { lang: 'de', index: 0 });
  assert.equal(tokenWord(0, N), null);
  assert.equal(tokenWord(601, N), null);
  assert.equal(wordText(1, N), WORDS[0]!.en);
  assert.equal(wordText(wordToken(5, 'es', N), N), WORDS[5]!.es);
  assert.equal(wordText(0, N), '<pad>');
});

// Token ids of the built-in word list: with N words in use, 0 is the pad, English words are 1..N, German
// N+1..2N and Spanish 2N+1..3N, so the model's vocabulary is 3N + 1 and translation is an offset.
import type { Lang } from '../../../grammar/src/spec.js';
import { WORD_LANGS, WORDS } from '../../../grammar/src/catalogue/words.js';

export function wordVocab(words: number): number {
  return 3 * words + 1;
}

/** First token id of a language's block. */
export function langOffset(lang: Lang, words: number): number {
  return 1 + WORD_LANGS.indexOf(lang) * words;
}

export function wordToken(index: number, lang: Lang, words: number): number {
  return langOffset(lang, words) + index;
}

/** The language and list index of a word token, or null for the pad and out-of-range ids. */
export function tokenWord(token: number, words: number): { lang: Lang; index: number } | null {
  if (!Number.isInteger(token) || token < 1 || token > 3 * words) return null;
  const block = Math.floor((token - 1) / words);
  return { lang: WORD_LANGS[block]!, index: (token - 1) % words };
}

/** The word a token stands for, for tables and attention labels ("<pad>" for 0). */
export function wordText(token: number, words: number): string {
  if (token === 0) return '<pad>';
  const w = tokenWord(token, words);
  if (!w || w.index >= WORDS.length) return `<${token}>`;
  return WORDS[w.index]![w.lang];
}

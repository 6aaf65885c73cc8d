// Token ids of the built-in word list: with N words in use, 0 is the pad, English words are 1..N, German
// N+1..2N and Spanish 2N+1..3N, so the model's vocabulary is 3N + 1 and translation is an offset.
import type { Lang } from '../../../grammar/src/spec.js';
import { tokenWord, wordLangStart, WORDS } from '../../../grammar/src/catalogue/words.js';

export { tokenWord };

export function wordVocab(words: number): number {
  return 3 * words + 1;
}

/** First token id of a language's block. */
export function langOffset(lang: Lang, words: number): number {
  return wordLangStart(lang, words);
}

export function wordToken(index: number, lang: Lang, words: number): number {
  return langOffset(lang, words) + index;
}

/** The word a token stands for, for tables and attention labels ("<pad>" for 0). */
export function wordText(token: number, words: number): string {
  if (token === 0) return '<pad>';
  const w = tokenWord(token, words);
  if (!w || w.index >= WORDS.length) return `<${token}>`;
  return WORDS[w.index]![w.lang];
}

// The built-in word list for translation tasks (`data { kind: words }`). One token per word: with N words in
// use, token 0 is the pad, English words are 1..N, German N+1..2N and Spanish 2N+1..3N (vocabulary 3N + 1).
// Every entry is a single word in each language, common enough that a reader can check it at a glance;
// German nouns keep their capital letter and no article, Spanish words keep their accents. No word occurs
// twice within one language (a test checks this, ignoring case), so each token has exactly one meaning.
// The order is fixed: `words: N` uses the first N entries, so it must never be reshuffled (stored runs and
// their hashes depend on which words a token means).

import type { Lang, TaskStep } from '../spec.js';

export interface WordEntry {
  readonly en: string;
  readonly de: string;
  readonly es: string;
}

export const WORDS: readonly WordEntry[] = [
  // nature
  { en: 'water', de: 'Wasser', es: 'agua' },
  { en: 'fire', de: 'Feuer', es: 'fuego' },
  { en: 'earth', de: 'Erde', es: 'tierra' },
  { en: 'air', de: 'Luft', es: 'aire' },
  { en: 'sun', de: 'Sonne', es: 'sol' },
  { en: 'moon', de: 'Mond', es: 'luna' },
  { en: 'star', de: 'Stern', es: 'estrella' },
  { en: 'sky', de: 'Himmel', es: 'cielo' },
  { en: 'rain', de: 'Regen', es: 'lluvia' },
  { en: 'snow', de: 'Schnee', es: 'nieve' },
  { en: 'wind', de: 'Wind', es: 'viento' },
  { en: 'cloud', de: 'Wolke', es: 'nube' },
  { en: 'tree', de: 'Baum', es: 'árbol' },
  { en: 'flower', de: 'Blume', es: 'flor' },
  { en: 'grass', de: 'Gras', es: 'hierba' },
  { en: 'leaf', de: 'Blatt', es: 'hoja' },
  { en: 'forest', de: 'Wald', es: 'bosque' },
  { en: 'mountain', de: 'Berg', es: 'montaña' },
  { en: 'river', de: 'Fluss', es: 'río' },
  { en: 'lake', de: 'See', es: 'lago' },
  { en: 'sea', de: 'Meer', es: 'mar' },
  { en: 'island', de: 'Insel', es: 'isla' },
  { en: 'stone', de: 'Stein', es: 'piedra' },
  { en: 'sand', de: 'Sand', es: 'arena' },
  { en: 'ice', de: 'Eis', es: 'hielo' },
  { en: 'light', de: 'Licht', es: 'luz' },
  { en: 'shadow', de: 'Schatten', es: 'sombra' },
  { en: 'world', de: 'Welt', es: 'mundo' },
  // places and buildings
  { en: 'house', de: 'Haus', es: 'casa' },
  { en: 'door', de: 'Tür', es: 'puerta' },
  { en: 'window', de: 'Fenster', es: 'ventana' },
  { en: 'table', de: 'Tisch', es: 'mesa' },
  { en: 'chair', de: 'Stuhl', es: 'silla' },
  { en: 'bed', de: 'Bett', es: 'cama' },
  { en: 'kitchen', de: 'Küche', es: 'cocina' },
  { en: 'garden', de: 'Garten', es: 'jardín' },
  { en: 'street', de: 'Straße', es: 'calle' },
  { en: 'city', de: 'Stadt', es: 'ciudad' },
  { en: 'village', de: 'Dorf', es: 'pueblo' },
  { en: 'country', de: 'Land', es: 'país' },
  { en: 'school', de: 'Schule', es: 'escuela' },
  { en: 'church', de: 'Kirche', es: 'iglesia' },
  { en: 'bridge', de: 'Brücke', es: 'puente' },
  { en: 'tower', de: 'Turm', es: 'torre' },
  { en: 'wall', de: 'Wand', es: 'pared' },
  { en: 'roof', de: 'Dach', es: 'tejado' },
  // things
  { en: 'key', de: 'Schlüssel', es: 'llave' },
  { en: 'book', de: 'Buch', es: 'libro' },
  { en: 'letter', de: 'Brief', es: 'carta' },
  { en: 'paper', de: 'Papier', es: 'papel' },
  { en: 'pencil', de: 'Bleistift', es: 'lápiz' },
  { en: 'clock', de: 'Uhr', es: 'reloj' },
  { en: 'money', de: 'Geld', es: 'dinero' },
  { en: 'car', de: 'Auto', es: 'coche' },
  { en: 'train', de: 'Zug', es: 'tren' },
  { en: 'ship', de: 'Schiff', es: 'barco' },
  { en: 'boat', de: 'Boot', es: 'bote' },
  { en: 'bicycle', de: 'Fahrrad', es: 'bicicleta' },
  { en: 'ball', de: 'Ball', es: 'pelota' },
  { en: 'shoe', de: 'Schuh', es: 'zapato' },
  { en: 'shirt', de: 'Hemd', es: 'camisa' },
  { en: 'hat', de: 'Hut', es: 'sombrero' },
  { en: 'dress', de: 'Kleid', es: 'vestido' },
  { en: 'bag', de: 'Tasche', es: 'bolsa' },
  { en: 'cup', de: 'Tasse', es: 'taza' },
  { en: 'glass', de: 'Glas', es: 'vaso' },
  { en: 'plate', de: 'Teller', es: 'plato' },
  { en: 'knife', de: 'Messer', es: 'cuchillo' },
  { en: 'spoon', de: 'Löffel', es: 'cuchara' },
  { en: 'fork', de: 'Gabel', es: 'tenedor' },
  { en: 'box', de: 'Kiste', es: 'caja' },
  { en: 'gold', de: 'Gold', es: 'oro' },
  { en: 'silver', de: 'Silber', es: 'plata' },
  { en: 'iron', de: 'Eisen', es: 'hierro' },
  { en: 'wood', de: 'Holz', es: 'madera' },
  { en: 'oil', de: 'Öl', es: 'aceite' },
  // food and drink
  { en: 'bread', de: 'Brot', es: 'pan' },
  { en: 'milk', de: 'Milch', es: 'leche' },
  { en: 'cheese', de: 'Käse', es: 'queso' },
  { en: 'egg', de: 'Ei', es: 'huevo' },
  { en: 'meat', de: 'Fleisch', es: 'carne' },
  { en: 'apple', de: 'Apfel', es: 'manzana' },
  { en: 'salt', de: 'Salz', es: 'sal' },
  { en: 'sugar', de: 'Zucker', es: 'azúcar' },
  { en: 'wine', de: 'Wein', es: 'vino' },
  { en: 'beer', de: 'Bier', es: 'cerveza' },
  { en: 'coffee', de: 'Kaffee', es: 'café' },
  { en: 'tea', de: 'Tee', es: 'té' },
  { en: 'soup', de: 'Suppe', es: 'sopa' },
  { en: 'butter', de: 'Butter', es: 'mantequilla' },
  { en: 'rice', de: 'Reis', es: 'arroz' },
  // animals
  { en: 'dog', de: 'Hund', es: 'perro' },
  { en: 'cat', de: 'Katze', es: 'gato' },
  { en: 'horse', de: 'Pferd', es: 'caballo' },
  { en: 'cow', de: 'Kuh', es: 'vaca' },
  { en: 'pig', de: 'Schwein', es: 'cerdo' },
  { en: 'bird', de: 'Vogel', es: 'pájaro' },
  { en: 'fish', de: 'Fisch', es: 'pez' },
  { en: 'mouse', de: 'Maus', es: 'ratón' },
  { en: 'bear', de: 'Bär', es: 'oso' },
  { en: 'wolf', de: 'Wolf', es: 'lobo' },
  { en: 'fox', de: 'Fuchs', es: 'zorro' },
  { en: 'sheep', de: 'Schaf', es: 'oveja' },
  { en: 'goat', de: 'Ziege', es: 'cabra' },
  { en: 'duck', de: 'Ente', es: 'pato' },
  { en: 'chicken', de: 'Huhn', es: 'pollo' },
  { en: 'snake', de: 'Schlange', es: 'serpiente' },
  { en: 'bee', de: 'Biene', es: 'abeja' },
  { en: 'frog', de: 'Frosch', es: 'rana' },
  { en: 'lion', de: 'Löwe', es: 'león' },
  // people
  { en: 'man', de: 'Mann', es: 'hombre' },
  { en: 'woman', de: 'Frau', es: 'mujer' },
  { en: 'child', de: 'Kind', es: 'niño' },
  { en: 'boy', de: 'Junge', es: 'chico' },
  { en: 'girl', de: 'Mädchen', es: 'chica' },
  { en: 'mother', de: 'Mutter', es: 'madre' },
  { en: 'father', de: 'Vater', es: 'padre' },
  { en: 'brother', de: 'Bruder', es: 'hermano' },
  { en: 'sister', de: 'Schwester', es: 'hermana' },
  { en: 'son', de: 'Sohn', es: 'hijo' },
  { en: 'daughter', de: 'Tochter', es: 'hija' },
  { en: 'friend', de: 'Freund', es: 'amigo' },
  { en: 'king', de: 'König', es: 'rey' },
  { en: 'queen', de: 'Königin', es: 'reina' },
  { en: 'doctor', de: 'Arzt', es: 'médico' },
  { en: 'teacher', de: 'Lehrer', es: 'profesor' },
  // the body
  { en: 'head', de: 'Kopf', es: 'cabeza' },
  { en: 'hand', de: 'Hand', es: 'mano' },
  { en: 'foot', de: 'Fuß', es: 'pie' },
  { en: 'eye', de: 'Auge', es: 'ojo' },
  { en: 'ear', de: 'Ohr', es: 'oreja' },
  { en: 'nose', de: 'Nase', es: 'nariz' },
  { en: 'mouth', de: 'Mund', es: 'boca' },
  { en: 'tooth', de: 'Zahn', es: 'diente' },
  { en: 'heart', de: 'Herz', es: 'corazón' },
  { en: 'blood', de: 'Blut', es: 'sangre' },
  { en: 'bone', de: 'Knochen', es: 'hueso' },
  { en: 'arm', de: 'Arm', es: 'brazo' },
  { en: 'leg', de: 'Bein', es: 'pierna' },
  { en: 'hair', de: 'Haar', es: 'pelo' },
  // time
  { en: 'day', de: 'Tag', es: 'día' },
  { en: 'night', de: 'Nacht', es: 'noche' },
  { en: 'morning', de: 'Morgen', es: 'mañana' },
  { en: 'afternoon', de: 'Nachmittag', es: 'tarde' },
  { en: 'week', de: 'Woche', es: 'semana' },
  { en: 'month', de: 'Monat', es: 'mes' },
  { en: 'year', de: 'Jahr', es: 'año' },
  { en: 'hour', de: 'Stunde', es: 'hora' },
  { en: 'time', de: 'Zeit', es: 'tiempo' },
  { en: 'summer', de: 'Sommer', es: 'verano' },
  { en: 'winter', de: 'Winter', es: 'invierno' },
  { en: 'spring', de: 'Frühling', es: 'primavera' },
  { en: 'autumn', de: 'Herbst', es: 'otoño' },
  // abstract
  { en: 'game', de: 'Spiel', es: 'juego' },
  { en: 'song', de: 'Lied', es: 'canción' },
  { en: 'music', de: 'Musik', es: 'música' },
  { en: 'word', de: 'Wort', es: 'palabra' },
  { en: 'name', de: 'Name', es: 'nombre' },
  { en: 'color', de: 'Farbe', es: 'color' },
  { en: 'number', de: 'Zahl', es: 'número' },
  { en: 'life', de: 'Leben', es: 'vida' },
  { en: 'death', de: 'Tod', es: 'muerte' },
  { en: 'love', de: 'Liebe', es: 'amor' },
  { en: 'war', de: 'Krieg', es: 'guerra' },
  { en: 'peace', de: 'Frieden', es: 'paz' },
  { en: 'question', de: 'Frage', es: 'pregunta' },
  { en: 'answer', de: 'Antwort', es: 'respuesta' },
  { en: 'work', de: 'Arbeit', es: 'trabajo' },
  { en: 'story', de: 'Geschichte', es: 'historia' },
  { en: 'language', de: 'Sprache', es: 'idioma' },
  { en: 'dream', de: 'Traum', es: 'sueño' },
  { en: 'idea', de: 'Idee', es: 'idea' },
  // adjectives
  { en: 'big', de: 'groß', es: 'grande' },
  { en: 'small', de: 'klein', es: 'pequeño' },
  { en: 'old', de: 'alt', es: 'viejo' },
  { en: 'new', de: 'neu', es: 'nuevo' },
  { en: 'young', de: 'jung', es: 'joven' },
  { en: 'good', de: 'gut', es: 'bueno' },
  { en: 'bad', de: 'schlecht', es: 'malo' },
  { en: 'hot', de: 'heiß', es: 'caliente' },
  { en: 'cold', de: 'kalt', es: 'frío' },
  { en: 'long', de: 'lang', es: 'largo' },
  { en: 'short', de: 'kurz', es: 'corto' },
  { en: 'fast', de: 'schnell', es: 'rápido' },
  { en: 'slow', de: 'langsam', es: 'lento' },
  { en: 'happy', de: 'glücklich', es: 'feliz' },
  { en: 'sad', de: 'traurig', es: 'triste' },
  { en: 'rich', de: 'reich', es: 'rico' },
  { en: 'strong', de: 'stark', es: 'fuerte' },
  { en: 'weak', de: 'schwach', es: 'débil' },
  { en: 'easy', de: 'leicht', es: 'fácil' },
  { en: 'difficult', de: 'schwierig', es: 'difícil' },
  { en: 'heavy', de: 'schwer', es: 'pesado' },
  { en: 'dark', de: 'dunkel', es: 'oscuro' },
  { en: 'clean', de: 'sauber', es: 'limpio' },
  { en: 'dirty', de: 'schmutzig', es: 'sucio' },
  { en: 'full', de: 'voll', es: 'lleno' },
  { en: 'empty', de: 'leer', es: 'vacío' },
  { en: 'open', de: 'offen', es: 'abierto' },
  { en: 'high', de: 'hoch', es: 'alto' },
  { en: 'low', de: 'niedrig', es: 'bajo' },
  { en: 'red', de: 'rot', es: 'rojo' },
  { en: 'blue', de: 'blau', es: 'azul' },
  { en: 'green', de: 'grün', es: 'verde' },
  { en: 'yellow', de: 'gelb', es: 'amarillo' },
  { en: 'black', de: 'schwarz', es: 'negro' },
  { en: 'white', de: 'weiß', es: 'blanco' },
  { en: 'brown', de: 'braun', es: 'marrón' },
  // verbs (infinitives)
  { en: 'eat', de: 'essen', es: 'comer' },
  { en: 'drink', de: 'trinken', es: 'beber' },
  { en: 'sleep', de: 'schlafen', es: 'dormir' },
  { en: 'run', de: 'rennen', es: 'correr' },
  { en: 'walk', de: 'gehen', es: 'caminar' },
  { en: 'swim', de: 'schwimmen', es: 'nadar' },
  { en: 'fly', de: 'fliegen', es: 'volar' },
  { en: 'sing', de: 'singen', es: 'cantar' },
  { en: 'dance', de: 'tanzen', es: 'bailar' },
  { en: 'read', de: 'lesen', es: 'leer' },
  { en: 'write', de: 'schreiben', es: 'escribir' },
  { en: 'speak', de: 'sprechen', es: 'hablar' },
  { en: 'hear', de: 'hören', es: 'oír' },
  { en: 'see', de: 'sehen', es: 'ver' },
  { en: 'give', de: 'geben', es: 'dar' },
  { en: 'take', de: 'nehmen', es: 'tomar' },
  { en: 'buy', de: 'kaufen', es: 'comprar' },
  { en: 'sell', de: 'verkaufen', es: 'vender' },
  { en: 'learn', de: 'lernen', es: 'aprender' },
  { en: 'play', de: 'spielen', es: 'jugar' },
  { en: 'cook', de: 'kochen', es: 'cocinar' },
  { en: 'think', de: 'denken', es: 'pensar' },
  { en: 'laugh', de: 'lachen', es: 'reír' },
  { en: 'cry', de: 'weinen', es: 'llorar' },
  { en: 'help', de: 'helfen', es: 'ayudar' },
  { en: 'find', de: 'finden', es: 'encontrar' },
  { en: 'wait', de: 'warten', es: 'esperar' },
  { en: 'come', de: 'kommen', es: 'venir' },
  { en: 'know', de: 'wissen', es: 'saber' },
  { en: 'build', de: 'bauen', es: 'construir' },
  { en: 'close', de: 'schließen', es: 'cerrar' },
  // numbers
  { en: 'one', de: 'eins', es: 'uno' },
  { en: 'two', de: 'zwei', es: 'dos' },
  { en: 'three', de: 'drei', es: 'tres' },
  { en: 'four', de: 'vier', es: 'cuatro' },
  { en: 'five', de: 'fünf', es: 'cinco' },
  { en: 'six', de: 'sechs', es: 'seis' },
  { en: 'seven', de: 'sieben', es: 'siete' },
  { en: 'eight', de: 'acht', es: 'ocho' },
  { en: 'nine', de: 'neun', es: 'nueve' },
  { en: 'ten', de: 'zehn', es: 'diez' },
];

/** The languages in token order: with N words, language i holds tokens i·N + 1 .. (i + 1)·N. */
export const WORD_LANGS: readonly Lang[] = ['en', 'de', 'es'];

/** Inclusive range of the token ids of one language's words when `words` words are in use. */
export function wordLangRange(lang: Lang, words: number): [number, number] {
  const lo = wordLangStart(lang, words);
  return [lo, lo + words - 1];
}

/** The first token of `lang`'s words (wordLangRange without the pair, for checks that run per run). */
export function wordLangStart(lang: Lang, words: number): number {
  return 1 + WORD_LANGS.indexOf(lang) * words;
}

/** The language and list index of a word token, or null for the pad and out-of-range ids. */
export function tokenWord(token: number, words: number): { lang: Lang; index: number } | null {
  if (!Number.isInteger(token) || token < 1 || token > 3 * words) return null;
  const block = Math.floor((token - 1) / words);
  return { lang: WORD_LANGS[block]!, index: (token - 1) % words };
}

/**
 * The language of a task's inputs on word data: the source language of its first `translate` step, since
 * copy and reverse keep the language of what they receive; English when the task has no translate step.
 * The analysis checks tasks against it and the runtime draws each example's input in it, so a mixture such
 * as [translate(en, de), translate(es, es)] sees English inputs for the first task and Spanish for the second.
 */
export function taskInputLang(steps: readonly TaskStep[]): Lang {
  for (const s of steps) if (s.kind === 'translate') return s.from;
  return 'en';
}

/** The language of a task's outputs on word data: the target of its last `translate`, else its input language. */
export function taskOutputLang(steps: readonly TaskStep[]): Lang {
  let lang = taskInputLang(steps);
  for (const s of steps) if (s.kind === 'translate') lang = s.to;
  return lang;
}

// Checks a request's params before any feature sees them. A client may send anything (`params: null`, a
// uri that is a number, a position without a line); the answer to malformed params is an InvalidParams
// error that says what is wrong, never the text of an exception inside a feature.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

/** What each request needs besides `textDocument.uri`, as `field: kind` pairs. */
const SHAPES: Record<string, Record<string, Kind>> = {
  'textDocument/completion': { position: 'position' },
  'textDocument/hover': { position: 'position' },
  'textDocument/signatureHelp': { position: 'position' },
  'textDocument/definition': { position: 'position' },
  'textDocument/references': { position: 'position', context: 'object' },
  'textDocument/documentHighlight': { position: 'position' },
  'textDocument/prepareRename': { position: 'position' },
  'textDocument/rename': { position: 'position', newName: 'string' },
  'textDocument/documentSymbol': {},
  'textDocument/foldingRange': {},
  'textDocument/semanticTokens/full': {},
  'textDocument/formatting': { options: 'object' },
  'textDocument/codeAction': { range: 'range', context: 'object' },
  'textDocument/inlayHint': { range: 'range' },
  'textDocument/codeLens': {},
};

type Kind = 'position' | 'range' | 'object' | 'string';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPosition = (v: unknown): boolean => isObject(v) && isCount(v.line) && isCount(v.character);

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'position':
      return isPosition(v);
    case 'range':
      return isObject(v) && isPosition(v.start) && isPosition(v.end);
    case 'object':
      return isObject(v);
    case 'string':
      return typeof v === 'string';
  }
}

/** The document a request is about; throws InvalidParams when the params do not have the request's shape. */
export function checkParams(method: string, params: unknown): string {
  const bad = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, `${method}: ${what}`);
  if (!isObject(params)) throw bad('params must be an object');
  const doc = params.textDocument;
  if (!isObject(doc) || typeof doc.uri !== 'string') throw bad('params.textDocument.uri must be a string');
  for (const [field, kind] of Object.entries(SHAPES[method] ?? {})) {
    if (!fits(params[field], kind)) throw bad(`params.${field} must be a ${kind === 'object' ? 'JSON object' : kind}`);
  }
  if (method === 'textDocument/formatting') {
    const o = params.options as Record<string, unknown>;
    if (typeof o.tabSize !== 'number' || typeof o.insertSpaces !== 'boolean') throw bad('params.options needs tabSize (number) and insertSpaces (boolean)');
  }
  return doc.uri;
}

/** The methods the router serves (every request a feature handles). */
export const REQUEST_METHODS = Object.keys(SHAPES);

/**
 * Whether a text-sync notification has the shape the document store needs. Malformed ones are ignored
 * with a line in the log saying what was wrong (a notification has no answer to carry an error).
 */
export function notificationProblem(method: string, params: unknown): string | undefined {
  if (!isObject(params)) return 'params must be an object';
  const doc = params.textDocument;
  if (!isObject(doc) || typeof doc.uri !== 'string') return 'params.textDocument.uri must be a string';
  if (method === 'textDocument/didOpen') {
    if (typeof doc.text !== 'string' || !Number.isInteger(doc.version) || typeof doc.languageId !== 'string') return 'params.textDocument needs languageId, version and text';
  }
  if (method === 'textDocument/didChange') {
    if (!Number.isInteger(doc.version)) return 'params.textDocument.version must be an integer';
    const changes = params.contentChanges;
    if (!Array.isArray(changes) || !changes.every((c) => isObject(c) && typeof c.text === 'string' && (c.range === undefined || fits(c.range, 'range')))) {
      return 'params.contentChanges must be a list of {text, range?}';
    }
  }
  return undefined;
}

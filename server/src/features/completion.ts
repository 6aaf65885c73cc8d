// Completion that knows where the cursor is (grammar/src/services/completionContext.ts decides): block
// keywords between blocks, the keys a block accepts and does not have yet, enum values, task primitives,
// methods and optimizers as snippets with their main parameters, and declared names where a reference goes.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
} from 'vscode-languageserver/node';
import { BLOCKS, METHODS, OPTIMIZERS, PRIMITIVES, describeType, formatDefault, type FunctionDef, type ParamDef } from '../../../grammar/src/index.js';
import { completionSite, type ExpectedValue } from '../../../grammar/src/services/completionContext.js';
import { matchesExpected, type ExpectedKind } from '../../../grammar/src/services/symbols.js';
import type { ServerContext } from '../context.js';
import type { Snapshot } from '../documentStore.js';
import { safe } from '../safe.js';
import { BLOCK_SNIPPETS } from './blockSnippets.js';

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

export function paramDoc(p: ParamDef): string {
  const def = formatDefault(p.default);
  return `${p.doc}\n\n*Type:* ${describeType(p.type)}${def !== undefined ? `  \n*Default:* \`${def}\`` : p.required ? '  \n*Required.*' : ''}`;
}

export function functionSignature(f: FunctionDef): string {
  if (f.params.length === 0) return f.name;
  return `${f.name}(${f.params.map((p) => `${p.name}${p.default !== undefined ? ` = ${formatDefault(p.default)}` : ''}`).join(', ')})`;
}

export function functionDoc(f: FunctionDef): string {
  const lines = [`\`\`\`ptx\n${functionSignature(f)}\n\`\`\``, f.doc];
  if (f.params.length) {
    lines.push(f.params.map((p) => `- \`${p.name}\`: ${p.doc} (${describeType(p.type)}${p.default !== undefined ? `, default \`${formatDefault(p.default)}\`` : ''})`).join('\n'));
  }
  return lines.join('\n\n');
}

/** Snippet for a call: primitives with one parameter take it positionally, others by name. */
function callSnippet(f: FunctionDef, snippets: boolean): { text: string; snippet: boolean } {
  const main = f.params.filter((p) => p.name !== 'lr' && p.name !== 'steps' && typeof p.default !== 'object');
  if (f.category === 'method' && f.name === 'full') return { text: 'full', snippet: false };
  if (main.length === 0) return { text: f.name, snippet: false };
  const used = f.category === 'primitive' ? main : main.slice(0, 1);
  const positional = f.category === 'primitive' && used.length === 1;
  const parts = used.map((p, i) => {
    const value = p.type.kind === 'enum' ? (snippets ? `\${${i + 1}|${p.type.values.join(',')}|}` : String(p.default ?? p.type.values[0])) : snippets ? `\${${i + 1}:${formatDefault(p.default) ?? ''}}` : (formatDefault(p.default) ?? '');
    return positional ? value : `${p.name}: ${value}`;
  });
  return { text: `${f.name}(${parts.join(', ')})`, snippet: snippets };
}

function functionItems(fns: readonly FunctionDef[], kind: CompletionItemKind, snippets: boolean): CompletionItem[] {
  return fns.map((f, i) => {
    const s = callSnippet(f, snippets);
    return {
      label: f.name,
      kind,
      detail: functionSignature(f),
      documentation: { kind: MarkupKind.Markdown, value: functionDoc(f) },
      insertText: s.text,
      insertTextFormat: s.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: `1${String(i).padStart(2, '0')}`,
    };
  });
}

function nameItems(snap: Snapshot, expected: ExpectedKind, exclude: string | undefined): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const d of snap.declarations.declarations.values()) {
    if (!matchesExpected(d.kind, expected) || d.name === exclude) continue;
    out.push({
      label: d.name,
      kind: d.kind === 'task' ? CompletionItemKind.Function : d.kind === 'model' || d.kind === 'data' ? CompletionItemKind.Struct : CompletionItemKind.Variable,
      detail: `${d.kind} ${d.name}`,
      documentation: { kind: MarkupKind.Markdown, value: '```ptx\n' + snap.text.slice(snap.lines.offsetAt(d.block.range.start), snap.lines.offsetAt(d.block.range.end)).slice(0, 600) + '\n```' },
      sortText: `0${d.name}`,
    });
  }
  return out;
}

function valueItems(snap: Snapshot, expected: ExpectedValue, inList: boolean, snippets: boolean, exclude: string | undefined, owner: ParamDef | null = null): CompletionItem[] {
  const ownerDoc = owner ? { documentation: { kind: MarkupKind.Markdown, value: `Value of **${owner.name}**: ${paramDoc(owner)}` } } : {};
  switch (expected.kind) {
    case 'enum':
      return expected.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, detail: `${owner ? `${owner.name}: ` : ''}${expected.values.join(' | ')}`, ...ownerDoc }));
    case 'bool':
      return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Keyword, ...ownerDoc }));
    case 'ref':
      return nameItems(snap, expected.target, exclude);
    case 'runs':
      return nameItems(snap, 'run', exclude);
    case 'task':
      return [...nameItems(snap, 'task', exclude), ...functionItems(PRIMITIVES, CompletionItemKind.Function, snippets)];
    case 'method':
      return functionItems(METHODS, CompletionItemKind.Method, snippets);
    case 'optimizer':
      return functionItems(OPTIMIZERS, CompletionItemKind.Function, snippets);
    case 'list':
      if (inList) return valueItems(snap, expected.of, true, snippets, exclude, owner);
      return [
        {
          label: '[…]',
          kind: CompletionItemKind.Snippet,
          detail: describeType(expected),
          insertText: snippets ? '[$0]' : '[]',
          insertTextFormat: snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          command: snippets ? RETRIGGER : undefined,
        },
      ];
    default:
      return [];
  }
}

function defaultItem(owner: ParamDef | null): CompletionItem[] {
  const d = owner ? formatDefault(owner.default) : undefined;
  // Only for free-form values: enum and bool defaults are already among the offered values.
  if (!owner || d === undefined || typeof owner.default === 'object' || !['int', 'number', 'range'].includes(owner.type.kind)) return [];
  return [{ label: d, kind: CompletionItemKind.Value, detail: `default of ${owner.name}`, documentation: { kind: MarkupKind.Markdown, value: paramDoc(owner) } }];
}

export function completionItems(snap: Snapshot, offset: number, snippets: boolean): CompletionItem[] {
  const site = completionSite(snap.text, offset, snap.ast, snap.lines);
  const c = site.context;
  const currentBlock = snap.ast.blocks.find((b) => {
    const s = snap.lines.offsetAt(b.range.start);
    return s <= offset && offset <= snap.lines.offsetAt(b.range.end) + 1;
  });
  const exclude = currentBlock?.name?.text;
  switch (c.kind) {
    case 'top': {
      // One item per block keyword: the whole block as a snippet when the client takes snippets (only here,
      // where a block can start), else the keyword.
      const items: CompletionItem[] = BLOCKS.map((b, i) => {
        const snippet = snippets ? BLOCK_SNIPPETS[b.keyword] : undefined;
        return {
          label: b.keyword,
          kind: snippet ? CompletionItemKind.Snippet : CompletionItemKind.Keyword,
          detail: snippet ? `${snippet.description} (block)` : b.synopsis,
          documentation: { kind: MarkupKind.Markdown, value: `${b.doc}\n\n\`\`\`ptx\n${b.synopsis}\n\`\`\`` },
          insertText: snippet ? snippet.body.replace(/\t/g, '  ') : `${b.keyword} `,
          insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          sortText: `0${i}`,
        };
      });
      if (c.allowThen) items.unshift({ label: 'then', kind: CompletionItemKind.Keyword, detail: 'compose with another task step', insertText: 'then ' });
      return items;
    }
    case 'header':
      if (c.slot === 'from-keyword') return [{ label: 'from', kind: CompletionItemKind.Keyword, insertText: 'from ' }];
      if (c.slot === 'on-keyword') return [{ label: 'on', kind: CompletionItemKind.Keyword, insertText: 'on ' }];
      return [];
    case 'key': {
      const def = BLOCKS.find((b) => b.keyword === c.block);
      const items: CompletionItem[] = (def?.keys ?? [])
        .filter((k) => !c.present.includes(k.name))
        .map((k, i) => ({
          label: k.name,
          kind: CompletionItemKind.Property,
          detail: `${k.name}: ${describeType(k.type)}${k.required ? ' (required)' : ''}`,
          documentation: { kind: MarkupKind.Markdown, value: paramDoc(k) },
          insertText: `${k.name}: `,
          sortText: `${k.required ? 0 : 1}${String(i).padStart(2, '0')}`,
          command: RETRIGGER,
        }));
      if (c.afterValue?.kind === 'task') items.unshift({ label: 'then', kind: CompletionItemKind.Keyword, insertText: 'then ' });
      return items;
    }
    case 'value':
      return [...valueItems(snap, c.expected, c.inList, snippets, exclude, c.owner), ...defaultItem(c.owner)];
    case 'argument': {
      const items: CompletionItem[] = c.fn.params
        .filter((p) => !c.present.includes(p.name))
        .map((p, i) => ({
          label: p.name,
          kind: CompletionItemKind.Field,
          detail: `${p.name}: ${describeType(p.type)}`,
          documentation: { kind: MarkupKind.Markdown, value: paramDoc(p) },
          insertText: `${p.name}: `,
          sortText: `1${i}`,
          command: RETRIGGER,
        }));
      if (c.positional) items.unshift(...valueItems(snap, c.positional.type, false, snippets, exclude, c.positional).map((x) => ({ ...x, sortText: `0${x.label}` })));
      return items;
    }
    case 'none':
      return [];
  }
}

export function registerCompletion(ctx: ServerContext, snippetSupport: () => boolean): void {
  ctx.connection.onCompletion(
    safe(ctx.connection, 'completion', null, (params: CompletionParams): CompletionList | null => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return null;
      const offset = snap.lines.offsetAt(params.position);
      return { isIncomplete: false, items: completionItems(snap, offset, snippetSupport()) };
    }),
  );
}

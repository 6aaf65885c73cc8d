// The language's public surface: everything the server, the runtime and the CLI need.
export { analyse, type Analysis, type MethodInfo } from './analysis/analyse.js';
export type { Diagnostic, DiagnosticCode, Fix, Severity, TextEdit } from './analysis/diagnostics.js';
export { DIAGNOSTIC_CODES } from './analysis/diagnostics.js';
export type { Reference, RefKind } from './analysis/context.js';
export { suggest, editDistance } from './analysis/suggest.js';
export { methodText } from './analysis/values.js';
export { parse, type ParseResult, type SyntaxProblem } from './syntax/parse.js';
export type * from './syntax/ast.js';
export * from './spec.js';
export * from './params.js';
export { BLOCKS, findBlock, findKey } from './catalogue/blocks.js';
export { PRIMITIVES, METHODS, OPTIMIZERS, ALL_FUNCTIONS, findFunction } from './catalogue/functions.js';
export { describeType, formatDefault } from './catalogue/types.js';
export type { BlockDef, BlockKeyword, FunctionDef, ParamDef, ValueType, DefaultValue } from './catalogue/types.js';
export { WORDS, type WordEntry } from './catalogue/words.js';
export { taskSkills, skillGap, stepSkills, type Skill } from './theory/skills.js';
export { applyStep, applyTask, type TaskContext } from './tasks/apply.js';
export { sameTask, simplerForm, stepsText, type SimplerForm } from './tasks/forms.js';

import { analyse } from './analysis/analyse.js';
/** `analyseText(text)`: the entry point named in the project's contracts; same as `analyse`. */
export const analyseText = analyse;

// The paper's experiments as the reproduction runs them: one spec per experiment in examples/paper/ (and
// a smaller one in examples/paper/quick/ for `--quick`), the paper's number for each row, the conclusion
// the issue asks to hold (a threshold on the mean exact match over seeds) and, for the quick run, the
// direction of that conclusion (a comparison that must come out the same way at any scale).

/** Which stored results a row means: the runs of one compare method (all seeds) or one named run. */
export interface RowSelector {
  /** A compare block's name; with `method`, the runs `<compare>/<method...>/seed<s>`. */
  compare?: string;
  /** The method kind inside the compare (full, lora, prefix, soft_prompt, prompt). */
  method?: string;
  /** A named run (pretrain or finetune) instead of a compare group. */
  run?: string;
  /** The task the row is evaluated on. */
  task: string;
}

export interface Claim {
  op: '>=' | '<=';
  /** Exact-match threshold, 0..1. */
  value: number;
}

export interface PaperRow {
  id: string;
  label: string;
  select: RowSelector;
  /** The paper's number as printed, or null when the paper has no such row (our extra). */
  paper: string | null;
  /** The conclusion for this row (mean exact match over seeds), if any. */
  claim: Claim | null;
}

/** A comparison between two rows' means that must hold even in the quick run. */
export interface Direction {
  text: string;
  /** Row ids: mean(higher) must exceed mean(lower) by at least `margin`. */
  higher: string;
  lower: string;
  margin: number;
}

export interface Experiment {
  id: string;
  title: string;
  spec: string;
  quickSpec: string;
  rows: PaperRow[];
  directions: Direction[];
}

const ge = (value: number): Claim => ({ op: '>=', value });
const le = (value: number): Claim => ({ op: '<=', value });

export const EXPERIMENTS: Experiment[] = [
  {
    id: 'sort-descending',
    title: 'Sort ascending → descending (Figure 1)',
    spec: 'examples/paper/sort-descending.ptx',
    quickSpec: 'examples/paper/quick/sort-descending.ptx',
    rows: [
      { id: 'base-asc', label: 'pretrained on ascending, tested on ascending', select: { run: 'base', task: 'asc' }, paper: null, claim: null },
      { id: 'base-desc', label: 'pretrained on ascending, tested on descending', select: { run: 'base', task: 'desc' }, paper: null, claim: null },
      { id: 'desc-full', label: 'descending by full fine-tuning', select: { compare: 'desc_methods', method: 'full', task: 'desc' }, paper: '84.9%', claim: ge(0.8) },
      { id: 'desc-lora', label: 'descending by rank-1 LoRA (prefix budget)', select: { compare: 'desc_methods', method: 'lora', task: 'desc' }, paper: null, claim: null },
      { id: 'desc-prefix', label: 'descending by prefix', select: { compare: 'desc_methods', method: 'prefix', task: 'desc' }, paper: '0.0%', claim: le(0.1) },
    ],
    directions: [
      { text: 'full fine-tuning learns descending, the prefix does not', higher: 'desc-full', lower: 'desc-prefix', margin: 0.3 },
      { text: 'LoRA with the prefix’s budget learns descending, the prefix does not', higher: 'desc-lora', lower: 'desc-prefix', margin: 0.3 },
    ],
  },
];

/** Figure 1 of the paper: the sort experiment's probe attention before and after tuning. */
export const FIGURE1 = {
  experiment: 'sort-descending',
  panels: [
    { file: 'figure1-pretrained.svg', title: 'Pretrained on ascending (probe, ascending output)', run: 'base', task: 'asc' },
    { file: 'figure1-full.svg', title: 'Fully fine-tuned for descending', run: 'desc_methods/full/seed0', task: 'desc' },
    { file: 'figure1-prefix.svg', title: 'Prefix-tuned for descending', run: 'desc_methods/prefix(length: 8)/seed0', task: 'desc' },
  ],
};

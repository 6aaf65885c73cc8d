// The generated spec the parse benchmark measures (and profiling scripts reuse).

/** A realistic spec: every block kind, references between them, comments; `n` repetitions with unique names. */
export function generateSpec(targetChars: number): string {
  const parts: string[] = ['// generated benchmark spec\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < targetChars; i++) {
    const chunk = `// group ${i}
data digits_${i} { values: 0..7  length: 10  vocab: 11  test: 0.2  repeats: true }
model m_${i} { layers: 2  heads: 2  width: 64  mlp: 256  dropout: 0.1  context: 40  norm: pre }
task asc_${i} = sort(ascending)
task desc_${i} = sort(descending)
task sai_${i} = sort(ascending) then add(1)
pretrain base_${i} {
  model: m_${i}  data: digits_${i}  tasks: [asc_${i}, add(1), add(2)]
  steps: 2000  batch: 64  seed: ${i}
  optimizer: adamw(lr: 5e-4, weight_decay: 0.1)
  reserve: 12
}
finetune full_${i} from base_${i} on desc_${i} { method: full  steps: 1000 }
finetune prefix_${i} from base_${i} on desc_${i} { method: prefix(length: 12)  steps: 1000 }
compare cmp_${i} from base_${i} on sai_${i} {
  methods: [full, lora(rank: 1), prefix(length: 12, lr: 1e-2)]
  seeds: [0, 1, 2]
}
evaluate ev_${i} [base_${i}, full_${i}] on [asc_${i}, desc_${i}] { samples: 100  probe: [2, 6, 0, 1, 4, 6, 3, 0, 1, 2] }
`;
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join('');
}

// Whole-block snippets, offered by completion only where a block can start (between blocks); inside a
// block, a list or a call the keys, values and arguments are offered instead. They were static VS Code
// snippets, which the editor offers everywhere and next to the server's keywords (each keyword twice).

/** Snippet bodies (LSP snippet syntax) by block keyword. */
export const BLOCK_SNIPPETS: Record<string, { description: string; body: string }> = {
  data: { description: "Digit sequences: input range, length and vocabulary", body: "data ${1:digits} {\n\tvalues: ${2:0..7}\n\tlength: ${3:10}\n\tvocab: ${4:10}\n}\n$0" },
  model: { description: "A minGPT transformer", body: "model ${1:tiny} {\n\tlayers: ${2:1}\n\theads: ${3:1}\n\twidth: ${4:96}\n\tdropout: ${5:0.1}\n}\n$0" },
  task: { description: "A named task built from primitives", body: "task ${1:name} = ${2|sort(ascending),sort(descending),add(1),histogram,copy,reverse|}\n$0" },
  pretrain: { description: "Train a model from scratch on a mix of tasks", body: "pretrain ${1:base} {\n\tmodel: ${2:tiny}\n\tdata: ${3:digits}\n\ttasks: [${4:asc}]\n\tsteps: ${5:2000}\n\toptimizer: adamw(lr: ${6:5e-4})\n\treserve: ${7:1}\n}\n$0" },
  finetune: { description: "Tune a trained run for a task with one method", body: "finetune ${1:name} from ${2:base} on ${3:task} {\n\tmethod: ${4|full,lora(rank: 1),prefix(length: 1),soft_prompt(length: 1),prompt(length: 1)|}\n\tsteps: ${5:1000}\n}\n$0" },
  compare: { description: "Several methods from one run on one task, as one table", body: "compare ${1:name} from ${2:base} on ${3:task} {\n\tmethods: [full, lora(rank: 1), prefix(length: 1)]\n\tseeds: [${4:0}]\n}\n$0" },
  evaluate: { description: "Evaluate runs on tasks and record attention on a probe input", body: "evaluate [${1:base}] on [${2:task}] {\n\tsamples: ${3:3200}\n}\n$0" },
};

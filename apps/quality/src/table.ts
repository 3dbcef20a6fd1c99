// results.md: our perplexities per configuration, with the paper's beside them (for shape, not level).
import { PAPER_130M, PAPER_TABLE_2 } from './paper';
import type { QualityResults } from './results-schema';
import type { Spread } from './summary';

const pct = (x: number | null) =>
  x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function ppl(s: Spread | undefined | null): string {
  if (!s) return '-';
  return s.n > 1 ? `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}` : s.mean.toFixed(2);
}

/** The markdown of results.md (no timings, so it is the same bits for the same seeds). */
export function formatTable(results: QualityResults): string {
  const s = results.settings;
  const mid = Math.round(s.steps / 2 / s.evalEvery) * s.evalEvery;
  const fullRank = PAPER_130M['full-rank']!;
  const lines = [
    `# relora-quality: validation perplexity at equal steps and tokens`,
    '',
    `Model \`${s.modelConfig}\`, dataset \`${s.dataset}\` (${s.tokenizer} tokenizer), ${s.steps} update steps, ` +
      `warm start ${s.warmStartSteps} steps at LR ${s.warmStartLr}, LoRA-phase LR ${s.lr}, restart every ${s.relora} steps, ` +
      `${s.evalTokens} validation tokens per evaluation, seeds ${s.seeds.join(', ')}` +
      `${s.seeds.length > 1 ? ' (mean ± sample sd)' : ''}; backend ${[...new Set(results.configs.flatMap((c) => c.runs.map((r) => r.backend)))].join(', ')}.` +
      (s.pretrainArgs.length > 0
        ? ` Extra relora-pretrain flags: \`${s.pretrainArgs.join(' ')}\`.`
        : ''),
    '',
    `| configuration | ppl @ ${mid} | ppl @ ${s.steps} | vs full rank | vs full reset | max grad norm | paper 130M | paper vs full rank |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of results.configs) {
    const paper = PAPER_130M[c.paperRow as keyof typeof PAPER_130M];
    const diverged = c.runs.find((r) => r.diverged !== null);
    const final = diverged
      ? `diverged (seed ${diverged.seed}, step ${diverged.evals.at(-1)?.step ?? 0}+)`
      : ppl(c.final);
    lines.push(
      `| ${c.label} | ${ppl(c.perplexity.find((p) => p.step === mid))} | ${final} | ${pct(c.vsFullRank)} | ${pct(c.vsFullReset)} | ${Math.max(...c.runs.map((r) => r.maxGradNorm)).toFixed(2)} | ${paper === undefined ? '-' : paper === null ? 'diverged' : paper.toFixed(2)} | ${paper == null || c.paperRow === 'full-rank' ? '-' : pct(paper / fullRank - 1)} |`,
    );
  }
  lines.push(
    '',
    '## The paper, for shape, not level',
    '',
    'Lialin et al. 2023, C4 validation perplexity (T5 tokenizer, 20k+ steps, 60M-1.3B parameters), Table 2:',
    '',
    '| model | full rank | LoRA | LoRA + warm start | ReLoRA | ReLoRA vs full rank |',
    '| --- | --- | --- | --- | --- | --- |',
    ...PAPER_TABLE_2.map(
      (r) =>
        `| ${r.model} | ${r.fullRank} | ${r.lora ?? '-'} | ${r.loraWarmStart} | ${r.relora} | ${pct(r.relora / r.fullRank - 1)} |`,
    ),
    '',
    `Ablation at 130M: restarts only ${PAPER_130M['restarts-only']}; restarts + optimizer reset ` +
      `without the jagged schedule: diverged; everything but the warm start ${PAPER_130M['no-warm-start']}; ` +
      `everything ${PAPER_130M.relora} (full rank ${fullRank}). The paper resets by magnitude pruning at 0.99.`,
    '',
  );
  return lines.join('\n');
}

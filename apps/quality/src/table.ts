// results.md: our perplexities per configuration, with the paper's beside them (for shape, not level).
import { PAPER_130M, PAPER_TABLE_2 } from './paper';
import type { ConfigResult, QualityResults } from './results-schema';
import type { Spread } from './summary';

// Signed to one decimal; a change that rounds to 0 is +0.0% (never -0.0%).
const pct = (x: number | null) => {
  if (x === null) return '-';
  const rounded = (x * 100).toFixed(1);
  return `${rounded.startsWith('-') && Number(rounded) !== 0 ? '' : '+'}${rounded.replace(/^-(?=0\.0$)/, '')}%`;
};

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
  lines.push(...computeTable(results));
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

/** FLOPs with an SI prefix: 5.41M, 2.77T. */
export function formatFlops(x: number): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  const i = Math.min(prefixes.length - 1, Math.max(0, Math.floor(Math.log10(x) / 3)));
  return `${(x / 1000 ** i).toPrecision(3)}${prefixes[i]}`;
}

function finalOrDiverged(runs: ConfigResult['runs'], final: ConfigResult['final']): string {
  const diverged = runs.find((r) => r.diverged !== null);
  return diverged ? `diverged (seed ${diverged.seed})` : ppl(final);
}

/**
 * The section comparing at equal steps and at equal compute (version 2 results): FLOPs per token,
 * and with --equal-compute the steps and perplexity at full rank's training FLOPs.
 */
function computeTable(results: QualityResults): string[] {
  const rows = results.configs.filter((c) => c.flops !== undefined);
  if (rows.length === 0) return [];
  const s = results.settings;
  const f0 = rows[0]!.flops!;
  const equal = results.settings.equalCompute === true;
  const lines = [
    '',
    '## Equal steps and equal compute',
    '',
    `Model FLOPs per token, forward and backward (a multiply-add is 2), of each configuration's run at ` +
      `${s.steps} steps (warm start included), ${f0.tokensPerStep} tokens per step; optimizer work per step not counted ` +
      `(results.json: \`flopsFormula\`, and each configuration's \`flops.counts\`).` +
      (equal
        ? ` At equal compute each configuration trains for full rank's FLOPs at ${s.steps} steps: its steps, warm start, ` +
          "LR warmup, restart period and restart warmup scaled by one factor; within 2% of full rank's FLOPs the " +
          'equal-steps run stands for it ("same run").'
        : ' Run with `--equal-compute` for the comparison at equal FLOPs.'),
    '',
    equal
      ? `| configuration | FLOPs per token | vs full rank | ppl @ ${s.steps} steps | vs full rank | steps @ equal FLOPs | FLOPs vs budget | ppl @ equal FLOPs | vs full rank |`
      : `| configuration | FLOPs per token | vs full rank | ppl @ ${s.steps} steps | vs full rank |`,
    equal
      ? '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
      : '| --- | --- | --- | --- | --- |',
  ];
  for (const c of rows) {
    const f = c.flops!;
    const cells = [
      c.label,
      formatFlops(f.meanPerToken),
      `${(f.meanPerToken / f.fullRankPerToken).toFixed(2)}x`,
      finalOrDiverged(c.runs, c.final),
      pct(c.vsFullRank),
    ];
    const e = c.equalCompute;
    if (equal && e) {
      cells.push(
        e.separate ? String(e.steps) : `${e.steps} (same run)`,
        pct(e.flops / e.budget - 1),
        e.separate ? finalOrDiverged(e.runs, e.final) : ppl(e.final),
        pct(e.vsFullRank),
      );
    } else if (equal) cells.push('-', '-', '-', '-');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

// relora-pretrain under hostile input (issue 19): each bad value exits 2 with one line naming the
// option and what it expects, no stack trace, and nothing written or changed on disk.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Shared with the other CLI's hostile-input test; node-only, so not in @relora/testing's index.
import { treeSnapshot } from '@relora/testing/node';
import { describe, expect, it } from 'vitest';
import { cli, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

const root = mkdtempSync(join(tmpdir(), 'relora-hostile-'));
const modelConfig = writeTinyModelConfig(root); // d = 32, max_position_embeddings 64
const TINY = tinyArgs(
  modelConfig,
  '--total_batch_size 4 --num_training_steps 8 --warm-start-steps 4 --relora 4 --restart_warmup_steps 1 ' +
    '--lora_r 4 --eval_every 4 --eval-tokens 64 --save_every 4 --sample-tokens 8',
);

const aFile = join(root, 'a-file');
writeFileSync(aFile, 'keep me\n');
const bigConfig = join(root, 'big.yaml');
writeFileSync(bigConfig, `# ${'x'.repeat(2 ** 20)}\nlr: 0.001\n`);
// A run directory (not a checkpoint) for --resume-from.
const runDir = join(root, 'old-run');
mkdirSync(join(runDir, 'checkpoints', 'model_4'), { recursive: true });
// A run directory whose newest checkpoint is of another model, for --autoresume.
const autoDir = join(root, 'auto-run');
mkdirSync(join(autoDir, 'checkpoints', 'model_4'), { recursive: true });
// the tiny model at half the width
const halfWidth = { ...JSON.parse(readFileSync(modelConfig, 'utf8')), hidden_size: 16 };
writeFileSync(join(autoDir, 'checkpoints', 'model_4', 'config.json'), JSON.stringify(halfWidth));
// Hex and octal numbers in options files, refused as on the command line.
const hexYaml = join(root, 'hex.yaml');
writeFileSync(hexYaml, 'lr: 0x10\n');
const octalYaml = join(root, 'octal.yaml');
writeFileSync(octalYaml, 'seed: 0o17\n');
const hexJson = join(root, 'hex.json');
writeFileSync(hexJson, '{"lr": 0x10}\n');
const badUtf8 = join(root, 'latin1.jsonl');
writeFileSync(
  badUtf8,
  Buffer.concat([
    Buffer.from(`${'{"text":"a line of text"}\n'.repeat(3)}`),
    Buffer.from('{"text":"caf\xe9"}\n', 'latin1'),
  ]),
);
const badJson = join(root, 'bad.jsonl');
writeFileSync(badJson, '{"text":"fine"}\nnot json\n');

const snapshot = () => treeSnapshot(root);

// [flags after the tiny run's, expected message]; a fresh --save_dir comes first (flags win).
const CASES: Array<[string[], RegExp]> = [
  [['--lr', '0x10'], /^--lr: expected a number, got "0x10" \(decimal notation only\)$/],
  [['--lr', 'Infinity'], /^--lr: expected a number, got "Infinity"/],
  [['--seed', '0b101'], /^--seed: expected an integer, got "0b101" \(decimal digits only/],
  [['--seed', '0o17'], /^--seed: expected an integer, got "0o17"/],
  [['--seed', '9007199254740993'], /^--seed: expected an integer, .*at most 2\^53\)$/],
  [['--seed', '4294967296'], /^--seed: must be at most 4294967295 \(seeds are 32-bit\), got/],
  [['--num_training_steps', '1e300'], /^--num-training-steps: expected an integer, got "1e300"/],
  [['--num_training_steps', '2000000000'], /^--num-training-steps: must be at most 1000000000/],
  [['--total_batch_size', '1e15'], /^--total-batch-size: expected an integer, got "1e15"/],
  [['--total_batch_size', '4194304'], /^--total-batch-size: must be at most 1048576, got 4194304$/],
  [['--sample_tokens', '1e15'], /^--sample-tokens: expected an integer, got "1e15"/],
  [['--sample_tokens', '1000000'], /^--sample-tokens: must be at most 100000, got 1000000$/],
  [['--max_length', '1e15'], /^--max-length: expected an integer, got "1e15"/],
  [['--max_length', '100000'], /^--max-length: must be at most 65536, got 100000$/],
  [['--max_length', '128'], /^--max-length: at most the model's max_position_embeddings \(64\)/],
  [['--lora_r', '64'], /^--lora-r: at most the model width \(hidden_size 32\), got 64$/],
  [['--lora_r', '1e15'], /^--lora-r: expected an integer, got "1e15"/],
  [
    ['--model_config', '1b'],
    /^--model-config: 1b needs at least 1\d\.\d GiB \(weights, gradients and AdamW state\), more than the wasm backend's 4\.0 GiB heap; choose a smaller model or another --backend$/,
  ],
  [
    ['--model_config', '7b', '--warm_start_steps', '0'],
    /^--model-config: 7b needs at least \d+\.\d GiB \(its weights\), more than the wasm backend's 4\.0 GiB heap/,
  ],
  [['--save_dir', ''], /^--save-dir: expected a path, got an empty string$/],
  [['--save_dir', aFile], /^--save-dir: .*a-file is a file, not a directory$/],
  [['--save_dir', join(aFile, 'run')], /^--save-dir: cannot create .*: .*a-file is a file/],
  [['--config', '/dev/zero'], /^--config: \/dev\/zero is not a regular file/],
  [['--config', bigConfig], /^--config: .*big\.yaml is \d+ bytes; .* at most 1048576 \(1 MiB\)$/],
  [['--config', ''], /^--config: expected a file path, got an empty string$/],
  [
    ['--config', hexYaml],
    /^.*hex\.yaml: lr: expected a number, got "0x10" \(decimal notation only\)$/,
  ],
  [['--config', octalYaml], /^.*octal\.yaml: seed: expected an integer, got "0o17"/],
  [['--config', hexJson], /^--config: .*hex\.json is not valid JSON: /],
  [['--eval_every', '0', '--eval_tokens', '100000000'], /^--eval-tokens: the validation split/],
  [
    ['--resume_from', runDir],
    /^--resume-from: .*old-run is a run directory, not a checkpoint; expected a checkpoint directory such as .*old-run\/checkpoints\/model_N$/,
  ],
  [['--resume_from', join(root, 'nowhere')], /^--resume-from: .*nowhere does not exist; expected/],
  [['--autoresume', '--save_dir', autoDir], /^--autoresume: .*describes another model/],
  [['--dataset', badUtf8], /^--dataset: .*latin1\.jsonl:4: not valid UTF-8$/],
  [['--dataset', badJson], /^--dataset: .*bad\.jsonl:2: not valid JSON [^;]*$/],
];

describe('relora-pretrain on hostile input', () => {
  it.each(CASES)('exits 2 on %j with one line, writing nothing', async (bad, message) => {
    const before = snapshot();
    const saveDir = join(root, `fresh-${Math.random().toString(36).slice(2)}`);
    const result = await cli([...TINY, '--save_dir', saveDir, ...bad]);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err).not.toMatch(/\bat .*:\d+:\d+/);
    expect(result.err.replace(/^relora-pretrain: error: /, '')).toMatch(message);
    expect(result.code).toBe(2);
    expect(snapshot()).toEqual(before);
    expect(readFileSync(aFile, 'utf8')).toBe('keep me\n');
  });
});

import { initBackend } from '@relora/backend';
import { createByteTokenizer, createLoaders, tokenizeTexts } from '@relora/data';
import { loadBrownDocuments } from '../../data/src/node';
import { createLlama, llamaPreset } from '@relora/llama';
import { it } from 'vitest';
import { Trainer } from './trainer';

it.each(['wasm', 'cpu'] as const)('bench %s', async (backend) => {
  const info = await initBackend({ prefer: backend });
  const tokenizer = createByteTokenizer();
  const docs = await loadBrownDocuments();
  const t0 = performance.now();
  const store = tokenizeTexts(docs.map((d) => d.text), tokenizer);
  console.log('docs', docs.length, 'tokens', store.numTokens, 'tokenize s', (performance.now() - t0) / 1000);
  for (const preset of ['tiny', 'demo'] as const) {
    for (const [B, T] of [[8, 64], [16, 128]] as const) {
      const loaders = createLoaders(store, { batchSize: B, seqLen: T, seed: 0 });
      const model = createLlama(llamaPreset(preset, { vocabSize: tokenizer.vocabSize }), { seed: 0 });
      const trainer = new Trainer({ model, train: loaders.train, validation: loaders.validation, options: { mode: 'full', numTrainingSteps: 100, batchSize: B, totalBatchSize: B, maxLength: T, warmupSteps: 1, evalEvery: 0, relora: null, cycleLength: null, scheduler: 'cosine' } });
      await trainer.step();
      const t = performance.now();
      for (let i = 0; i < 3; i++) await trainer.step();
      const s = (performance.now() - t) / 3000;
      console.log(info.name, preset, B, T, 'sec/step', s.toFixed(3), 'tok/s', ((B * T) / s).toFixed(0));
      const lt = performance.now();
      trainer.evaluate();
      console.log('eval 32768 tok s', ((performance.now() - lt) / 1000).toFixed(2));
      model.dispose();
      if (backend === 'cpu' && preset === 'demo') break;
    }
  }
}, 600_000);

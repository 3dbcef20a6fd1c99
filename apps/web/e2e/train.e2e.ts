// Drives the built page in headless Chromium, on WebGPU and on the backend it picks by itself:
// it trains, the loss falls, a restart happens, Stop and Download work.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@relora/llama';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../src/progress';
import { type StaticServer, serveStatic } from './static-server.test-support';

const APP = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(APP, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// No outside network here: nothing may phone home, update or sync. With no GPU (and with
// --disable-gpu) Chromium's WebGPU adapter is SwiftShader, a software one, offered only with
// --enable-unsafe-webgpu on Linux.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Short enough for CI: 8 full-rank steps, then ReLoRA restarting every 4 steps. SwiftShader's
// WebGPU takes ~5 s for a step of 8 x 64 tokens (wasm ~50 ms) and ~30 s for a 120-byte sample
// (a pipeline compiled per new shape): there the page trains on 2 x 32 tokens and samples 16 bytes.
const QUERY = '?steps=40&warmStart=8&relora=4';
const SIZES: Record<string, string> = {
  webgpu: '&batch=2&seqLen=32&sampleTokens=16',
  default: '&batch=8&seqLen=64',
};
// Each run is a page of its own: `webgpu` asks for it (the page never takes a software adapter by
// itself), `auto` takes what the page picks (wasm here: SwiftShader's WebGPU and WebGL are
// skipped as software). RELORA_WEB_BACKEND=wasm (or webgl, cpu, webgpu) runs that one alone.
const FORCED = process.env.RELORA_WEB_BACKEND;
const RUNS = FORCED ? [FORCED] : ['webgpu', 'auto'];

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe.each(RUNS)('the ReLoRA web page (backend: %s)', (backend) => {
  let server: StaticServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  async function progress(): Promise<Progress> {
    return JSON.parse((await page.locator('#progress').textContent()) ?? '{}') as Progress;
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    server = await serveStatic(join(APP, 'dist'));
    profile = mkdtempSync(join(tmpdir(), 'relora-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      acceptDownloads: true,
      viewport: { width: 960, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[page ${backend}] ${message.text()}`);
    });
    const sizes = SIZES[backend] ?? SIZES.default;
    await page.goto(
      `${server.url}${QUERY}${sizes}${backend === 'auto' ? '' : `&backend=${backend}`}`,
    );
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('loads the Brown slice and picks a backend', async () => {
    await page.waitForSelector('body[data-status="ready"], body[data-status="error"]', {
      timeout: 60_000,
    });
    const state = await progress();
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('ready');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(state.backend);
    if (backend !== 'auto') expect(state.backend).toBe(backend);
    if (state.backend === 'webgpu') expect(state.adapter).toMatch(/\S/);
    // The page trains with @relora/backend's kernels; Chromium (114+) has relaxed SIMD, so on
    // wasm the matmul loop runs its fused multiply-add, as in Node.
    if (state.backend === 'wasm') expect(state.wasmFma).toBe(true);
    expect(state.documents).toBeGreaterThan(10);
    console.info(
      `backend: ${state.backend}${state.adapter ? ` on ${state.adapter}` : ''}${state.wasmFma === undefined ? '' : `, fma ${state.wasmFma}`}; skipped: ${JSON.stringify(state.skipped)}`,
    );
  });

  it('trains: the loss falls and a ReLoRA restart happens', async () => {
    await page.click('#start');
    await page.waitForFunction(
      () => Number(document.body.dataset.restarts) >= 2 || document.body.dataset.status === 'error',
      undefined,
      { timeout: 150_000 },
    );
    const state = await progress();
    console.info(
      `${state.step} steps, ${state.tokensPerSecond} tokens/s, restarts after ${state.restarts}`,
    );
    expect(state.error).toBeUndefined();
    expect(state.restarts.length).toBeGreaterThanOrEqual(2);
    expect(state.phaseAt).toBe(8);
    const first = mean(state.losses.slice(0, 3));
    const last = mean(state.losses.slice(-3));
    expect(first).toBeGreaterThan(4.5); // about ln(258) for an untrained byte model
    expect(last).toBeLessThan(first - 0.5);
  });

  it('stops on Stop', async () => {
    await page.click('#stop');
    await page.waitForSelector('body[data-status="stopped"], body[data-status="done"]', {
      timeout: 60_000,
    });
    const { step, sample } = await progress();
    expect(sample).toMatch(/^The /);
    await page.waitForTimeout(500);
    expect((await progress()).step).toBe(step);
    await page.screenshot({ path: join(RESULTS, `relora-web-${backend}.png`), fullPage: true });
  });

  it('downloads the trained model as a Hugging Face safetensors file', async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(file.suggestedFilename()).toBe('model.safetensors');
    const path = join(RESULTS, `model-${backend}.safetensors`);
    await file.saveAs(path);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(path)));
    const names = [...tensors.keys()];
    expect(names).toContain('model.embed_tokens.weight');
    expect(names.some((name) => name.includes('lora_'))).toBe(false);
    expect(tensors.get('model.layers.0.mlp.gate_proj.weight')?.shape).toEqual([176, 64]);
    expect(metadata.format).toBe('pt');
  });
});

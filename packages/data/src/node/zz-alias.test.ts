import { it, expect } from 'vitest';
it('alias', async () => { const m = await import('@relora/data/node'); expect(typeof m.openDataLoaders).toBe('function'); });

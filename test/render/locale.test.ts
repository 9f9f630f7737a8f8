// The same sources render the same bytes whoever runs them: nothing in the output may follow the
// user's locale (Node takes it from LC_ALL / LANG; in Czech "ch" sorts after "h").
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgs, REPO, sandbox } from '../helpers/sandbox.ts';

function inLocale(locale: string, script: string): string {
  const r = spawnSync(process.execPath, ['--import', join(REPO, 'render/strip-cache.mjs'), '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LC_ALL: locale, LANG: locale } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('output does not depend on the locale', () => {
  it('orders ConfigMaps for the config checksum the same in Czech as in C', () => {
    const script = `
      const { configChecksum, configMap } = await import(${JSON.stringify(join(REPO, 'apps/kit/config.ts'))});
      const maps = ['i', 'h', 'ch'].map((n) => configMap(n, { k: n }));
      console.log(JSON.stringify([Intl.Collator().resolvedOptions().locale, configChecksum(maps)]));`;
    const [cLocale, c] = JSON.parse(inLocale('C', script)) as [string, unknown];
    const [csLocale, cs] = JSON.parse(inLocale('cs_CZ.UTF-8', script)) as [string, unknown];
    // The Czech run really ran in Czech (else the test proves nothing).
    expect(csLocale).toBe('cs-CZ');
    expect(cLocale).not.toBe('cs-CZ');
    expect(cs).toEqual(c);
  });

  it('`check` passes against the committed rendered/ in a Czech locale', () => {
    const box = sandbox({ rendered: 'committed' });
    try {
      const r = spawnSync(process.execPath, cliArgs(box.dir, ['check']), { cwd: box.dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'cs_CZ.UTF-8', LANG: 'cs_CZ.UTF-8' } });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      box.remove();
    }
  });
});

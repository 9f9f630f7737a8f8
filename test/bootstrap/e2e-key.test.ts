// The e2e environment's Sealed Secrets key pair is committed on purpose (a TEST key: CI decrypts
// environments/e2e.sealed.json in a throw-away kind cluster). These tests keep it from spreading:
// no other environment may seal with it, and no other private key may be committed.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environments } from '../../environments/index.ts';
import { parseSealingKey, checkAgainstCommitted } from '../../render/bootstrap/sealing-key.ts';
import { sealingCertPath } from '../../render/bootstrap/index.ts';
import { REPO } from '../helpers/sandbox.ts';

const TEST_KEY = 'environments/e2e.sealing-key.TEST-ONLY.pem';
const key = () => parseSealingKey(readFileSync(join(REPO, TEST_KEY), 'utf8'), TEST_KEY);
const spki = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });

describe('the committed e2e test key', () => {
  it('is a key pair for environments/e2e.sealing-cert.pem, says TEST-ONLY in its name and its header', () => {
    const text = readFileSync(join(REPO, TEST_KEY), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# TEST-ONLY .*PUBLIC, NOT A SECRET/);
    expect(() => checkAgainstCommitted(key(), readFileSync(join(REPO, sealingCertPath('e2e')), 'utf8'), 'e2e', sealingCertPath('e2e'), TEST_KEY)).not.toThrow();
  });

  it("is no other environment's: every other committed certificate has another public key", () => {
    const others = environments.filter((e) => e.name !== 'e2e');
    expect(others.length).toBeGreaterThan(0);
    const testKey = key().certificate.publicKey.export({ type: 'spki', format: 'der' });
    for (const e of others) {
      const cert = join(REPO, sealingCertPath(e.name));
      if (!existsSync(cert)) continue;
      expect(spki(readFileSync(cert, 'utf8')).equals(testKey), `${sealingCertPath(e.name)} is the e2e TEST key's certificate`).toBe(false);
      // And the bootstrap refuses it for that environment.
      expect(() => checkAgainstCommitted(key(), readFileSync(cert, 'utf8'), e.name, sealingCertPath(e.name), TEST_KEY)).toThrow(/not the one .* was made from/);
    }
  });

  it('is the only private key in the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
    const withKey = files.filter((f) => {
      const path = join(REPO, f);
      if (!existsSync(path)) return false;
      return /-----BEGIN (?:RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/]/.test(readFileSync(path, 'latin1'));
    });
    expect(withKey).toEqual([TEST_KEY]);
  });
});

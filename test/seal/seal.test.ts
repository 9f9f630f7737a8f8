// npm run seal against a sandbox copy of the repository, with a key pair made here: what it
// writes must decrypt the way the Sealed Secrets controller decrypts (docs "Crypto details":
// RSA-OAEP SHA-256 with the scope's label unwraps a one-time AES-256-GCM key, zero nonce).
// Most cases run the command in this process on the sandbox (`repoDir`); one real process per exit
// code (0, 1, 2) keeps the CLI's streams and exit codes covered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, createDecipheriv, createHash, privateDecrypt, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, sandbox, type Sandbox } from '../helpers/sandbox.ts';
import { runCommand } from '../helpers/run-command.ts';
import { environments } from '../../environments/index.ts';
import { newSealingKeyPair, sealingKeyPair, sealingKeySecret, sealValue, sealingPublicKey, type SealingKeyPair } from '../../render/seal/index.ts';

/** The controller's HybridDecrypt, written from its documentation, independently of render/seal/. */
function controllerDecrypt(privateKeyPem: string, ciphertextB64: string, label: string): Buffer {
  const b = Buffer.from(ciphertextB64, 'base64');
  const rsaLength = b.readUInt16BE(0);
  const sessionKey = privateDecrypt(
    { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) },
    b.subarray(2, 2 + rsaLength),
  );
  expect(sessionKey.length).toBe(32);
  const rest = b.subarray(2 + rsaLength);
  const aes = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  aes.setAuthTag(rest.subarray(rest.length - 16));
  return Buffer.concat([aes.update(rest.subarray(0, rest.length - 16)), aes.final()]);
}

let pair: SealingKeyPair;
let box: Sandbox;
const sealedFile = 'environments/dev.sealed.json';
const sealedOf = (id: string) => (JSON.parse(box.read(sealedFile)) as Record<string, { scope: string; encryptedData: Record<string, string> }>)[id]!;
const hash = () => createHash('sha256').update(box.read(sealedFile)).digest('hex');
/** The command in this process, on the sandbox. */
const seal = (...args: string[]) => runCommand('seal', args, { deps: { repoDir: box.dir } });
const checkoutSealed = () => readFileSync(join(REPO, sealedFile), 'utf8');
const checkoutBefore = checkoutSealed();

beforeAll(async () => {
  // 2048 bits keeps the test quick; the command makes 4096 like the controller.
  pair = await newSealingKeyPair('test', 2048);
  box = sandbox();
  box.write('environments/dev.sealing-cert.pem', pair.certPem);
});
afterAll(() => box?.remove());

describe('sealing keys', () => {
  it('makes a self-signed RSA certificate whose private key is the pair of its public key', () => {
    const cert = new X509Certificate(pair.certPem);
    expect(cert.subject).toContain('CN=test');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const cipher = sealValue(sealingPublicKey(pair.certPem), Buffer.from('v'), 'ns', 'n', 'strict');
    expect(controllerDecrypt(pair.keyPem, cipher, 'ns/n').toString()).toBe('v');
  });

  it('hands the pair to the controller as its documented bring-your-own-key Secret', () => {
    const s = sealingKeySecret(pair) as unknown as { type: string; metadata: { namespace: string; labels: Record<string, string> }; data: Record<string, string> };
    expect(s.type).toBe('kubernetes.io/tls');
    expect(s.metadata.namespace).toBe('sealed-secrets');
    expect(s.metadata.labels['sealedsecrets.bitnami.com/sealed-secrets-key']).toBe('active');
    expect(Buffer.from(s.data['tls.crt']!, 'base64').toString()).toBe(pair.certPem);
  });

  it('checks an operator key file against the committed certificate', async () => {
    expect(sealingKeyPair(pair.certPem, pair.keyPem)).toEqual(pair);
    const other = await newSealingKeyPair('other', 2048);
    expect(() => sealingKeyPair(pair.certPem, other.keyPem)).toThrow(/not the certificate's/);
    expect(() => sealingKeyPair(pair.certPem, 'nope')).toThrow(/not a PEM private key/);
  });

  it('refuses a file that is not a certificate', () => {
    expect(() => sealingPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow(/not a PEM X\.509 certificate/);
  });
});

describe('npm run seal', () => {
  it('writes ciphertext the controller decrypts for exactly this namespace and name, and nothing else', () => {
    const r = box.run('seal', '--env', 'dev', '--namespace', 'django-web', '--name', 'django', '--from-literal', 'secret-key=s3cr=t value', '--generate', 'other:40');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sealed django-web\/django \(strict\): secret-key \(literal\), other \(generated, 40 chars\) → environments\/dev\.sealed\.json$/m);
    expect(r.stdout + r.stderr).not.toContain('s3cr=t');
    const entry = sealedOf('django-web/django');
    expect(entry.scope).toBe('strict');
    expect(controllerDecrypt(pair.keyPem, entry.encryptedData['secret-key']!, 'django-web/django').toString()).toBe('s3cr=t value');
    expect(controllerDecrypt(pair.keyPem, entry.encryptedData.other!, 'django-web/django').toString()).toMatch(/^[A-Za-z0-9]{40}$/);
    // Strict scope: the same ciphertext under another name or namespace does not decrypt.
    expect(() => controllerDecrypt(pair.keyPem, entry.encryptedData['secret-key']!, 'django-web/other')).toThrow();
    expect(() => controllerDecrypt(pair.keyPem, entry.encryptedData['secret-key']!, 'django-web')).toThrow();
    expect(box.read(sealedFile)).not.toContain('s3cr=t');
  });

  it('keeps the other keys of a Secret and seals one value into two Secrets with --copy', async () => {
    const r = await seal('--env', 'dev', '--namespace', 'monitoring', '--name', 'influxdb-credentials',
      '--from-literal', 'writer-password=w', '--copy', 'writer-password=telegraf/influxdb-writer/password');
    expect(r.code, r.stderr).toBe(0);
    const writer = sealedOf('monitoring/influxdb-credentials');
    expect(controllerDecrypt(pair.keyPem, writer.encryptedData['writer-password']!, 'monitoring/influxdb-credentials').toString()).toBe('w');
    expect(Object.keys(writer.encryptedData).sort()).toEqual(['admin-password', 'reader-password', 'writer-password']);
    const copy = sealedOf('telegraf/influxdb-writer');
    expect(controllerDecrypt(pair.keyPem, copy.encryptedData.password!, 'telegraf/influxdb-writer').toString()).toBe('w');
  });

  it('seals namespace-wide on request, replacing the Secret', async () => {
    const r = await seal('--env', 'dev', '--namespace', 'sound-buzz', '--name', 'navidrome-admin', '--scope', 'namespace-wide', '--replace', '--generate', 'password');
    expect(r.code, r.stderr).toBe(0);
    const entry = sealedOf('sound-buzz/navidrome-admin');
    expect(entry.scope).toBe('namespace-wide');
    expect(controllerDecrypt(pair.keyPem, entry.encryptedData.password!, 'sound-buzz').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('reads a value from a file (any bytes) and refuses to mix scopes within one Secret', async () => {
    const file = join(box.dir, 'value.bin');
    box.write('value.bin', '\u0000\u00ffbinary');
    const r = await seal('--env', 'dev', '--namespace', 'wordpress', '--name', 'mysql-credentials', '--from-file', `password=${file}`);
    expect(r.code, r.stderr).toBe(0);
    rmSync(file);
    const entry = sealedOf('wordpress/mysql-credentials');
    expect(controllerDecrypt(pair.keyPem, entry.encryptedData.password!, 'wordpress/mysql-credentials')).toEqual(Buffer.from('\u0000\u00ffbinary'));
    const before = hash();
    const mixed = await seal('--env', 'dev', '--namespace', 'wordpress', '--name', 'mysql-credentials', '--scope', 'cluster-wide', '--generate', 'password');
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/^error: env dev › wordpress\/mysql-credentials › environments\/dev\.sealed\.json: sealed with scope strict: .*root-password.*--replace\n$/);
    expect(hash()).toBe(before);
  });

  it.each([
    ['an unknown environment', ['--env', 'staging', '--namespace', 'a', '--name', 'b', '--generate', 'k'], 2, new RegExp(`^error: unknown environment "staging" \\(known: ${environments.map((e) => e.name).join(', ')}\\)$`)],
    ['a malformed --from-literal', ['--env', 'dev', '--namespace', 'django-web', '--name', 'django', '--from-literal', 'secretvalue'], 2, /^error: seal: --from-literal expects key=value \(got no "="\)$/],
    ['a Secret name that is not a DNS name', ['--env', 'dev', '--namespace', 'django-web', '--name', 'Db_Credentials', '--generate', 'k'], 2, /^error: seal: --name "Db_Credentials" is not a DNS subdomain name/],
    ['an unknown namespace', ['--env', 'dev', '--namespace', 'nowhere', '--name', 'x', '--generate', 'k'], 2, /^error: seal: env dev has no namespace "nowhere" for Secret x \(namespaces: .*django-web.*\)$/],
    ['a key that is not a Secret key', ['--env', 'dev', '--namespace', 'django-web', '--name', 'django', '--generate', 'a/b'], 2, /^error: seal: --generate a\/b: "a\/b" is not a Secret key/],
    ['no value at all', ['--env', 'dev', '--namespace', 'django-web', '--name', 'django'], 2, /^error: seal: give at least one/],
    ['a missing --from-file', ['--env', 'dev', '--namespace', 'django-web', '--name', 'django', '--from-file', 'k=/nonexistent/file'], 2, /^error: seal: --from-file k=\/nonexistent\/file: no such file$/],
  ])('refuses %s with one line, a non-zero exit and nothing written', async (_what, args, code, message) => {
    const before = hash();
    const r = await seal(...args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toContain('secretvalue');
    expect(hash()).toBe(before);
  });

  it('refuses to seal without the environment certificate, naming the file and how to get one', () => {
    const cert = box.read('environments/dev.sealing-cert.pem');
    rmSync(join(box.dir, 'environments/dev.sealing-cert.pem'));
    try {
      const before = hash();
      const r = box.run('seal', '--env', 'dev', '--namespace', 'django-web', '--name', 'django', '--generate', 'secret-key');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: env dev › environments\/dev\.sealing-cert\.pem: no sealing certificate: .*--new-key.*kubeseal --fetch-cert.*\n$/);
      expect(hash()).toBe(before);
    } finally {
      box.write('environments/dev.sealing-cert.pem', cert);
    }
  });

  it('in this process, wrote the sandbox only: the sealed data of the checkout is as it was', () => {
    expect(checkoutSealed()).toBe(checkoutBefore);
  });

  it('refuses to write a new private key inside the repository', () => {
    const r = box.run('seal', '--env', 'dev', '--new-key', join(box.dir, 'dev.key'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/private key must live outside the repository/);
    expect(() => readFileSync(join(box.dir, 'dev.key'))).toThrow();
  });
});

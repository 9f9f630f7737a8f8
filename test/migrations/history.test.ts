// The history as a ledger: the lock of applied migrations, queries.sql required. Plain files, no server.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkLock, checkQueriesFile, migrationChecksum, updateLock } from '../../render/migrations/history.ts';

let root: string;
const file = (name: string) => join(root, 'apps', 'demo', 'migrations', `${name}.sql`);
const rules = (fs: { rule: string }[]) => fs.map((f) => f.rule);
const pins = (...levels: string[]) => levels.map((migration, i) => ({ env: ['prod', 'dev'][i] ?? `env${i}`, migration }));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'migrations-history-'));
  mkdirSync(join(root, 'apps', 'demo', 'migrations'), { recursive: true });
  writeFileSync(file('0001_a'), 'CREATE TABLE a (id int);\n');
  writeFileSync(file('0002_b'), 'ALTER TABLE a ADD COLUMN b int;\n');
  writeFileSync(file('0003_c'), 'ALTER TABLE a ADD COLUMN c int;\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('migrations.lock.json: checksums of applied migrations', () => {
  it('records every migration up to the highest pin, and only those', () => {
    expect(updateLock(root, 'demo', pins('0001_a', '0002_b'))).toEqual({ added: ['0001_a', '0002_b'], problems: [] });
    const lock = JSON.parse(readFileSync(join(root, 'apps', 'demo', 'migrations.lock.json'), 'utf8'));
    expect(Object.keys(lock)).toEqual(['0001_a', '0002_b']);
    expect(lock['0002_b']).toBe(migrationChecksum('ALTER TABLE a ADD COLUMN b int;\n'));
    expect(checkLock(root, 'demo', pins('0001_a', '0002_b'))).toEqual([]);
    // line endings do not count (a Windows checkout is not an edit)
    expect(migrationChecksum('x\r\ny\r\n')).toBe(migrationChecksum('x\ny\n'));
  });

  it('an applied migration edited: error; a pending one edited: fine', () => {
    updateLock(root, 'demo', pins('0002_b'));
    writeFileSync(file('0002_b'), 'ALTER TABLE a ADD COLUMN b bigint;\n');
    writeFileSync(file('0003_c'), 'ALTER TABLE a ADD COLUMN c bigint;\n');
    const found = checkLock(root, 'demo', pins('0002_b'));
    expect(rules(found)).toEqual(['gate/applied-migration-changed']);
    expect(found[0].migration).toBe('0002_b');
    // the lock is never rewritten to match an edit
    expect(rules(updateLock(root, 'demo', pins('0003_c')).problems)).toEqual(['gate/applied-migration-changed']);
  });

  it('an applied migration deleted or renamed: error', () => {
    updateLock(root, 'demo', pins('0002_b'));
    rmSync(file('0002_b'));
    writeFileSync(file('0002_b_renamed'), 'ALTER TABLE a ADD COLUMN b int;\n');
    expect(rules(checkLock(root, 'demo', pins('0001_a')))).toEqual(['gate/applied-migration-deleted']);
  });

  it('a pin raised without recording the checksum: error naming the command', () => {
    updateLock(root, 'demo', pins('0001_a'));
    const found = checkLock(root, 'demo', pins('0001_a', '0003_c'));
    expect(rules(found)).toEqual(['gate/migration-not-locked']);
    expect(found[0].message).toMatch(/0002_b, 0003_c are pinned \(dev\).*npm run migrations -- lock demo/);
    // a pin moved back (revert) keeps its entries: the database still has them applied
    updateLock(root, 'demo', pins('0003_c'));
    expect(checkLock(root, 'demo', pins('0001_a'))).toEqual([]);
  });

  it('a new migration numbered below an applied one: error, it would pass for applied and never be proven', () => {
    updateLock(root, 'demo', pins('0001_a', '0003_c'));
    writeFileSync(file('0002_b_purge'), 'DELETE FROM a;\n');
    const found = checkLock(root, 'demo', pins('0001_a', '0003_c'));
    expect(found.map((f) => `${f.rule} ${f.migration}`)).toEqual(['gate/migration-out-of-order 0002_b_purge']);
    expect(rules(updateLock(root, 'demo', pins('0003_c')).problems)).toEqual(['gate/migration-out-of-order']);
  });

  it('a malformed lock is an error naming the file and the entry', () => {
    writeFileSync(join(root, 'apps', 'demo', 'migrations.lock.json'), '{"0001_a": "md5:x"}');
    const found = checkLock(root, 'demo', pins('0001_a'));
    expect(found.map((f) => f.message)).toEqual(['apps/demo/migrations.lock.json: 0001_a: expected "sha256:<64 hex digits>"']);
  });
});

describe('queries.sql: the running release check cannot be turned off silently', () => {
  it('missing or without a statement: error', () => {
    expect(rules(checkQueriesFile('demo', undefined))).toEqual(['gate/queries-missing']);
    expect(rules(checkQueriesFile('demo', '-- nothing here\n\n'))).toEqual(['gate/queries-missing']);
    expect(checkQueriesFile('demo', 'SELECT 1\n')).toEqual([]);
  });

  it('an explicit opt-out with a reason: a warning every report shows', () => {
    const found = checkQueriesFile('demo', '-- no-running-release: not deployed anywhere yet\n');
    expect(found.map((f) => [f.severity, f.rule])).toEqual([['warning', 'gate/running-release-unchecked']]);
    expect(found[0].message).toMatch(/"not deployed anywhere yet"/);
    expect(rules(checkQueriesFile('demo', '-- no-running-release:\n-- SELECT 1\n'))).toEqual(['gate/queries-missing']);
  });
});

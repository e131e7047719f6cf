// .dev.vars holds secrets: whenever `npm run dev` (or `npm run token`) writes it, only its owner
// may read it, whatever the mode of the example it was copied from or of the file it found.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendDevVars, ensureDevVars, readDevVars } from './dev-vars.ts';

let folder: string;
let devVars: string;
let example: string;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'dev-vars-'));
  devVars = path.join(folder, '.dev.vars');
  example = path.join(folder, '.dev.vars.example');
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

/** An example as committed: world-readable. */
function writeExample(text: string) {
  writeFileSync(example, text);
  chmodSync(example, 0o644);
}

describe('.dev.vars mode', () => {
  it('is 0600 when created from a 0644 example that needs nothing generated', () => {
    writeExample('CLERK_WEBHOOK_SIGNING_SECRET=whsec_x\nCLERK_JWT_KEY=k\nCLERK_SECRET_KEY=sk_test_x\n');
    expect(ensureDevVars(devVars, example)).toEqual({ created: true, generated: [] });
    expect(mode(devVars)).toBe(0o600);
    expect(readFileSync(devVars, 'utf8')).toBe(readFileSync(example, 'utf8'));
  });

  it('is 0600 when created from the example and filled with generated secrets', () => {
    writeExample('# DB_DRIVER=neon-http\n');
    const { created, generated } = ensureDevVars(devVars, example);
    expect({ created, generated }).toEqual({
      created: true,
      generated: ['CLERK_WEBHOOK_SIGNING_SECRET', 'CLERK_JWT_KEY', 'DEV_CLERK_PRIVATE_KEY', 'CLERK_SECRET_KEY'],
    });
    expect(mode(devVars)).toBe(0o600);
    expect(readDevVars(devVars).DEV_CLERK_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('tightens an existing 0644 file when secrets are added to it', () => {
    writeFileSync(devVars, 'CLERK_SECRET_KEY=sk_test_mine\n');
    chmodSync(devVars, 0o644);
    ensureDevVars(devVars, example);
    expect(mode(devVars)).toBe(0o600);
    expect(readDevVars(devVars).CLERK_SECRET_KEY).toBe('sk_test_mine');
  });

  it('tightens an existing 0644 file on any append', () => {
    writeFileSync(devVars, 'A=1');
    chmodSync(devVars, 0o644);
    appendDevVars({ B: '2' }, 'test', devVars);
    expect(mode(devVars)).toBe(0o600);
    expect(readDevVars(devVars)).toEqual({ A: '1', B: '2' });
  });
});

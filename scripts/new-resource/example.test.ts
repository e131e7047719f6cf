// The templates of `npm run new:resource`, rendered for `projects` (owned by both), are the
// example's files byte for byte: a change to src/projects/ that the templates do not make fails
// here, so a generated resource always follows the example. `npm run init -- --without-example`
// removes this file with the example.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { PROJECT_ROOT } from '../lib/project-root.ts';
import { resourceFiles } from './files.ts';
import { formatted } from './format.ts';
import { resourceNames } from './names.ts';

const files = Object.entries(resourceFiles(resourceNames('projects', 'project', 'both')));

describe('the templates of new:resource', () => {
  it.each(files)('render src/projects/%s', { timeout: timeBudget({ processes: 1 }) }, (file, code) => {
    const example = readFileSync(path.join(PROJECT_ROOT, 'src', 'projects', file), 'utf8');
    expect(formatted(PROJECT_ROOT, `src/projects/${file}`, code)).toBe(example);
  });
});

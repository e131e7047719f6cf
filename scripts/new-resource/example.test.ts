// The templates of `npm run new:resource`, rendered for `projects` (owned by both), are the
// example's files, plus the example's edge half (its public pages and assets, issue-sized extras a
// generated resource does not get): every line a template renders is in the example file, in the
// same order, except the few lines the edge half rewrites, listed below. So a change to a shared
// convention in src/projects/ that the templates do not make fails here, and a generated
// resource always follows the example. `npm run init -- --without-example` removes this file with
// the example.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { PROJECT_ROOT } from '../lib/project-root.ts';
import { resourceFiles } from './files.ts';
import { formatted } from './format.ts';
import { resourceNames } from './names.ts';

/**
 * The files the edge half extends, each with the template lines it rewrites (imports it extends,
 * the delete that also cleans up KV and R2). Every other file is the template's byte for byte.
 */
const REWRITTEN_BY_THE_EDGE_HALF: Record<string, string[]> = {
  'explain.ts': [
    '// the seeded users and organizations, and the request paths of /v1/projects, run through the',
    "// resource's own statements.",
    "import { findProject, insertProject, listProjects } from './queries.ts';",
  ],
  'schemas.ts': [],
  'proof.ts': [
    "// /v1/projects scenarios of `npm run bench` and of the reliability suite's mixed load, and the",
    '// request shapes and valid payloads of its hostile-input check.',
    '    return { listToken, projectIds, createTokens };',
  ],
  'fuzz.test.ts': ['// Bad input of every kind is a 4xx problem, never a 500, and always a documented answer.'],
  'queries.ts': [
    "import type { Database } from '../../db/client.ts';",
    "import { projects } from '../../db/schema.ts';",
    '  deleteOwned,',
    ') => updateOwned(db, PROJECTS, projectColumns, owner, id, changes, versions);',
    'export const deleteProject = (db: Database, owner: Owner, id: string) => deleteOwned(db, PROJECTS, owner, id);',
  ],
  'routes.ts': [
    '// create, ETag / If-Match, keyset pages) are the shared ones of src/lib/.',
    "  description: 'Organization projects need the `org:admin` role.',",
    '    if (!(await deleteProject(db, owner, id))) throw noSuchProject();',
    '  });',
  ],
  'testing.ts': [
    "import { organizations, projects, users } from '../../db/schema.ts';",
    "import { withTestDb } from '../../test/helpers.ts';",
    "import { callAs, type TestCaller } from '../../test/sessions.ts';",
  ],
};

/** The lines of `template` that are not in `example` in order (a longest common subsequence). */
function missingLines(template: string[], example: string[]): string[] {
  const common = Array.from({ length: template.length + 1 }, () => new Uint16Array(example.length + 1));
  for (let i = template.length - 1; i >= 0; i -= 1) {
    for (let j = example.length - 1; j >= 0; j -= 1) {
      common[i]![j] =
        template[i] === example[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const missing: string[] = [];
  let [i, j] = [0, 0];
  while (i < template.length) {
    if (j < example.length && template[i] === example[j]) [i, j] = [i + 1, j + 1];
    else if (j < example.length && common[i]![j + 1]! >= common[i + 1]![j]!) j += 1;
    else missing.push(template[i++]!);
  }
  return missing;
}

const files = Object.entries(resourceFiles(resourceNames('projects', 'project', 'both')));

describe('the templates of new:resource', () => {
  it.each(files)(
    'render src/projects/%s, less its edge half',
    { timeout: timeBudget({ processes: 1 }) },
    (file, code) => {
      const example = readFileSync(path.join(PROJECT_ROOT, 'src', 'projects', file), 'utf8');
      const rendered = formatted(PROJECT_ROOT, `src/projects/${file}`, code);
      const rewritten = REWRITTEN_BY_THE_EDGE_HALF[file];
      // A file the edge half does not touch is the template's, byte for byte.
      if (!rewritten) expect(rendered).toBe(example);
      else expect(missingLines(rendered.split('\n'), example.split('\n'))).toEqual(rewritten);
    },
  );

  it('finds a template line the example lost, and an extra line it added is fine', () => {
    expect(missingLines(['a', 'b', 'c'], ['a', 'x', 'c', 'y'])).toEqual(['b']);
    expect(missingLines(['a', 'c'], ['a', 'b', 'c'])).toEqual([]);
    expect(missingLines(['a', 'b'], ['b', 'a'])).toEqual(['b']);
  });
});

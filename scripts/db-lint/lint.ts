// Lints migration files: squawk's findings plus the project rules (rules.ts), minus what the
// migration acknowledges. An acknowledgement is a comment on the lines directly above a statement:
//   -- lint: allow <rule>[, <rule>] -- <reason>
// <rule> is a project rule or a squawk rule; a project rule also covers the squawk rules that
// report the same risk (RULES[rule].squawk), so one risk needs one acknowledgement.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isNoTransaction, readJournal, readRollback } from '../lib/migration-files.ts';
import { type Statement, splitStatements } from '../lib/sql-statements.ts';
import { checkStatement, type Hit, isRuleName, newObjectsOf, RULES, type RuleName, squawkRulesOf } from './rules.ts';
import { runSquawk, type SquawkFinding } from './squawk.ts';

export interface Finding {
  file: string;
  line: number;
  rule: string;
  source: 'project' | 'squawk';
  /** The statement (first line, shortened) or other subject of the finding. */
  subject: string;
  why: string;
  fix: string;
}

export function lintFiles(files: string[]): Finding[] {
  const absolute = files.map((file) => path.resolve(file));
  const noTransaction = absolute.filter((file) => isNoTransaction(readFileSync(file, 'utf8')));
  const squawk = [
    ...runSquawk(
      absolute.filter((file) => !noTransaction.includes(file)),
      true,
    ),
    ...runSquawk(noTransaction, false),
  ];
  return absolute.flatMap((file) =>
    lintFile(
      file,
      squawk.filter((finding) => finding.file === file),
    ),
  );
}

interface Allowance {
  rules: string[];
  reason: string;
  used: Set<string>;
}

function lintFile(file: string, squawk: SquawkFinding[]): Finding[] {
  const sql = readFileSync(file, 'utf8');
  const noTransaction = isNoTransaction(sql);
  const statements = splitStatements(sql);
  const objects = newObjectsOf(statements);
  const findings: Finding[] = [];
  const project = (rule: RuleName, line: number, subject: string, detail?: string) =>
    findings.push(projectFinding(file, rule, line, subject, detail));

  findings.push(...fileRules(file, sql, noTransaction));
  for (const statement of statements) {
    const allowances = allowancesOf(statement, (line, detail) =>
      project('lint-annotation', line, excerpt(statement), detail),
    );
    // Marks the acknowledgement used: an acknowledgement that matches nothing is itself a finding.
    const allowed = (rule: string) => {
      const allowance = allowances.find((a) => a.rules.includes(rule));
      allowance?.used.add(rule);
      return allowance !== undefined;
    };
    const allowedThroughProjectRule = (squawkRule: string) => {
      for (const allowance of allowances) {
        const rule = allowance.rules.find((r) => isRuleName(r) && squawkRulesOf(r).includes(squawkRule));
        if (rule) {
          allowance.used.add(rule);
          return true;
        }
      }
      return false;
    };
    const hits = checkStatement(statement, objects, noTransaction);
    for (const hit of hits) {
      if (!allowed(hit.rule)) findings.push(hitFinding(file, hit));
    }
    for (const finding of squawk.filter((f) => statementAt(statements, sql, f) === statement)) {
      // Reported (or acknowledged) once, as the project rule.
      if (hits.some((hit) => squawkRulesOf(hit.rule).includes(finding.rule))) continue;
      if (!allowed(finding.rule) && !allowedThroughProjectRule(finding.rule)) {
        findings.push(squawkFinding(file, finding, statement));
      }
    }
    for (const allowance of allowances) {
      for (const rule of allowance.rules.filter((r) => !allowance.used.has(r))) {
        project(
          'lint-annotation',
          statement.line,
          excerpt(statement),
          `\`allow ${rule}\` matches no finding on this statement: remove it`,
        );
      }
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** Rules about the file as a whole: rollback instructions, statement separation, squawk-ignore. */
function fileRules(file: string, sql: string, noTransaction: boolean): Finding[] {
  const findings: Finding[] = [];
  const rollback = readRollback(file);
  if (!rollback) findings.push(projectFinding(file, 'rollback-missing', 1, path.basename(file)));
  else if (rollback.kind === 'irreversible' && rollback.reason === '') {
    findings.push(
      projectFinding(file, 'rollback-missing', 1, path.basename(file), '`rollback: irreversible` needs `-- <reason>`'),
    );
  }
  if (noTransaction) {
    let offset = 0;
    for (const chunk of sql.split('--> statement-breakpoint')) {
      const [, second] = splitStatements(chunk);
      if (second) {
        const line = sql.slice(0, offset + second.start).split('\n').length;
        findings.push(projectFinding(file, 'one-statement-per-breakpoint', line, excerpt(second)));
      }
      offset += chunk.length + '--> statement-breakpoint'.length;
    }
  }
  for (const [index, line] of sql.split('\n').entries()) {
    if (/--.*squawk-ignore/.test(line)) {
      findings.push(
        projectFinding(
          file,
          'lint-annotation',
          index + 1,
          line.trim(),
          'use `-- lint: allow <rule> -- <reason>`, not squawk-ignore, so the reason is recorded',
        ),
      );
    }
  }
  return findings;
}

function allowancesOf(statement: Statement, problem: (line: number, detail: string) => void): Allowance[] {
  const allowances: Allowance[] = [];
  for (const comment of statement.commentsAbove) {
    const match = /^lint:\s*allow\s+([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?:--\s*(.*))?$/.exec(comment);
    if (!match) {
      if (/^lint:/.test(comment)) problem(statement.line, `cannot read \`-- ${comment}\``);
      continue;
    }
    const reason = match[2]?.trim() ?? '';
    if (reason.length < 10)
      problem(statement.line, `\`-- ${comment}\` needs a reason: \`-- lint: allow <rule> -- <reason>\``);
    allowances.push({ rules: match[1]!.split(/\s*,\s*/), reason, used: new Set() });
  }
  return allowances;
}

/** The statement a squawk finding points into (file-wide findings point at the first statement). */
function statementAt(statements: Statement[], sql: string, finding: SquawkFinding): Statement | undefined {
  const lineStart =
    sql
      .split('\n')
      .slice(0, finding.line - 1)
      .join('\n').length + (finding.line > 1 ? 1 : 0);
  const offset = lineStart + finding.column;
  return (
    statements.find((s) => s.start <= offset && offset < s.end) ??
    statements.find((s) => s.start >= offset) ??
    statements.at(-1)
  );
}

/** Journal consistency for a migrations folder: every migration listed, listed in order. */
export function lintJournal(folder: string): Finding[] {
  const findings: Finding[] = [];
  const entries = readJournal(folder);
  const listed = new Set(entries.map((entry) => `${entry.tag}.sql`));
  for (const [index, entry] of entries.entries()) {
    const previous = entries[index - 1];
    if (previous && entry.when <= previous.when) {
      findings.push(
        projectFinding(
          path.join(folder, `${entry.tag}.sql`),
          'journal',
          1,
          entry.tag,
          `its timestamp is not after ${previous.tag}'s: databases that have ${previous.tag} would never run it`,
        ),
      );
    }
  }
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.sql'))) {
    const file = path.join(folder, name);
    if (name.endsWith('.down.sql')) {
      if (!existsSync(file.replace(/\.down\.sql$/, '.sql'))) {
        findings.push(projectFinding(file, 'journal', 1, name, 'a rollback file without its migration'));
      }
    } else if (!listed.has(name)) {
      findings.push(projectFinding(file, 'journal', 1, name, 'not listed in meta/_journal.json: never applied'));
    }
  }
  return findings;
}

function projectFinding(file: string, rule: RuleName, line: number, subject: string, detail?: string): Finding {
  const { why, fix } = RULES[rule];
  return { file, line, rule, source: 'project', subject, why: detail ? `${detail}: ${why}` : why, fix };
}

function hitFinding(file: string, hit: Hit): Finding {
  return projectFinding(file, hit.rule, hit.statement.line, excerpt(hit.statement), hit.detail);
}

function squawkFinding(file: string, finding: SquawkFinding, statement: Statement | undefined): Finding {
  return {
    file,
    line: finding.line,
    rule: finding.rule,
    source: 'squawk',
    subject: statement ? excerpt(statement) : '',
    why: finding.message,
    fix: `${finding.help ? `${finding.help} ` : ''}(https://squawkhq.com/docs/${finding.rule})`,
  };
}

function excerpt(statement: Statement): string {
  const text = statement.text.split('\n').find((line) => line.trim() && !line.trim().startsWith('--')) ?? '';
  return text.length > 110 ? `${text.slice(0, 107)}...` : text.trim();
}

/** Readable, grep-able output: `file:line rule`, then the statement, why it is risky, how to fix it. */
export function formatFinding(finding: Finding, cwd = process.cwd()): string {
  const acknowledge =
    finding.rule === 'rollback-missing' || finding.rule === 'journal' || finding.rule === 'lint-annotation'
      ? ''
      : `\n         or, if it is safe here, acknowledge it on the line above: -- lint: allow ${finding.rule} -- <reason>`;
  return [
    `${path.relative(cwd, finding.file)}:${finding.line}: ${finding.rule} (${finding.source === 'squawk' ? 'squawk' : 'project rule'})`,
    `  ${finding.subject}`,
    `  risk:  ${finding.why}`,
    `  fix:   ${finding.fix}${acknowledge}`,
  ].join('\n');
}

/** A GitHub Actions annotation, shown on the pull request's diff. */
export function githubAnnotation(finding: Finding, cwd = process.cwd()): string {
  const message = `${finding.why}. Fix: ${finding.fix}`.replaceAll('%', '%25').replaceAll('\n', '%0A');
  return `::error file=${path.relative(cwd, finding.file)},line=${finding.line},title=db:lint ${finding.rule}::${message}`;
}

// Splits a SQL file into statements the way Postgres reads it: semicolons inside strings, quoted
// identifiers, dollar-quoted bodies and comments do not end a statement. Used by the migration
// linter (to find statements and the comments above them) and by rollbacks that run outside a
// transaction (one statement at a time).

export interface Statement {
  /** The statement as written, comments included, without the final semicolon. */
  text: string;
  /** Comments removed, string literals blanked (`''`), whitespace collapsed: what rules match on. */
  code: string;
  /** 1-based line of the statement's first token. */
  line: number;
  /** Offsets into the file: first token, and just after the terminating semicolon (or the end). */
  start: number;
  end: number;
  /** Comment lines between the previous statement and this one, without their `--`. */
  commentsAbove: string[];
}

export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let start = -1;
  let code = '';
  let comments: string[] = [];
  let i = 0;

  const finish = (end: number) => {
    if (start >= 0) {
      statements.push({
        text: sql.slice(start, end).replace(/;$/, '').trim(),
        code: code.replace(/\s+/g, ' ').trim(),
        line: lineAt(sql, start),
        start,
        end,
        commentsAbove: comments,
      });
      comments = [];
    }
    start = -1;
    code = '';
  };

  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      const stop = eol === -1 ? sql.length : eol;
      if (start < 0) comments.push(sql.slice(i + 2, stop).trim());
      code += ' ';
      i = stop;
      continue;
    }
    if (ch === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      code += ' ';
      continue;
    }
    if (/\s/.test(ch)) {
      code += ' ';
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (ch === ';') {
      finish(i + 1);
      i++;
      continue;
    }
    if (ch === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, "'", escapes);
      code += "''";
      continue;
    }
    if (ch === '"') {
      const stop = skipQuoted(sql, i, '"', false);
      code += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag && !/[\w$]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag, i + tag.length);
        i = close === -1 ? sql.length : close + tag.length;
        code += "''";
        continue;
      }
    }
    code += ch;
    i++;
  }
  finish(sql.length);
  return statements;
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Index just after the closing quote; a doubled quote is an escaped quote. */
function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return i;
}

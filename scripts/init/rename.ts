// The template's names, replaced by the clone's: Worker names in wrangler.toml, the package name,
// the OpenAPI title. Edits are textual, line by line, so comments and formatting survive, and
// each sets a value rather than transforming it, so a second run changes nothing.

/** A Worker name (also the npm package name): what Cloudflare accepts in a workers.dev subdomain. */
const WORKER_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Workers names are at most 63 characters, and each environment appends its name. */
const MAX_NAME_LENGTH = 63 - '-production'.length;

export function nameProblem(name: string): string | undefined {
  if (!WORKER_NAME.test(name)) {
    return `--name "${name}" is not a Worker name: lower-case letters, digits and dashes, e.g. acme-api`;
  }
  if (name.length > MAX_NAME_LENGTH) return `--name "${name}" is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

export function titleProblem(title: string): string | undefined {
  if (title.trim() === '' || /[\n\r]/.test(title) || title.length > 100) {
    return '--title must be one line of 1 to 100 characters';
  }
  return undefined;
}

/** `acme-api` → `Acme API`. */
export function titleOf(name: string): string {
  return name
    .split('-')
    .map((word) => (word === 'api' ? 'API' : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

/**
 * wrangler.toml with the top-level `name` set to `name` and each `[env.<env>]` table's to
 * `<name>-<env>`.
 */
export function renameWorkers(toml: string, name: string): string {
  const previous = /^\s*name\s*=\s*"([^"]*)"/m.exec(toml)?.[1];
  let table = '';
  return toml
    .split('\n')
    .map((line) => {
      const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
      if (header) {
        table = header[1]!;
        return line;
      }
      // Buckets named after the Worker (`<name>-project-assets-staging`) follow it.
      const bucket = /^(\s*bucket_name\s*=\s*")([^"]*)(".*)$/.exec(line);
      if (bucket && previous && bucket[2]!.startsWith(`${previous}-`)) {
        return `${bucket[1]}${name}${bucket[2]!.slice(previous.length)}${bucket[3]}`;
      }
      const key = /^(\s*name\s*=\s*)"[^"]*"(.*)$/.exec(line);
      if (!key) return line;
      if (table === '') return `${key[1]}"${name}"${key[2]}`;
      const environment = /^env\.([A-Za-z0-9_-]+)$/.exec(table)?.[1];
      return environment ? `${key[1]}"${name}-${environment}"${key[2]}` : line;
    })
    .join('\n');
}

/** Each `bucket_name` in wrangler.toml, in order. */
export function bucketNames(toml: string): string[] {
  return [...toml.matchAll(/^\s*bucket_name\s*=\s*"([^"]*)"/gm)].map((match) => match[1]!);
}

/**
 * `text` with every bucket name of wrangler.toml `before` replaced by the one at the same place
 * in `after`: the README's `wrangler r2 bucket create` commands follow renameWorkers.
 */
export function renameBuckets(text: string, before: string, after: string): string {
  const renamed = bucketNames(after);
  let result = text;
  bucketNames(before).forEach((from, index) => {
    const to = renamed[index];
    if (to === undefined || to === from) return;
    // Whole names only: `<name>-project-assets` is also the start of `<name>-project-assets-staging`.
    result = result.replace(new RegExp(`(?<![\\w-])${escapeRegExp(from)}(?![\\w-])`, 'g'), () => to);
  });
  return result;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** package.json with its `name` set. */
export function renamePackage(json: string, name: string): string {
  return json.replace(/^(\{\s*"name":\s*)"[^"]*"/, `$1"${name}"`);
}

/** package-lock.json with both of its copies of the package's name set. */
export function renameLockfile(json: string, name: string): string {
  return json
    .replace(/^(\{\s*"name":\s*)"[^"]*"/, `$1"${name}"`)
    .replace(/("packages":\s*\{\s*"":\s*\{\s*"name":\s*)"[^"]*"/, `$1"${name}"`);
}

/** A TypeScript single-quoted string literal of `text`. */
const quoted = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** src/openapi/info.ts with the API's title and its one-sentence summary set. */
export function renameApi(source: string, title: string): string {
  // Either quote (Biome picks the one needing fewer escapes); a long title is wrapped after `=`.
  const literal = String.raw`\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*");$`;
  return source
    .replace(new RegExp(`^export const API_TITLE =${literal}`, 'm'), `export const API_TITLE = ${quoted(title)};`)
    .replace(
      new RegExp(`^export const API_SUMMARY =${literal}`, 'm'),
      `export const API_SUMMARY = ${quoted(`${title}: an HTTP API on Cloudflare Workers.`)};`,
    );
}

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

/** The top-level Worker name in wrangler.toml. */
const workerNameOf = (toml: string) => /^\s*name\s*=\s*"([^"]*)"/m.exec(toml)?.[1];

/** A bucket named after the Worker `previous` (`<previous>-project-assets-staging`) follows it to `name`. */
function bucketFollowing(bucket: string, previous: string | undefined, name: string): string {
  return previous && bucket.startsWith(`${previous}-`) ? `${name}${bucket.slice(previous.length)}` : bucket;
}

/**
 * wrangler.toml with the top-level `name` set to `name`, each `[env.<env>]` table's to
 * `<name>-<env>`, and the buckets named after the Worker renamed with it.
 */
export function renameWorkers(toml: string, name: string): string {
  const previous = workerNameOf(toml);
  let table = '';
  return toml
    .split('\n')
    .map((line) => {
      const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
      if (header) {
        table = header[1]!;
        return line;
      }
      const bucket = /^(\s*bucket_name\s*=\s*")([^"]*)(".*)$/.exec(line);
      if (bucket) return `${bucket[1]}${bucketFollowing(bucket[2]!, previous, name)}${bucket[3]}`;
      const key = /^(\s*name\s*=\s*)"[^"]*"(.*)$/.exec(line);
      if (!key) return line;
      if (table === '') return `${key[1]}"${name}"${key[2]}`;
      const environment = /^env\.([A-Za-z0-9_-]+)$/.exec(table)?.[1];
      return environment ? `${key[1]}"${name}-${environment}"${key[2]}` : line;
    })
    .join('\n');
}

/**
 * `text` (the README) with each bucket of wrangler.toml `toml` renamed as renameWorkers renames it,
 * wherever the whole name appears (`<name>-project-assets` also starts `<name>-project-assets-staging`).
 * Call it with wrangler.toml as it was before renameWorkers.
 */
export function renameBuckets(text: string, toml: string, name: string): string {
  const previous = workerNameOf(toml);
  const buckets = new Set([...toml.matchAll(/^\s*bucket_name\s*=\s*"([^"]*)"/gm)].map((match) => match[1]!));
  return text.replace(/[\w-]+/g, (word) => (buckets.has(word) ? bucketFollowing(word, previous, name) : word));
}

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

// What a Hyperdrive config must say for this Worker: its query cache disabled. Hyperdrive caches
// the answers of read-only queries by default (max_age 60 s, stale_while_revalidate 15 s), which
// would answer a read with what was there before the write just made (README, "Hyperdrive and
// read-your-writes").

/** Why a config as `wrangler hyperdrive get` prints it would cache reads, or undefined if it will not. */
export function cachingProblem(config: unknown): string | undefined {
  const caching = (config as { caching?: { disabled?: unknown; max_age?: unknown } } | null)?.caching;
  if (caching?.disabled === true) return undefined;
  const maxAge = typeof caching?.max_age === 'number' ? `max_age ${caching.max_age} s` : 'the default max_age 60 s';
  return `its query cache is on (${maxAge}); run \`npx wrangler hyperdrive update <id> --caching-disabled\``;
}

// What every reliability check returns, and what it is given.

import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import type { ScenarioContext } from '../bench/scenarios.ts';
import type { PostgresObserver } from '../bench/stack-client.ts';
import type { LoadedProof } from '../resources.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** The figure for the README table: what was done and what was measured, in one line. */
  figure: string;
  /** Why it failed, one line per problem (empty when ok). */
  failures: string[];
  details: Record<string, unknown>;
  seconds: number;
}

export interface SuiteContext {
  stack: LocalStack;
  observer: PostgresObserver;
  /** The app's database name on the stack's server. */
  database: string;
  /** The resources' parts (src/<folder>/proof.ts). */
  proofs: LoadedProof[];
  seeded: ScenarioContext;
  seed: number;
  /** `--quick`: smaller counts, same checks and pass rules (CI and a first look). */
  quick: boolean;
  log(message: string): void;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tallies values: `{"200": 12, "401": 3}`. */
export function tally<T extends string | number>(values: Iterable<T>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

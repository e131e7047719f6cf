// Reads an `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` plan: which nodes ran, which indexes they
// used, and whether the plan does what an index should have made unnecessary.

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface ExplainOutput {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

export interface PlanSummary {
  /** Node types in depth-first order, e.g. `Limit > Index Scan`. */
  nodes: string[];
  indexes: string[];
  rows: number;
  ms: number;
  hitBlocks: number;
  readBlocks: number;
  problems: string[];
}

export function summarizePlan(output: ExplainOutput, expectedIndexes: string[], largeTables: Set<string>): PlanSummary {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(output.Plan);
  const indexes = [...new Set(nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))];
  const problems: string[] = [];
  for (const node of nodes) {
    const table = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && table && largeTables.has(table)) {
      problems.push(`Seq Scan on ${table}: reads the whole table; the query needs an index it can use`);
    }
    if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') {
      const bitmap = nodes.some((n) => n['Node Type'] === 'Bitmap Heap Scan');
      problems.push(
        bitmap
          ? `${node['Node Type']} after a Bitmap Heap Scan: the planner expected few rows, so it reads every matching row and sorts them instead of reading the index in order (a misestimate: see docs/debugging-matrix.md)`
          : `${node['Node Type']}: the ORDER BY does not match the index order (columns, direction, NULLS)`,
      );
    }
  }
  if (!expectedIndexes.some((index) => indexes.includes(index))) {
    problems.push(`does not use ${expectedIndexes.join(' or ')} (uses ${indexes.join(', ') || 'no index'})`);
  }
  return {
    nodes: nodes.map((n) => n['Node Type']),
    indexes,
    rows: output.Plan['Actual Rows'] ?? 0,
    ms: output['Execution Time'],
    hitBlocks: output.Plan['Shared Hit Blocks'] ?? 0,
    readBlocks: output.Plan['Shared Read Blocks'] ?? 0,
    problems,
  };
}

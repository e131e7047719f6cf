// Reads `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` output: which nodes ran, which indexes they used,
// and whether the plan does work that an index should have made unnecessary.

export interface PlanNode {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Conflict Arbiter Indexes'?: string[];
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface ExplainOutput {
  Plan: PlanNode;
  'Execution Time': number;
}

export interface PlanSummary {
  /** The nodes that touch tables, in plan order, e.g. `Limit`, `Index Scan on users`. */
  nodes: string[];
  indexes: string[];
  rows: number;
  ms: number;
  hitBlocks: number;
  readBlocks: number;
  problems: string[];
}

/** Every node of the plan, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** The problems of one statement's plan; `largeTables` are the tables a full scan is a problem on. */
export function summarizePlan(output: ExplainOutput, largeTables: Set<string>): PlanSummary {
  const nodes = planNodes(output.Plan);
  const indexes = [
    ...new Set(
      nodes.flatMap((n) => [...(n['Index Name'] ? [n['Index Name']] : []), ...(n['Conflict Arbiter Indexes'] ?? [])]),
    ),
  ];
  const problems: string[] = [];
  const bitmap = nodes.some((n) => n['Node Type'] === 'Bitmap Heap Scan');
  for (const node of nodes) {
    const table = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && table && largeTables.has(table)) {
      problems.push(`Seq Scan on ${table}: reads the whole table; the query needs an index it can use`);
    }
    if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') {
      problems.push(
        bitmap
          ? `${node['Node Type']} after a Bitmap Heap Scan: the planner expected few rows, so it reads every matching row and sorts them instead of reading the index in order (a misestimate: see docs/debugging-matrix.md)`
          : `${node['Node Type']}: the ORDER BY does not match the index order (columns, direction, NULLS)`,
      );
    }
  }
  return {
    nodes: nodes
      .filter((n) => /Scan$|Sort$|^ModifyTable$|^Limit$/.test(n['Node Type']))
      .map((n) => {
        const type = n['Node Type'] === 'ModifyTable' ? (n.Operation ?? 'Modify') : n['Node Type'];
        return n['Relation Name'] ? `${type} on ${n['Relation Name']}` : type;
      }),
    indexes,
    rows: output.Plan['Actual Rows'] ?? 0,
    ms: output['Execution Time'],
    hitBlocks: output.Plan['Shared Hit Blocks'] ?? 0,
    readBlocks: output.Plan['Shared Read Blocks'] ?? 0,
    problems,
  };
}

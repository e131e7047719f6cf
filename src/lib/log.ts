// Structured JSON logs: one object per line, which Workers Logs (observability) indexes by field.
export function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify(entry));
}

// ETags for optimistic concurrency: the row's `version`, as a strong entity tag.

export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an If-Match header accepts: 'any' for `*` or no header, else the strong tags
 * it lists. Weak and malformed tags never match (RFC 9110 §13.1.1: If-Match compares strongly).
 */
export function ifMatchVersions(header: string | undefined): number[] | 'any' {
  if (header === undefined || header.trim() === '*') return 'any';
  return header
    .split(',')
    .map((tag) => /^"(\d{1,9})"$/.exec(tag.trim())?.[1])
    .filter((version) => version !== undefined)
    .map(Number);
}

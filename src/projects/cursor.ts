// Opaque page cursors: the last id of a page as 22 base64url characters. Clients pass them
// back unchanged; only this module knows what is inside, so the encoding can change.

const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

export function encodeCursor(id: string): string {
  const match = UUID.exec(id);
  if (!match) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(match.slice(1).join(''), 'hex').toString('base64url');
}

/** The id inside a cursor, or undefined when the value is not a cursor this module made. */
export function decodeCursor(cursor: string): string | undefined {
  const bytes = Buffer.from(cursor, 'base64url');
  // Buffer skips characters it cannot decode: only the canonical encoding counts.
  if (bytes.length !== 16 || bytes.toString('base64url') !== cursor) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The resource's table, appended to db/schema.ts, and the rollback of the migration that creates it.
import type { ResourceNames } from '../names.ts';

/** `text` as a JSDoc block, wrapped at 100 columns. */
function docComment(text: string): string {
  const lines: string[] = [];
  let line = ' *';
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > 100) {
      lines.push(line);
      line = ' *';
    }
    line += ` ${word}`;
  }
  return ['/**', ...lines, line, ' */'].join('\n');
}

export function tableTs(n: ResourceNames): string {
  const owned = {
    both: `owned by an organization (created with an active organization in the session) or by a user personally: exactly one of organization_id and user_id is set (\`${n.plural}_one_owner\`).`,
    user: 'owned by a user personally (user_id), whichever organization the session has active.',
    organization: 'owned by an organization (organization_id); a session without an active organization gets 403.',
  }[n.owner];
  const indexes = {
    both: `\`${n.plural}_organization_id_id_idx\` or \`${n.plural}_user_id_id_idx\``,
    user: `\`${n.plural}_user_id_id_idx\``,
    organization: `\`${n.plural}_organization_id_id_idx\``,
  }[n.owner];
  const deletes = {
    both: "the API deletes an organization's row for its admins only (org:admin), a personal one for its owner",
    user: 'the API deletes a row for its owner',
    organization: "the API deletes a row for the organization's admins only (org:admin)",
  }[n.owner];
  const comment = docComment(
    `${n.title} (src/${n.plural}/, /v1/${n.plural}): ${owned} Read as keyset pages of an owner's ${n.words}, newest first, in the order of ${indexes}, and by id within the owner (primary key). Deletion: ${deletes}; purging the owner row purges its ${n.words} (ON DELETE CASCADE).`,
  );
  return `
${comment}
export const ${n.camelPlural} = pgTable(
  '${n.plural}',
  {
    ...ownedResourceColumns('${n.owner}'),
    name: text('name').notNull(),
    description: text('description'),
  },
  (t) => ownedResourceIndexes('${n.plural}', t),
);
`;
}

export function downSql(n: ResourceNames, tag: string): string {
  return `-- Rollback of ${tag} (\`npm run db:rollback -- ${tag}\`). Deletes every ${n.singularWords}.
DROP TABLE "${n.plural}";
`;
}

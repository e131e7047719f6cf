// The import statements of a generated module: the names its code uses, from where they come.
// Biome's organizeImports (run on every generated file) puts them in order.

/**
 * `import` lines for the names of `catalog` (`name`, `type Name` or `exported as local`, mapped to
 * its module) that `code` uses, outside comments and single-quoted strings.
 */
export function importLines(code: string, catalog: Record<string, string>): string {
  const bare = code.replace(/^\s*\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
  const byModule = new Map<string, string[]>();
  for (const [specifier, module] of Object.entries(catalog)) {
    const local = specifier.split(' ').at(-1)!;
    if (!new RegExp(`(?<![\\w$.])${local.replace('$', '\\$')}(?![\\w$])`).test(bare)) continue;
    byModule.set(module, [...(byModule.get(module) ?? []), specifier]);
  }
  return [...byModule]
    .map(([module, specifiers]) => {
      const onlyTypes = specifiers.every((specifier) => specifier.startsWith('type '));
      const names = onlyTypes ? specifiers.map((specifier) => specifier.slice('type '.length)) : specifiers;
      return `import ${onlyTypes ? 'type ' : ''}{ ${names.join(', ')} } from '${module}';`;
    })
    .join('\n');
}

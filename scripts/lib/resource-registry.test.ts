import { describe, expect, it } from 'vitest';
import { addToRegistry, registryEntries, removeFromRegistry } from './resource-registry.ts';

const registry = `import type { Database } from '../db/client.ts';
import { gadgetMaintenance } from './gadgets/maintenance.ts';
import { gadgetRoutes } from './gadgets/routes.ts';
import { noteRoutes } from './notes/routes.ts';

export type ScheduledWork = (db: Database) => Promise<Record<string, unknown>>;

export const resources = [
  { folder: 'gadgets', routes: gadgetRoutes, scheduled: gadgetMaintenance satisfies ScheduledWork },
  { folder: 'notes', routes: noteRoutes },
] as const;
`;

describe('the registry (src/resources.ts) as text', () => {
  it('reads every entry, with the fields beyond routes', () => {
    expect(registryEntries(registry)).toEqual([
      { folder: 'gadgets', fields: 'routes: gadgetRoutes, scheduled: gadgetMaintenance satisfies ScheduledWork' },
      { folder: 'notes', fields: 'routes: noteRoutes' },
    ]);
  });

  it('removes a resource with every import from its folder, and nothing else', () => {
    const without = removeFromRegistry(registry, 'gadgets');
    expect(without).not.toMatch(/gadgets|gadgetMaintenance|gadgetRoutes/);
    expect(without).toContain("import { noteRoutes } from './notes/routes.ts';");
    expect(without).toContain('export type ScheduledWork');
    expect(registryEntries(without)).toEqual([{ folder: 'notes', fields: 'routes: noteRoutes' }]);
    expect(registryEntries(removeFromRegistry(without, 'notes'))).toEqual([]);
  });

  it('adds a resource once', () => {
    const added = addToRegistry(registry, { folder: 'widgets', routes: 'widgetRoutes' });
    expect(added).toContain("import { widgetRoutes } from './widgets/routes.ts';");
    expect(registryEntries(added).map((entry) => entry.folder)).toEqual(['gadgets', 'notes', 'widgets']);
    expect(addToRegistry(added, { folder: 'widgets', routes: 'widgetRoutes' })).toBe(added);
  });
});

// Worker entry point.
import { createApp } from './app.ts';
import type { Bindings } from './config.ts';
import { runScheduled } from './scheduled.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: runScheduled,
} satisfies ExportedHandler<Bindings>;

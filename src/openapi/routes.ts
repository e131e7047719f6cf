// GET /openapi.json: the OpenAPI 3.1 document, generated from the routes' zod schemas (the same
// ones that validate requests). GET /docs: Swagger UI over it, served from this Worker's static
// assets (public/docs/), so the page works offline and loads nothing from another origin.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../types.ts';
import { API_INFO } from './info.ts';

const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });
type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/vendor/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// Same-origin only: the page cannot load or send anything elsewhere. Swagger UI sets inline
// styles and data: images, hence those two allowances.
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['Documentation'],
  summary: 'This OpenAPI document',
  responses: {
    200: {
      description: 'OpenAPI 3.1.',
      content: {
        'application/json': {
          schema: openApiDocumentSchema,
        },
      },
    },
  },
});

const docsRoute = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['Documentation'],
  summary: 'Interactive API reference',
  responses: { 200: { description: 'An HTML page.', content: { 'text/html': { schema: z.string() } } } },
});

/** The documentation routes for `app`, whose routes must be mounted before the first request. */
export function apiDocsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'clerkSession', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Clerk session token (locally: `npm run token -- --sub user_123`).',
  });

  // Documentation only, so built on the first request for the document, not at startup.
  let webhookDocumented: Promise<unknown> | undefined;
  let document: OpenApiDocument | undefined;
  return new OpenAPIHono<AppEnv>()
    .openapi(openApiRoute, async (c) => {
      webhookDocumented ??= import('./clerk-webhook.ts').then(({ clerkWebhookOperation }) =>
        app.openAPIRegistry.registerPath(clerkWebhookOperation),
      );
      await webhookDocumented;
      document ??= openApiDocumentSchema.parse(app.getOpenAPI31Document({ openapi: '3.1.0', info: API_INFO }));
      return c.json(document, 200);
    })
    .openapi(docsRoute, (c) => c.html(DOCS_HTML, 200, { 'Content-Security-Policy': DOCS_CSP }));
}

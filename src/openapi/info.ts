// What the API says it is, at the top of its OpenAPI document (GET /openapi.json, the /docs page).
// `npm run init -- --name <name> --title "<title>"` sets API_TITLE and API_SUMMARY.
export const API_TITLE = 'Workers API template';
export const API_SUMMARY = 'Workers API template: an HTTP API on Cloudflare Workers.';

export const API_INFO = {
  title: API_TITLE,
  version: '0.1.0',
  description: `${API_SUMMARY} Errors are \`application/problem+json\` (RFC 9457). Authenticated routes take a Clerk session token as \`Authorization: Bearer <token>\`.`,
};

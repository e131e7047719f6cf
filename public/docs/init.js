// Starts Swagger UI on the page served by GET /docs (src/openapi/routes.ts). Its bundle is
// copied into public/docs/vendor/ from the swagger-ui-dist package by scripts/docs-assets.ts,
// so the page works offline and loads nothing from another origin.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No badge that posts the document to validator.swagger.io.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  persistAuthorization: false,
  tryItOutEnabled: false,
});

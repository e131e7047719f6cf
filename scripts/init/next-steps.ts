// What `npm run init` leaves to the user: the accounts and secrets nobody can create for them.
// The same checklist, with the why, is README.md's "Make it yours" and "CI/CD".

export function nextSteps(name: string, options: { example: boolean }): string {
  const example = options.example
    ? `
  5. The example's KV namespace and R2 bucket, per environment; put each printed id into wrangler.toml
     ([[env.staging.kv_namespaces]], [[env.production.kv_namespaces]]):
       npx wrangler kv namespace create PROJECT_PAGES --env staging
       npx wrangler r2 bucket create ${name}-project-assets-staging
     (and the same with --env production / -production).`
    : '';
  return `
Next steps (README.md, "Make it yours", has the details):
  1. Clerk: one instance per environment (development for staging, production for production). In
     wrangler.toml's [env.staging.vars] and [env.production.vars] set CLERK_ISSUER (the Frontend API
     URL), CLERK_AUTHORIZED_PARTIES and CORS_ORIGINS (your front end's origins); then, per environment:
       npx wrangler secret put CLERK_JWT_KEY --env staging                 # PEM public key (API keys → JWKS public key)
       npx wrangler secret put CLERK_SECRET_KEY --env staging              # sk_...
       npx wrangler secret put CLERK_WEBHOOK_SIGNING_SECRET --env staging  # whsec_... of the endpoint
     and a webhook endpoint https://<your staging API domain>/webhooks/clerk for the user.*,
     organization.* and organizationMembership.* events.
  2. Neon: a Neon project (in an organization) whose main branch is production's database and a branch
     "staging" for staging; copy each branch's direct (unpooled) connection string.
  3. Hyperdrive, per environment, on the direct connection string; put each printed id into
     wrangler.toml ([[env.staging.hyperdrive]], [[env.production.hyperdrive]]):
       npx wrangler hyperdrive create ${name}-staging --connection-string="postgresql://..." --caching-disabled
       npx wrangler hyperdrive create ${name}-production --connection-string="postgresql://..." --caching-disabled
     Your domains: routes = [...] in [env.staging] and [env.production] (the Workers answer only there;
     workers.dev and preview URLs are off).
  4. GitHub (Settings): environments "staging" and "production" (deployment branch main; required
     reviewers on production), each with the secrets DATABASE_URL (its branch's direct connection
     string) and CLOUDFLARE_API_TOKEN; environment "preview" (required reviewers) with the secret
     NEON_API_KEY (a project-scoped Neon key); repository variables CLOUDFLARE_ACCOUNT_ID and
     NEON_PROJECT_ID (optional NEON_DATABASE, NEON_ROLE); protect main (require the CI check).${example}
  ${options.example ? 6 : 5}. Push to main: CI, then deploy.yml migrates and deploys staging, then production once approved.`;
}

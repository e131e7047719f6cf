// Runs first on `npm install` (preinstall), on whatever Node the machine has: plain JavaScript,
// so an old Node reads it. Everything else under scripts/ is TypeScript run by Node's type
// stripping, which needs Node >= 22.18; older versions fail with `Unknown file extension ".ts"`.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const offline = `npm install --prefix ~/.node24 node-${process.platform}-${process.arch}@24 && export PATH=~/.node24/node_modules/node-${process.platform}-${process.arch}/bin:$PATH`;
  console.error(
    `This project needs Node.js >= 22.18 (this is ${process.version}): install Node 24 (nvm install 24, or nodejs.org), or offline from the npm registry: ${offline}; then run npm install again.`,
  );
  process.exit(1);
}

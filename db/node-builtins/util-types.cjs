// node:util/types, loaded when the pg driver first requires it rather than at isolate startup (wrangler.toml [alias]).
module.exports = process.getBuiltinModule('node:util/types');

// Jest (before Node 24.9) cannot require() an ESM-only package from a CommonJS one, which Node 20
// itself can. The few such packages in our dependency tree are compiled to CommonJS for jest only.
const ts = require('typescript');

module.exports = {
  process(sourceText, sourcePath) {
    const out = ts.transpileModule(sourceText, {
      fileName: sourcePath,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: out.outputText };
  },
};

// Jest runs the TypeScript sources as ESM (NestJS 12 is ESM-only): ts-jest with useESM and
// node --experimental-vm-modules. `#libs/<name>` resolves to the lib's source, `./x.js` to `./x.ts`.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '/node_modules/(content-disposition)/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.transformer.cjs',
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  testEnvironment: 'node',
  rootDir: '.',
};

export default {
  // Once every suite has finished and the global teardown has dropped the run's database, exit: one run in
  // several was seen idling on after a green result (an open handle not yet traced), which would hang CI.
  forceExit: true,
  // One database and Redis prefix for the whole run (set up once, not per project).
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};

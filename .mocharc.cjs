// mocha's settings. In CI (.ci/run sets CI=true) a test left with .only fails the run instead of quietly
// skipping the rest of the suite.
module.exports = {
  'node-option': ['import=tsx'],
  'spec': ['test/unit/**/*.test.ts', 'test/nodes/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/cloud/**/*.test.ts'],
  'extension': ['ts'],
  'timeout': 20000,
  'exit': true,
  'forbid-only': Boolean(process.env.CI),
};

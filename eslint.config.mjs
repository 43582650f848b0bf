import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import html from 'eslint-plugin-html';
import tseslint from 'typescript-eslint';

/** What Node-RED's editor gives the scripts of a node's .html: its API, jQuery, and our shared helper. */
const editorGlobals = { window: 'readonly', document: 'readonly', RED: 'readonly', $: 'readonly', emotionIot: 'readonly' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'demo/userdir/**', 'test-artifacts/**', '.ci/cache/**', 'examples/**', 'flows/**', 'cloud/cdk.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', URL: 'readonly' } },
  },
  {
    // the editor's side: browser scripts (resources/) and the inline scripts of each node's .html
    files: ['resources/**/*.js', 'nodes/**/*.html'],
    plugins: { html },
    languageOptions: { globals: editorGlobals },
  },
  {
    // the dashboard pages' side: a module their ui-templates import in the visitor's browser
    files: ['resources/page-texts.js'],
    languageOptions: { globals: { fetch: 'readonly', navigator: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', process: 'readonly' } },
  },
  // The formatter: layout rules that `eslint --fix` applies (npm run format), set to the house style. Rules
  // that would re-wrap what is written on purpose (one-line object literals, operators at line ends, several
  // short statements on a line, long lines that read best whole) stay off.
  stylistic.configs.customize({ indent: 2, quotes: 'single', semi: true, braceStyle: '1tbs', commaDangle: 'always-multiline', arrowParens: true }),
  {
    rules: {
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      '@stylistic/list-style': 'off',
      '@stylistic/operator-linebreak': 'off',
      '@stylistic/max-statements-per-line': 'off',
      '@stylistic/multiline-ternary': 'off',
      '@stylistic/indent-binary-ops': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);

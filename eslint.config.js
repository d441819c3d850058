// Only the promise rules: after the store became asynchronous, a Promise in an `if`, a
// callback or an unawaited call is a silent bug that TypeScript itself does not report.
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['bridge/**/*.ts', 'test/bridge/**/*.ts', 'bench/**/*.ts'],
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
  },
  plugins: { '@typescript-eslint': tseslint.plugin },
  linterOptions: { reportUnusedDisableDirectives: 'off' },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/await-thenable': 'error',
  },
});

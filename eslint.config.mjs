// Lint: the recommended JavaScript and TypeScript rules, plus the project's own import rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdktf.out/',
      '.tools/',
      'coverage/',
      'verify-report/',
      'policies/bundle/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // The provider barrel costs seconds and hundreds of MB at every synth: import submodules.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message: "Import the submodule, e.g. '@cdktf/provider-aws/lib/ecs-service'.",
            },
            {
              name: '@cdktf/provider-null',
              message: "Import the submodule, e.g. '@cdktf/provider-null/lib/resource'.",
            },
            {
              name: '@cdktf/provider-random',
              message: "Import the submodule, e.g. '@cdktf/provider-random/lib/password'.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['__tests__/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);

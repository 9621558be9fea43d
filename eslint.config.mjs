// Type-aware typescript-eslint with prettier; warnings fail the lint (--max-warnings 0).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'node_modules/',
      'artifacts/',
      // Checked against a client generated at test time: test/openapi-tooling.contract-spec.ts.
      'test/client/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
    },
  },
  {
    // The dependencies run one way: the shared layers know no feature module.
    files: ['src/common/**/*.ts', 'src/config/**/*.ts', 'src/database/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**'],
              message: 'common/, config/ and database/ import no module',
            },
          ],
        },
      ],
    },
  },
  {
    // Authentication is used by the tokens module, never the other way round.
    files: ['src/modules/auth/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/personal-access-tokens/**', '**/personal-access-tokens'],
              message: 'auth does not import the tokens module',
            },
          ],
        },
      ],
    },
  },
  {
    // Generated migrations are committed as TypeORM writes them.
    files: ['src/**/migrations/**/*.ts', 'examples/**/migrations/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*-spec.ts', '**/*.access-matrix.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'cdk.out',
      '.local',
      'test/fixtures',
      'coverage',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]',
          message: 'No focused or skipped tests.',
        },
        {
          // zod's `z` object holds every export (all locales, JSON-schema tools): using it puts
          // ~440 KB into every bundle; the namespace import lets esbuild keep only what is used.
          selector:
            "ImportDeclaration[source.value=/(^zod|(shared|^\\.)\\/zod)$/] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from '.../shared/zod'` so bundles keep only the zod they use.",
        },
      ],
      // One way in to zod: its small build with the English messages (src/shared/zod.ts, ADR 0022).
      'no-restricted-imports': [
        'error',
        ...['zod', 'zod/mini', 'zod/v4', 'zod/v4-mini', 'zod/locales'].map((name) => ({
          name,
          message: "Import zod from src/shared/zod.ts: zod's small build, with its English messages.",
        })),
      ],
    },
  },
  { files: ['src/shared/zod.ts'], rules: { 'no-restricted-imports': 'off' } },
);

// Two tsc passes: an ESM build and a CommonJS build, each with its own declarations.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
}
// dist/cjs sits inside a "type": "module" package: mark its .js files as CommonJS.
writeFileSync('dist/cjs/package.json', '{\n  "type": "commonjs"\n}\n');

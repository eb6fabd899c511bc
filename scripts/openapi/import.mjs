#!/usr/bin/env node
// `node scripts/openapi/import.mjs <checkout>`: reads a local checkout of the MIT-licensed
// TheNorthMemory/wechatpay-openapi (a work tree, or a bare git dir whose HEAD:docs is extracted)
// and writes scripts/openapi/facts.json and scripts/openapi/report.json. `npm run generate` turns
// the facts into lib/endpoints/; neither builds nor tests need the checkout.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importDocs } from './facts.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [checkout, ...flags] = process.argv.slice(2);
if (!checkout) {
  console.error('usage: node scripts/openapi/import.mjs <checkout of TheNorthMemory/wechatpay-openapi> [--commit SHA]');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', resolve(checkout), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const flagged = flags.indexOf('--commit');
let commit = flagged >= 0 ? flags[flagged + 1] : undefined;
if (!commit) {
  try {
    commit = git('rev-parse', 'HEAD');
  } catch {
    console.error('cannot tell the checkout\'s commit: pass --commit SHA');
    process.exit(2);
  }
}

let docs = resolve(checkout, 'docs');
let scratch;
if (!existsSync(join(docs, 'swagger.yaml'))) {
  // A bare mirror: its docs/ is export-ignored, so archive the tree HEAD:docs itself.
  scratch = mkdtempSync(join(tmpdir(), 'wechatpay-openapi-'));
  const tar = execFileSync('git', ['-C', resolve(checkout), 'archive', `${commit}:docs`], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', scratch], { input: tar });
  docs = scratch;
}

try {
  const overlay = JSON.parse(readFileSync(join(here, 'overlay.json'), 'utf8'));
  const { facts, report, names } = importDocs(docs, { commit, overlay });
  writeFileSync(join(here, 'facts.json'), `${JSON.stringify(facts, null, 1)}\n`);
  writeFileSync(join(here, 'report.json'), `${JSON.stringify({ commit, counts: facts.counts, names, oddities: report }, null, 2)}\n`);
  const total = facts.operations.length;
  console.log(`facts.json: ${total} operations (${Object.entries(facts.counts).map(([tree, n]) => `${tree} ${n}`).join(', ')}) from ${commit}`);
  console.log(`names: ${names.kept} kept, ${names.trimmed} kept with a trailing API dropped, ${names.leftOut} left out`);
  console.log(`report.json: ${Object.entries(report).map(([kind, list]) => `${kind} ${list.length}`).join(', ')}`);
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

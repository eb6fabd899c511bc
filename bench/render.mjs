// Re-renders results/latest.md and latest.svg from results/latest.json (e.g. after editing NOTE.md), without re-running.
import { readFileSync, writeFileSync } from 'node:fs';
import { render, renderSvg } from './src/report.mjs';

const results = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8'));
writeFileSync(new URL('./results/latest.md', import.meta.url), render(results));
writeFileSync(new URL('./results/latest.svg', import.meta.url), renderSvg(results));
console.error('re-rendered bench/results/latest.{md,svg} from latest.json');

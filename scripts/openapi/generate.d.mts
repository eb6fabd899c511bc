// Types of generate.mjs, for the drift spec.
export const ROOT: string;
export const OUT: string;
export function propertyOf(segment: string): string | undefined;
export function pageOf(template: string): string;
export function chainedOf(template: string): string | undefined;
export function seedsOf(registryText: string): Record<string, string[]>;
export function generate(facts: unknown, registryText: string): Record<string, string>;
export function generateFromRepository(): Record<string, string>;

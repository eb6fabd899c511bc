// Types of pages.mjs, for the drift spec.
export const PAGE_MARK: string;
export function pageOf(template: string): string;
export function familyOf(template: string): string;
export function chainedOf(template: string): string | undefined;
export function nameOfPage(ops: { name?: string }[]): string | undefined;
export function pages(facts: unknown, registryText: string): Record<string, string>;

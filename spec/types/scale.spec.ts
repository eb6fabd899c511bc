// The checker's work for calls whose cost once grew with the registry, counted in types created (a
// count, unlike a time, is the same on every machine). A chain() call under a contextual type made
// the checker infer into every branch of the path lookup: some 30,000 types and half a second per call.
import { expect } from 'chai';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, 'spec', 'types', 'scale.virtual.ts');

const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] };
const host = ts.createCompilerHost(options);
const read = host.getSourceFile.bind(host);
// The library's files are parsed once for every program here: each program gets a checker of its own.
const parsed = new Map<string, ts.SourceFile | undefined>();
let text = '';
host.getSourceFile = (name, language, ...rest) => {
  if (name === FILE) return ts.createSourceFile(name, text, language);
  if (!parsed.has(name)) parsed.set(name, read(name, language, ...rest));
  return parsed.get(name);
};
host.fileExists = ((exists) => (name: string) => name === FILE || exists(name))(host.fileExists.bind(host));

/** Types the checker creates for `body` (beside a client declaration), the file's diagnostics too. */
function typesFor(body: string): { types: number; diagnostics: string[] } {
  text = `import type { AnyNode, WechatpayClient } from '../../lib/index.js';\ndeclare const wxpay: WechatpayClient;\ndeclare const template: string;\n${body}\n`;
  const program = ts.createProgram([FILE], options, host);
  const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(FILE)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  return { types: program.getTypeCount(), diagnostics };
}

describe('type scale: what the checker builds for a call', () => {
  it('chain() under a contextual type, with a literal or a dynamic path, at the root and below, stays cheap', () => {
    const plain = typesFor('export const node = wxpay.v3.pay;');
    const literal = typesFor("export const node: AnyNode = wxpay.chain('v3/not-yet-documented');\nexport const typed: unknown = wxpay.chain('v3/pay/transactions/jsapi');");
    const dynamic = typesFor('export const node: AnyNode = wxpay.chain(template);\nexport const below: unknown = wxpay.v3.pay.chain(template);\nexport const twice: unknown = wxpay.chain(template).chain(template);');
    for (const [name, figure] of Object.entries({ plain, literal, dynamic })) expect(figure.diagnostics, name).to.deep.equal([]);
    // Inferring into the lookup built some 30,000 types for either. A literal path builds the lookup's
    // keys once (`keyof Templates` and `keyof Prefixes`: about 1,750 string literals); a dynamic one, none.
    expect(literal.types - plain.types, `literal: ${literal.types} types, ${plain.types} without chain()`).to.be.below(5_000);
    expect(dynamic.types - plain.types, `dynamic: ${dynamic.types} types, ${plain.types} without chain()`).to.be.below(5_000);
  });
});

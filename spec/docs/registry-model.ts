/**
 * Reads the typed endpoint registry (`lib/registry.ts`, types only) with the TypeScript
 * compiler API and flattens each operation into the rows its documentation page must show.
 *
 * Row conventions, shared with {@link ./endpoint-page.ts}:
 * - request rows: the members of `path` at depth 0 (template variables are top-level request
 *   options); every other request member (`query`, `json`, …) is a depth-0 `object` row whose
 *   fields follow at depth 1 — required when the member is and at least one field inside is;
 * - response rows: the fields of `response` at depth 0;
 * - nested objects recurse one depth further; arrays of objects list the element's fields;
 * - a union of string literals is `string` with those literals as its enum values.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './markdown.js';

export const REGISTRY = join(ROOT, 'lib', 'registry.ts');

export interface Row {
  /** Dotted path from the table's top level: `query.appid`, `json.activate_type`. */
  path: string;
  depth: number;
  type: string;
  required: boolean;
  /** Sorted enum values, when the type is a union of literals. */
  enum: string[] | undefined;
}

export interface OperationModel {
  template: string;
  method: string;
  request: Row[];
  response: Row[];
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Every operation of `Endpoints`. `source` replaces the text of `lib/registry.ts` (the drift
 * specs use it to prove that an edited registry is caught); it must still compile.
 */
export function loadRegistry(source?: string): OperationModel[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    strict: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options, true);
  if (source !== undefined) {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
      fileName === REGISTRY
        ? ts.createSourceFile(fileName, source, languageVersion, true)
        : getSourceFile(fileName, languageVersion, onError, shouldCreate);
    host.readFile = (fileName) => (fileName === REGISTRY ? source : ts.sys.readFile(fileName));
  }
  const program = ts.createProgram([REGISTRY], options, host);
  const file = program.getSourceFile(REGISTRY);
  if (!file) throw new Error(`cannot read ${REGISTRY}`);
  const problems = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  if (problems.length > 0) {
    throw new Error(`lib/registry.ts does not compile:\n${ts.formatDiagnostics(problems, formatHost)}`);
  }
  const checker = program.getTypeChecker();
  const endpoints = file.statements.find(
    (node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === 'Endpoints',
  );
  if (!endpoints) throw new Error('lib/registry.ts has no `interface Endpoints`');

  const operations: OperationModel[] = [];
  for (const templateSymbol of checker.getPropertiesOfType(checker.getTypeAtLocation(endpoints.name))) {
    const template = templateSymbol.getName();
    for (const methodSymbol of checker.getPropertiesOfType(checker.getTypeOfSymbol(templateSymbol))) {
      const method = methodSymbol.getName();
      const request: Row[] = [];
      let response: Row[] = [];
      for (const part of checker.getPropertiesOfType(checker.getTypeOfSymbol(methodSymbol))) {
        const name = part.getName();
        const type = checker.getTypeOfSymbol(part);
        if (name === 'response') {
          response = fields(checker, type, '', 0);
        } else if (name === 'path') {
          request.push(...fields(checker, type, '', 0));
        } else {
          const children = fields(checker, type, name, 1);
          const required = !isOptional(part) && children.some((row) => row.depth === 1 && row.required);
          request.push({ path: name, depth: 0, type: 'object', required, enum: undefined }, ...children);
        }
      }
      operations.push({ template, method, request, response });
    }
  }
  return operations;
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

function isOptional(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.Optional) !== 0;
}

/** The rows of an object type's properties, recursing into nested objects. */
function fields(checker: ts.TypeChecker, type: ts.Type, prefix: string, depth: number): Row[] {
  const shape = describe(checker, type);
  const target = shape.element ?? checker.getNonNullableType(type);
  if (shape.type !== 'object' && !(shape.type === 'array' && shape.element)) return [];
  const rows: Row[] = [];
  for (const property of checker.getPropertiesOfType(target)) {
    const propertyType = checker.getTypeOfSymbol(property);
    const { type: typeName, enum: values, element } = describe(checker, propertyType);
    const path = prefix ? `${prefix}.${property.getName()}` : property.getName();
    rows.push({ path, depth, type: typeName, required: !isOptional(property), enum: values });
    if (typeName === 'object' || (typeName === 'array' && element)) {
      rows.push(...fields(checker, propertyType, path, depth + 1));
    }
  }
  return rows;
}

interface Shape {
  type: string;
  enum: string[] | undefined;
  /** For an array of objects: the element type whose fields are listed. */
  element: ts.Type | undefined;
}

function describe(checker: ts.TypeChecker, input: ts.Type): Shape {
  const type = checker.getNonNullableType(input);
  const flags = type.flags;
  const plain = (name: string): Shape => ({ type: name, enum: undefined, element: undefined });
  if (flags & ts.TypeFlags.Boolean || flags & ts.TypeFlags.BooleanLiteral) return plain('boolean');
  if (type.isUnion()) {
    if (type.types.every((member) => member.isStringLiteral())) {
      return { type: 'string', enum: type.types.map((member) => (member as ts.StringLiteralType).value).sort(), element: undefined };
    }
    if (type.types.every((member) => member.isNumberLiteral())) {
      return { type: 'number', enum: type.types.map((member) => String((member as ts.NumberLiteralType).value)).sort(), element: undefined };
    }
    throw new Error(`unsupported union in lib/registry.ts: ${checker.typeToString(type)}`);
  }
  if (type.isStringLiteral()) return { type: 'string', enum: [type.value], element: undefined };
  if (type.isNumberLiteral()) return { type: 'number', enum: [String(type.value)], element: undefined };
  if (flags & ts.TypeFlags.String) return plain('string');
  if (flags & ts.TypeFlags.Number) return plain('number');
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    const inner = element ? describe(checker, element) : undefined;
    return { type: 'array', enum: inner?.enum, element: inner?.type === 'object' ? element : undefined };
  }
  if (flags & ts.TypeFlags.Object) return plain('object');
  if (flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return plain('unknown');
  throw new Error(`unsupported type in lib/registry.ts: ${checker.typeToString(type)}`);
}

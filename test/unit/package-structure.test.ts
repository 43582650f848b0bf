// What ships to every Pi is the product and nothing else: the npm tarball holds no demo or cloud code, and
// everything it loads resolves on a Pi that installed only the package's declared dependencies. The demo
// (demo/) and the account side (cloud/, its own workspace with its own packages) live outside src/ and
// nodes/; hoisting in the workspace would hide an undeclared package here, so the declarations are checked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const declared = (...fields: string[]): Set<string> => new Set(fields.flatMap((f) => Object.keys(pkg[f] ?? {})));
/** what npm installs beside the package on a Pi (peers: node-red itself) */
const RUNTIME = declared('dependencies', 'optionalDependencies', 'peerDependencies');
const ANY = declared('dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies');
/** the folders tsconfig.build.json compiles into dist/ */
const SHIPPED_SOURCES = ['src', 'nodes'];

interface ModuleReference {
  specifier: string;
  /** erased by tsc: never loaded at run time */
  typeOnly: boolean;
}

function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Every module a TypeScript or JavaScript file names: imports, re-exports, require() and import(). */
function moduleReferences(file: string): ModuleReference[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node.importClause) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isRelative = (specifier: string): boolean => specifier.startsWith('.');
/** exact names only: `fs/promises` is listed itself, and `punycode/` (trailing slash) is the npm package, not the built-in */
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier);
/** `@aws-sdk/client-s3/dist/x` -> `@aws-sdk/client-s3`, `aws-cdk-lib/aws-s3` -> `aws-cdk-lib` */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
/** where DefinitelyTyped puts a package's types: `@types/node-red`, `@types/scope__name` */
const typesPackage = (name: string): string => `@types/${name.replace(/^@/, '').replace('/', '__')}`;

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

/** The tarball's file list as npm computes it (`files`, .npmignore, always-included files), from dist/ as built. */
function packedFiles(): string[] {
  assert.ok(existsSync(join(root, 'dist', 'nodes')), 'dist/ is not built: run `npm run build` first (npm test does)');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const [report] = JSON.parse(out) as { files: { path: string }[] }[];
  return report.files.map((f) => f.path);
}

describe('what the package ships', () => {
  it('the tarball holds no demo or cloud code, and each file it loads is in it or a declared runtime package', function () {
    this.timeout(60_000);
    const files = packedFiles();
    assert.ok(files.includes('dist/nodes/emotion-infer/emotion-infer.js'), 'the tarball has the built nodes');
    assert.deepEqual(
      files.filter((f) => /(^|\/)(cloud|demo)\//.test(f)),
      [],
      'demo and cloud code belong in demo/ and cloud/, which are not built into dist/',
    );

    const shipped = new Set(files);
    const unresolved: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.js') && f.startsWith('dist/'))) {
      for (const { specifier } of moduleReferences(join(root, file))) {
        if (isRelative(specifier)) {
          const target = posix.join(posix.dirname(file), specifier);
          const candidates = [target, `${target}.js`, `${target}.json`, `${target}/index.js`];
          if (!candidates.some((c) => shipped.has(c))) unresolved.push(`${file}: ${specifier} (not in the tarball)`);
        } else if (!isBuiltin(specifier) && !RUNTIME.has(packageName(specifier))) {
          unresolved.push(`${file}: ${specifier} (not a dependency, optional or peer dependency)`);
        }
      }
    }
    assert.deepEqual(unresolved, []);
  });

  // Rule for type-only imports (`import type`, every binding `type`, `import('x').T`): tsc erases them and no
  // .d.ts ships, so they need the package or its @types/ package declared in any field, devDependencies
  // included (e.g. node-red's types come from @types/node-red). A plain import runs on the Pi: its package
  // must be a dependency, optional dependency or peer dependency.
  it('src/ and nodes/ import only node: built-ins, packages the root package.json declares, and each other', () => {
    const offenders: string[] = [];
    for (const folder of SHIPPED_SOURCES) {
      for (const file of typeScriptFiles(join(root, folder))) {
        const name = relative(root, file).split(sep).join('/');
        for (const { specifier, typeOnly } of moduleReferences(file)) {
          if (isRelative(specifier)) {
            const target = relative(root, join(dirname(file), specifier)).split(sep)[0];
            if (!SHIPPED_SOURCES.includes(target)) offenders.push(`${name}: ${specifier} (outside ${SHIPPED_SOURCES.join(' and ')})`);
          } else if (isBuiltin(specifier)) {
            continue;
          } else if (typeOnly) {
            const pkgName = packageName(specifier);
            if (!ANY.has(pkgName) && !ANY.has(typesPackage(pkgName))) offenders.push(`${name}: type-only ${specifier} (not declared)`);
          } else if (!RUNTIME.has(packageName(specifier))) {
            offenders.push(`${name}: ${specifier} (not a dependency, optional or peer dependency)`);
          }
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});

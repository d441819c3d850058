/**
 * Structural signals: the shapes of code in a message (code blocks and spans, stack
 * traces, file paths, identifiers, branch names, versions) and of spreadsheets (cell
 * ranges, column letters). Each token is tested with anchored patterns on at most a few
 * hundred characters, so the cost stays linear in the message length.
 */

import type { NormalizedText } from './normalize.js';
import { commandLine } from './commandLine.js';
import { WordMemo } from './wordMemo.js';
import { tokensOf } from './tokens.js';

/** One structural signal; positive weights point at Code, negative at Cowork. */
export interface StructuralSignal {
  readonly weight: number;
  /** Words for the reason ("a stack trace"). */
  readonly label: string;
}

const CODE_BLOCK: StructuralSignal = { weight: 4, label: 'a code block' };
const STACK_TRACE: StructuralSignal = { weight: 4, label: 'a stack trace' };
const FILE_LINE: StructuralSignal = { weight: 4, label: 'a file path with a line number' };
const CODE_SPAN: StructuralSignal = { weight: 3, label: 'a code span' };
const ERROR_NAME: StructuralSignal = { weight: 3, label: 'an error message' };
const FILE_PATH: StructuralSignal = { weight: 3, label: 'a file path' };
const FILE_NAME: StructuralSignal = { weight: 3, label: 'a file name' };
const BRANCH_NAME: StructuralSignal = { weight: 3, label: 'a branch name' };
const PACKAGE_SPEC: StructuralSignal = { weight: 3, label: 'a package version' };
const REPO_LINK: StructuralSignal = { weight: 3, label: 'a repository link' };
const IDENTIFIER: StructuralSignal = { weight: 2, label: 'code identifiers' };
const CLI_FLAG: StructuralSignal = { weight: 2, label: 'a command-line flag' };
const COMMIT_HASH: StructuralSignal = { weight: 2, label: 'a commit hash' };
const VERSION: StructuralSignal = { weight: 1, label: 'a version number' };
const ISSUE_REF: StructuralSignal = { weight: 1, label: 'an issue number' };
const HEX_COLOR: StructuralSignal = { weight: 2, label: 'a CSS colour' };
const HTTP_STATUS: StructuralSignal = { weight: 2, label: 'an HTTP error status' };
const URL_PATH: StructuralSignal = { weight: 2, label: 'a URL path' };
const SPREADSHEET_REF: StructuralSignal = { weight: -3, label: 'spreadsheet cells' };
const DOCUMENT_FILE: StructuralSignal = { weight: -2, label: 'a document file' };

const STACK_PATTERNS: readonly RegExp[] = [
  /Traceback \(most recent call last\)/,
  /\bat [^\s()]{1,300} \([^\s()]{1,500}:\d{1,7}(?::\d{1,7})?\)/,
  /\bFile "[^"\n]{1,500}", line \d{1,7}/,
  /\bpanicked at\b|\bgoroutine \d{1,9} \[/,
  /\n\s{0,8}at [\w$.<>]{1,300}\([\w$]{1,200}\.(?:java|kt|scala|groovy):\d{1,7}\)/,
];

const CODE_EXTENSIONS = new Set(
  'ts tsx mts cts js jsx mjs cjs py pyi rb go rs java kt kts swift c h cc cpp cxx hpp cs fs php scala sh bash zsh fish ps1 sql json jsonc yaml yml toml ini cfg conf env lock xml html htm css scss sass less vue svelte astro gradle tf tfvars proto graphql gql lua dart ex exs erl hrl hs ml clj cljs r ipynb md mdx rst dockerfile makefile csproj sln plist pbxproj wasm patch diff'.split(
    ' ',
  ),
);
const DOCUMENT_EXTENSIONS = new Set('pdf doc docx xls xlsx ppt pptx odt ods odp key pages numbers rtf csv'.split(' '));
// "node.js" and friends are tools, not files.
const TOOL_JS_NAMES = new Set('node next nuxt vue three d3 chart express ember backbone angular react p5 socket moment day alpine solid preact pixi babylon anime electron'.split(' '));
const DOTFILES = new Set(
  'nvmrc node-version python-version ruby-version tool-versions env gitignore gitattributes npmrc yarnrc editorconfig eslintrc prettierrc babelrc dockerignore github gitlab-ci.yml travis.yml eslintrc.js eslintrc.json prettierrc.json'.split(' '),
);
const BUILD_FILES = new Set('Dockerfile Makefile Jenkinsfile Procfile Gemfile Rakefile Vagrantfile CODEOWNERS Brewfile Podfile Containerfile'.split(' '));
const SOURCE_DIRS = new Set(
  'src lib libs test tests spec specs app apps packages pkg cmd internal scripts bin config configs components pages api server client public static migrations models views controllers utils services include docs .github .circleci'.split(' '),
);
const ERRNO = new Set(
  'ENOENT EACCES EPERM ECONNREFUSED ECONNRESET EADDRINUSE ETIMEDOUT EEXIST EISDIR ENOTDIR EPIPE ENOMEM EMFILE ENOTFOUND ENOTEMPTY EAI_AGAIN EHOSTUNREACH ENETUNREACH ELIFECYCLE ERESOLVE'.split(' '),
);
// "502s", "returns 500", "getting 404" — but not "a 500 dollar budget".
const HTTP_ERROR = /^[45]\d\ds?$/;
// "on /settings", "hitting /api": a path of the product's own site (a slash command starts the message instead).
const ROUTE_PATH = /^\/[a-z][\w-]{2,40}$/;
const PATH_PREPOSITIONS = new Set('on at to for from hitting visiting hit open opening under'.split(' '));
const STATUS_VERBS = new Set('returns returning returned return throws throwing getting got gives giving status http'.split(' '));
const COLUMN_WORDS = new Set('column columns col cols colonne colonnes columna columnas spalte spalten'.split(' '));
const CELL_WORDS = new Set('cell cells celda celdas cellule cellules zelle zellen'.split(' '));

const LEADING_PUNCTUATION = /^[("'\[{<*_~>]+/;
const TRAILING_PUNCTUATION = /[)"'\]}>*_~,;!?]+$/;
const TRAILING_STOP = /[.:]+$/;
const URL_START = /^(?:https?:\/\/|www\.)/i;
const REPO_URL = /(?:github\.com|gitlab\.com|bitbucket\.org)\/[\w.-]{1,100}\/[\w.-]{1,100}/i;
const ERROR_CLASS = /^[A-Z][A-Za-z0-9]{0,80}(?:Error|Exception)$/;
const ERR_CODE = /^ERR_[A-Z0-9_]{2,80}$/;
const FILE_WITH_LINE = /^([\w@~./\\-]{1,300})\.([A-Za-z0-9]{1,10}):\d{1,7}(?::\d{1,7})?$/;
const PLAIN_FILE_CHARS = /^[\w@~./\\-]+$/;
// "fix/session-timeout", "release/2.3" — but not "CI/CD".
const BRANCH = /^(?:feat|feature|fix|bugfix|hotfix|release|chore|refactor|docs|test|ci|build|perf|wip|topic|origin|upstream)\/[a-z0-9][\w./-]{2,}$/;
const CAMEL_CASE = /^[a-z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/;
const PASCAL_CODE_NAME =
  /^(?:[A-Z][a-z0-9]+)+(?:Service|Controller|Component|Handler|Provider|Manager|Factory|Repository|Client|Store|Module|Router|Middleware|Helper|Utils?|Config|Schema|Model|View|Spec|Test|Hook|Context|Reducer|Adapter|Builder|Parser|Validator|Resolver|Plugin)$/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const CONSTANT_CASE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
// foo(), user.save(id) — but not the plural in "file(s)".
const CALL = /[\w$]\((?!e?s\))[^()\s]{0,40}\)[;.,?!]?$/;
const CLI_OPTION = /^--[a-z][a-z0-9-]{1,60}(?:=\S{0,100})?$/;
const PACKAGE_AT_VERSION = /^@?[\w.-]{1,100}(?:\/[\w.-]{1,100})?@(?:[\^~]?v?\d[\w.-]{0,40}|latest|next|beta|canary)$/;
const V_VERSION = /^v\d{1,4}(?:\.\d{1,6}){0,3}$/;
const SEMVER = /^\d{1,4}\.\d{1,6}\.\d{1,6}(?:[-+][\w.]{1,40})?$/;
const HEX_HASH = /^[0-9a-f]{7,40}$/;
const ISSUE = /^#\d{2,7}$/;
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const CELL_RANGE = /^\$?[A-Z]{1,3}\$?\d{1,7}:\$?[A-Z]{1,3}\$?\d{1,7}$/;
const CELL = /^[A-Za-z]{1,3}\d{1,7}$/;
const COLUMN_LETTER = /^(?:[A-Za-z]|[A-Z]{2})$/;
const FORMULA = /^=[A-Z]{2,20}\(/;
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const KNOWN_OBJECTS = new Set(
  'console process window document navigator localStorage sessionStorage Math JSON Object Array Promise String Number Date os sys self this req res ctx app module exports require React Vue np pd torch'.split(' '),
);
const MAYBE_STRUCTURAL = /[A-Z0-9._/\\@#:(=-]/;
// A capitalised word, or a word before a comma or a full stop ("The", "Please", "today."): no
// shape of code, unless it names a build file ("Dockerfile").
const PLAIN_WORD = /^[A-Za-z][a-z]+[,.!?;]?$/;

/**
 * Finds the structural signals in a normalised message, one per kind.
 *
 * @param normalized - The normalised message.
 * @param masked - The masked text to read outside code (the override phrase may be blanked).
 * @returns The distinct signals found, strongest first.
 */
export function structuralSignals(normalized: NormalizedText, masked: string): StructuralSignal[] {
  const found = new Set<StructuralSignal>();
  if (normalized.codeBlocks.length > 0) found.add(CODE_BLOCK);
  if (normalized.codeSpans.length > 0) found.add(CODE_SPAN);
  for (const link of normalized.links) if (REPO_URL.test(link)) found.add(REPO_LINK);
  scanText(masked, found);
  const command = commandLine(masked);
  if (command) found.add(command);
  // Most messages have no code: the spans are joined only when there are some.
  if (normalized.codeSpans.length > 0 || normalized.codeBlocks.length > 0) scanText([...normalized.codeSpans, ...normalized.codeBlocks].join('\n'), found);
  return [...found].sort(byWeight);
}

// Made once rather than per message.
const byWeight = (a: StructuralSignal, b: StructuralSignal): number => b.weight - a.weight;

// The literals of the stack-trace patterns but "at ", as one alternation: one pass costs less than four substring searches.
const STACK_LITERALS = /Traceback|File "|panicked|goroutine/;

/** A cheap test before the stack-trace patterns: each needs one of these literals. */
function mayBeStackTrace(text: string): boolean {
  return STACK_LITERALS.test(text) || (text.includes('at ') && text.includes(':'));
}

function scanText(text: string, found: Set<StructuralSignal>): void {
  if (!found.has(STACK_TRACE) && mayBeStackTrace(text) && STACK_PATTERNS.some((pattern) => pattern.test(text))) found.add(STACK_TRACE);
  let previous = '';
  for (const token of tokensOf(text)) {
    if (token.length > 0 && token.length <= 300) {
      // Most tokens are plain lower-case words: they only matter after "column" or "cell".
      // The previous word is lowercased only for the tokens that read it (most do not).
      const signal = MAYBE_STRUCTURAL.test(token) && !(PLAIN_WORD.test(token) && !token.includes('file'))
        ? classifyToken(token, previous.toLowerCase())
        : token.length <= 3 && COLUMN_LETTER.test(token) && COLUMN_WORDS.has(previous.toLowerCase())
          ? SPREADSHEET_REF
          : undefined;
      if (signal) found.add(signal);
      // "at src/app.ts:42:5" is a stack frame.
      if (signal === FILE_LINE && previous === 'at') found.add(STACK_TRACE);
    }
    previous = token;
  }
}

function classifyToken(token: string, previous: string): StructuralSignal | undefined {
  const shape = tokenShapes.get(token, shapeOfToken);
  if (shape.decided) return shape.signal;
  if (shape.cell && CELL_WORDS.has(previous)) return SPREADSHEET_REF;
  if (shape.columnLetter && COLUMN_WORDS.has(previous)) return SPREADSHEET_REF;
  // "404 on /settings": a status that opens the message is a report of it.
  if (shape.httpError && (shape.plural || STATUS_VERBS.has(previous) || previous === '')) return HTTP_STATUS;
  if (shape.routePath && PATH_PREPOSITIONS.has(previous)) return URL_PATH;
  return shape.signal;
}

/**
 * What a token says by itself. Only a few tests read the word before it ("column B",
 * "returns 500", "on /settings"); the rest depend on the token alone and are run once per
 * token, since tokens recur from message to message.
 */
interface TokenShape {
  /** The signal is known without the previous word (`signal` may then be undefined). */
  readonly decided: boolean;
  /** When not decided: the signal of the token unless a test of the previous word wins. */
  readonly signal: StructuralSignal | undefined;
  readonly cell: boolean;
  readonly columnLetter: boolean;
  readonly httpError: boolean;
  readonly plural: boolean;
  readonly routePath: boolean;
}

const tokenShapes = new WordMemo<TokenShape>();
const UNDECIDED = { cell: false, columnLetter: false, httpError: false, plural: false, routePath: false };

function shapeOfToken(token: string): TokenShape {
  const core = token.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, '');
  const bare = core.replace(TRAILING_STOP, '');
  if (bare.length === 0) return { ...UNDECIDED, decided: true, signal: undefined };
  if (URL_START.test(bare)) return { ...UNDECIDED, decided: true, signal: REPO_URL.test(bare) ? REPO_LINK : undefined };
  if (ERROR_CLASS.test(bare) || core === 'Error:' || ERRNO.has(bare) || ERR_CODE.test(bare)) return { ...UNDECIDED, decided: true, signal: ERROR_NAME };
  if (CELL_RANGE.test(bare) || FORMULA.test(bare)) return { ...UNDECIDED, decided: true, signal: SPREADSHEET_REF };
  return {
    decided: false,
    signal: fileSignal(bare) ?? codeShapeSignal(token, bare) ?? versionSignal(bare),
    cell: CELL.test(bare),
    columnLetter: COLUMN_LETTER.test(bare),
    httpError: HTTP_ERROR.test(bare),
    plural: bare.endsWith('s'),
    routePath: ROUTE_PATH.test(bare),
  };
}

function fileSignal(bare: string): StructuralSignal | undefined {
  const withLine = FILE_WITH_LINE.exec(bare);
  if (withLine && CODE_EXTENSIONS.has((withLine[2] ?? '').toLowerCase())) return FILE_LINE;
  if (BUILD_FILES.has(bare)) return FILE_NAME;
  if (bare.startsWith('.') && (DOTFILES.has(bare.slice(1).toLowerCase()) || DOTFILES.has((bare.split('.')[1] ?? '').toLowerCase()))) {
    return FILE_NAME;
  }
  const dot = bare.lastIndexOf('.');
  if (dot > 0 && dot < bare.length - 1 && PLAIN_FILE_CHARS.test(bare)) {
    const base = bare.slice(0, dot);
    const extension = bare.slice(dot + 1).toLowerCase();
    if (DOCUMENT_EXTENSIONS.has(extension)) return DOCUMENT_FILE;
    if (CODE_EXTENSIONS.has(extension) && /[a-z]/i.test(base) && !(extension === 'js' && TOOL_JS_NAMES.has(base.toLowerCase()))) {
      return bare.includes('/') ? FILE_PATH : FILE_NAME;
    }
  }
  if (BRANCH.test(bare)) return BRANCH_NAME;
  if (bare.includes('/') && PLAIN_FILE_CHARS.test(bare)) return sourcePath(bare);
  return undefined;
}

function sourcePath(bare: string): StructuralSignal | undefined {
  const parts = bare.replace(/^(?:\.{1,2}|~)?\//, '').split('/').filter((part) => part.length > 0);
  if (parts.length < 2) return undefined;
  const first = parts[0] ?? '';
  if (SOURCE_DIRS.has(first)) return FILE_PATH;
  if (bare.startsWith('/') && parts.length >= 3 && /^[a-z]/.test(first)) return FILE_PATH;
  return undefined;
}

function codeShapeSignal(token: string, bare: string): StructuralSignal | undefined {
  if (CLI_OPTION.test(bare)) return CLI_FLAG;
  if (PACKAGE_AT_VERSION.test(bare)) return PACKAGE_SPEC;
  if (CAMEL_CASE.test(bare) || PASCAL_CODE_NAME.test(bare) || SNAKE_CASE.test(bare) || CONSTANT_CASE.test(bare)) return IDENTIFIER;
  if (CALL.test(token) || isMemberAccess(bare)) return IDENTIFIER;
  if (HEX_HASH.test(bare) && /\d/.test(bare) && /[a-f]/.test(bare)) return COMMIT_HASH;
  if (ISSUE.test(bare)) return ISSUE_REF;
  if (COLOR.test(bare)) return HEX_COLOR;
  return undefined;
}

/** "console.log", "process.env", "orders.user_id" — but not "example.com" or "e.g". */
function isMemberAccess(bare: string): boolean {
  if (!MEMBER_ACCESS.test(bare)) return false;
  const parts = bare.split('.');
  return KNOWN_OBJECTS.has(parts[0] ?? '') || parts.some((part) => CAMEL_CASE.test(part) || SNAKE_CASE.test(part) || CONSTANT_CASE.test(part));
}

function versionSignal(bare: string): StructuralSignal | undefined {
  return V_VERSION.test(bare) || SEMVER.test(bare) ? VERSION : undefined;
}

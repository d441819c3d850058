import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { route } from '../../shared/routing/route.js';
import { HELD_OUT, HELD_OUT_B, HELD_OUT_C } from './routingHeldOut.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const samplePath = path.resolve(repoRoot, '..', 'shared', 'eval', 'routing-sample.jsonl');

interface Expected {
  route: 'code' | 'cowork';
  forced?: boolean;
  task?: string;
  /** `null`: the decision must have no `repoHint` key. */
  repoHint?: string | null;
}

interface Case {
  text: string;
  expected: Expected;
}

const code = (text: string, extra: Omit<Expected, 'route'> = {}): Case => ({ text, expected: { route: 'code', forced: false, ...extra } });
const cowork = (text: string, extra: Omit<Expected, 'route'> = {}): Case => ({ text, expected: { route: 'cowork', forced: false, ...extra } });
const forced = (text: string, task: string, extra: Omit<Expected, 'route' | 'forced' | 'task'> = {}): Case => ({
  text,
  expected: { route: 'code', forced: true, task, ...extra },
});

const TABLE: ReadonlyArray<readonly [group: string, cases: readonly Case[]]> = [
  [
    'coding requests in English',
    [
      code('fix the null pointer exception in the checkout service'),
      code('debug why the websocket disconnects after 30 seconds'),
      code('refactor the auth module to use async/await'),
      code('open a pull request for the fix'),
      code('open a PR with these changes'),
      code('write a PR description for my changes'),
      code('review the changes on branch feature/search'),
      code('review PR #231 when you get a chance'),
      code('summarize the PR'),
      code('investigate why CI is failing on main'),
      code('the build is broken after the last merge, can you take a look'),
      code('lint the whole project and fix the warnings'),
      code('add an endpoint to export invoices as CSV'),
      code('implement dark mode in the settings page'),
      code('add pagination to the users list'),
      code('set up GitHub Actions to run tests on every push'),
      code('delete the feature flag for the old checkout'),
      code('there is a memory leak in the worker process'),
      code('the docker image fails to build'),
      code('cherry-pick abc1234 onto release/2.3'),
      code('resolve the merge conflicts in package.json'),
      code('why is the login endpoint returning 500?'),
      code('add type hints to utils.py'),
      code('migrate the users table to the new schema'),
      code('make the tests pass'),
      code('rename the userId field to accountId across the codebase'),
      code('upgrade react to the latest version'),
      code('run the unit tests for the billing module'),
      code('write unit tests for the invoice parser'),
      code('revert the last commit on main'),
      code('what is failing in the api tests on main?'),
      code('the nightly job keeps crashing with OOM'),
      code('users cant log in since the last deploy'),
      code('the api is returning 503s since noon'),
      code('set up eslint'),
      code('make the header sticky on mobile'),
    ],
  ],
  [
    'ambiguous verbs need a code object',
    [
      cowork('update the spreadsheet'),
      cowork('review this email'),
      cowork('summarize this spec'),
      code('summarize the diff between main and the release branch'),
      cowork('update the team on the deploy status'),
      code('update the README with the new install steps'),
      cowork('write a blog post about our migration to Kubernetes'),
      cowork('summarize the bug reports from customers this week'),
      cowork('fix the typo in my email to Sarah'),
      cowork('check the formula in cell B2'),
      cowork('summarize what the backend team did this sprint'),
      cowork('send the team the link to the staging site'),
    ],
  ],
  [
    'code spans, stack traces and file paths',
    [
      code("TypeError: Cannot read properties of undefined (reading 'map')\n    at UserList (src/components/UserList.tsx:23:19)"),
      code('Traceback (most recent call last):\n  File "main.py", line 3, in <module>\nImportError: No module named requests'),
      code('getting `EADDRINUSE` when starting the dev server'),
      code('```\nnpm ERR! code ERESOLVE\n```\nhelp'),
      code('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)'),
      code('src/app.ts:42 throws when the config is missing'),
      code('`useEffect` runs twice, why'),
      code('panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()'),
      code('the `/health` route is slow'),
      code('remove console.log calls from the checkout code'),
      code('add an index on orders.user_id'),
      code('change the primary button color to #0055ff'),
      code('add a .env.example file'),
    ],
  ],
  [
    'cowork',
    [
      cowork('draft a LinkedIn post about our new hire'),
      cowork('summarize this Google Doc for me'),
      cowork('calculate the running total in column G'),
      cowork("what's a good name for a coffee shop?"),
      cowork('translate the release announcement into German'),
      cowork('write a thank-you note to my team'),
      cowork('find a time for a meeting with Sam next week'),
      cowork('help me prepare for my performance review'),
      cowork('make a slide deck about Q3 results'),
      cowork('review this contract and flag risky clauses'),
      cowork('what are the best practices for code reviews?'),
      cowork('explain how git rebase works'),
      cowork('send an email to the dev team saying the release is delayed'),
      cowork("what's the status of the API migration project?"),
      cowork('put a VLOOKUP in D2 that pulls the price from the Products sheet'),
      cowork('summarize report.pdf in five bullet points'),
      cowork('compare React and Vue for a beginner'),
      cowork('write a cover letter for a product designer role'),
      cowork('translate "pull request" into French'),
      cowork('what is the dress code for the offsite?'),
      cowork('what does CI/CD mean?'),
      cowork('i opened a code session yesterday and it worked great, thanks'),
    ],
  ],
  [
    'one typo in a long word',
    [code('implment retries in the http client'), code('upgarde the dependancies'), cowork('proofraed my cover letter')],
  ],
  [
    'French, Spanish and German',
    [
      code('corrige le bug dans le module de paiement'),
      code('lance les tests'),
      code('mets à jour les dépendances du projet'),
      code('ajoute des tests pour le module de facturation'),
      code('arregla el error en el login'),
      code('ejecuta las pruebas'),
      code('actualiza las dependencias'),
      code('refactoriza el servicio de usuarios'),
      code('behebe den Fehler im Login'),
      code('führe die Tests aus'),
      code('aktualisiere die Abhängigkeiten'),
      code('schreibe Unit-Tests für den Parser'),
      code('fuhre die tests aus'),
      code('mets a jour les dependances'),
      cowork('résume ce document'),
      cowork('écris un e-mail à mon manager'),
      cowork('escribe un correo a mi jefe'),
      cowork('traduce este párrafo al inglés'),
      cowork('fasse diesen Artikel zusammen'),
      cowork('erstelle eine Präsentation über unsere Quartalszahlen'),
      cowork("qu'est-ce qu'une API REST ?"),
    ],
  ],
  [
    'the open-a-Code-session override',
    [
      forced('open a Code session and fix the flaky test', 'fix the flaky test'),
      forced('open a Claude Code session: summarize my inbox', 'summarize my inbox'),
      forced('please open a code session and write me a poem', 'write me a poem'),
      forced('can you open a new Code session to draft the board memo?', 'draft the board memo'),
      forced('Open a code session — plan my week', 'plan my week'),
      forced('OPEN A CODE SESSION AND RUN THE TESTS', 'RUN THE TESTS'),
      forced('hey <@U024BE7LH> open a code session and tidy the README', 'tidy the README'),
      forced('Please, open a new Claude Code session to book my flights', 'book my flights'),
      forced('start a new code session to bump lodash', 'bump lodash'),
      forced('The deck is due tomorrow. Open a code session and make the charts', 'The deck is due tomorrow. make the charts'),
      forced('open a code session', ''),
      forced('hey, could you open a Code session? The tests are failing', 'The tests are failing'),
      forced('The tests are failing. Could you open a code session and fix them?', 'The tests are failing. fix them'),
      forced('I need you to open a code session and update the deck', 'update the deck'),
      forced('Open Claude Code and check the flaky test', 'check the flaky test'),
      forced('Could you please open a Claude Code session and look into the failing build on the api repo?', 'look into the failing build on the api repo', {
        repoHint: 'api',
      }),
    ],
  ],
  [
    'negated requests and questions about the product force nothing',
    [
      cowork("don't open a code session, just tell me what a monorepo is"),
      cowork('do not open a Code session'),
      cowork('how do I open a Code session?'),
      cowork('what happens when I open a code session?'),
      cowork("I don't want to open a code session, just summarize the thread"),
      cowork('can I open a Code session from Discord?'),
      cowork('is there a way to open a code session from my phone?'),
      cowork('what does `open a code session` do?'),
      cowork('when you open a code session, does it make a new branch?'),
      cowork('never open a code session for this kind of thing'),
      cowork('should I open a code session for this?'),
      code("don't open a code session yet, but the tests fail on main, fix them"),
    ],
  ],
  [
    'chat markup',
    [
      code('<@U024BE7LH> fix the flaky checkout test', { task: 'fix the flaky checkout test' }),
      cowork('<@U024BE7LH|dispatch> please summarize <https://docs.example.com/spec|the spec>', { task: 'please summarize the spec' }),
      code('<#C024BE7LR|eng> build is failing since <https://github.com/acme/api/pull/12>', {
        task: '#eng build is failing since https://github.com/acme/api/pull/12',
      }),
      code('<@!80351110224678912> run the tests <:pepe:123456789>', { task: 'run the tests' }),
      code('<@80351110224678912>: bump axios', { task: 'bump axios' }),
      cowork('<@&123456> draft the standup notes :memo:', { task: 'draft the standup notes' }),
      cowork('<#123456789> write a welcome message for new members 🎉', { task: 'write a welcome message for new members' }),
      code('ship it :rocket: 🚀 then fix the login bug :+1:', { task: 'ship it then fix the login bug' }),
      code('&lt;div&gt; is not closing in index.html', { task: '<div> is not closing in index.html' }),
      code('the `/health` route is slow', { task: 'the `/health` route is slow' }),
    ],
  ],
  [
    'feature requests in product words, docs for code, misspelt verbs',
    [
      code('add sorting to the orders table in the admin dashboard'),
      code('hook up the contact form to sendgrid'),
      code('build a landing page for the beta'),
      code('write docs for the public API'),
      code('fix teh broken imports after the rename'),
      code('fxi the login page'),
      code('the signup button doesnt do anything on safari'),
      code('agrega un botón de exportar en el panel de admin'),
      cowork('add a page to the report about Q3'),
      cowork('add a slide about the new settings page'),
      cowork('create a google form for the team lunch survey'),
      cowork('write documentation for our vacation policy'),
      cowork('explain what a dashboard is'),
      cowork('wire the money to the vendor by friday'),
    ],
  ],
  [
    'repository hints',
    [
      code('run the tests in the frontend repo', { repoHint: 'frontend' }),
      code('fix the login bug in repo api', { repoHint: 'api' }),
      code('bump axios on the payments-service repo', { repoHint: 'payments-service' }),
      code('investigate the failing build in the api repository', { repoHint: 'api' }),
      code('add a health check endpoint for repo web-app', { repoHint: 'web-app' }),
      code('refactor the auth module in my backend repo', { repoHint: 'backend' }),
      code('fix the flaky tests (repo: api)', { repoHint: 'api' }),
      code('corrige los tests rotos en el repo de pagos', { repoHint: 'pagos' }),
      code('fix the flaky tests in the same repo', { repoHint: null }),
      code('fix the flaky tests', { repoHint: null }),
      code('review <https://github.com/acme/billing/pull/7|this PR>', { repoHint: 'billing' }),
    ],
  ],
];


describe('route', () => {
  for (const [group, cases] of TABLE) {
    describe(group, () => {
      for (const { text, expected } of cases) {
        it(`${JSON.stringify(text)} → ${expected.route}${expected.forced ? ' (forced)' : ''}`, () => {
          const decision = route(text);
          assert.equal(decision.route, expected.route, `reason: ${decision.reason}`);
          if (expected.forced !== undefined) assert.equal(decision.forced, expected.forced);
          if (expected.task !== undefined) assert.equal(decision.task, expected.task);
          if (expected.repoHint === null) assert.ok(!('repoHint' in decision), `unexpected repoHint ${decision.repoHint}`);
          else if (expected.repoHint !== undefined) assert.equal(decision.repoHint, expected.repoHint);
        });
      }
    });
  }

  describe('decision shape', () => {
    it('a routed message keeps its text as the task, without mentions', () => {
      const decision = route('<@U1> please draft an email to the client about the delay');
      assert.deepEqual(decision, {
        route: 'cowork',
        forced: false,
        reason: decision.reason,
        task: 'please draft an email to the client about the delay',
      });
    });

    it('a forced decision says so in its reason', () => {
      assert.equal(route('open a code session and make a grocery list').reason, 'forced: the message asks to open a Code session');
    });

    it('a coding decision names what it saw', () => {
      const reason = route('the tests are failing on branch fix/session-timeout').reason;
      assert.match(reason, /failing tests/);
      assert.match(reason, /branch/);
    });

    it('a dependency update says so', () => {
      assert.match(route('update lodash to 4.17.21').reason, /asks to update a dependency/);
    });

    it('a cowork decision without code words says there was no coding signal', () => {
      assert.match(route('write a haiku about the ocean').reason, /^no coding signal/);
    });

    it('an empty message goes to cowork', () => {
      assert.equal(route('').route, 'cowork');
      assert.equal(route('   ').task, '');
    });
  });

  describe('large and hostile input', () => {
    const inputs: ReadonlyArray<readonly [string, string]> = [
      ['100 KB of prose', 'please fix the bug in the checkout module and run the tests again. '.repeat(1600)],
      ['100 KB of one word', 'a'.repeat(100_000)],
      ['100 KB of backticks', '`'.repeat(100_000)],
      ['100 KB of unclosed fences and spans', '```a `b '.repeat(12_500)],
      ['100 KB of colons', ':a'.repeat(50_000)],
      ['100 KB of stack-frame starts', 'at x ('.repeat(16_000)],
      ['100 KB of path-like text', 'src/a.b/c.d:1:'.repeat(7_000)],
      ['100 KB of markup starts', '<@U1|'.repeat(20_000)],
      ['100 KB of override phrases', 'open a code session '.repeat(5_000)],
      ['100 KB of repo phrases', 'in the a b c repo '.repeat(5_500)],
      ['100 KB without spaces', 'x.'.repeat(50_000)],
      ['100 KB of alternating code spans', '`a'.repeat(50_000)],
      ['100 KB of unclosed curly quotes', '\u201C'.repeat(100_000)],
      ['100 KB of accented text', '\u00E9\u00FC \u00DF \u2019'.repeat(16_000)],
    ];
    for (const [name, text] of inputs) {
      it(`routes ${name}`, () => {
        const decision = route(text);
        assert.ok(decision.route === 'code' || decision.route === 'cowork');
      });
    }
  });

  describe('labelled sample', () => {
    it('routes at least 95% of the sample right, and forces every forced line', function () {
      if (!existsSync(samplePath)) this.skip();
      const lines = readFileSync(samplePath, 'utf8')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as { text: string; route: 'code' | 'cowork'; forced: boolean });
      const wrongRoute: string[] = [];
      const notForced: string[] = [];
      for (const line of lines) {
        const decision = route(line.text);
        if (decision.route !== line.route) wrongRoute.push(`${line.route} expected, ${decision.route} (${decision.reason}): ${line.text}`);
        if (line.forced && !decision.forced) notForced.push(line.text);
      }
      const accuracy = (lines.length - wrongRoute.length) / lines.length;
      assert.ok(accuracy >= 0.95, `accuracy ${(accuracy * 100).toFixed(1)}%; misrouted:\n${wrongRoute.join('\n')}`);
      assert.deepEqual(notForced, [], 'forced lines that were not forced');
    });
  });

  describe('held-out messages', () => {
    it('routes at least 90% of the held-out messages right', () => {
      const all = [...HELD_OUT, ...HELD_OUT_B];
      const wrong = all.filter((m) => {
        const decision = route(m.text);
        return decision.route !== m.route || decision.forced !== (m.forced ?? false);
      }).map((m) => `${m.route} expected: ${m.text}`);
      const accuracy = (all.length - wrong.length) / all.length;
      assert.ok(accuracy >= 0.9, `accuracy ${(accuracy * 100).toFixed(1)}%; misrouted:\n${wrong.join('\n')}`);
    });

    it('routes at least 90% of the third held-out list right', () => {
      const wrong = HELD_OUT_C.filter((m) => {
        const decision = route(m.text);
        return decision.route !== m.route || decision.forced !== (m.forced ?? false);
      }).map((m) => `${m.route} expected: ${m.text}`);
      const accuracy = (HELD_OUT_C.length - wrong.length) / HELD_OUT_C.length;
      assert.ok(accuracy >= 0.9, `accuracy ${(accuracy * 100).toFixed(1)}%; misrouted:\n${wrong.join('\n')}`);
    });
  });
});

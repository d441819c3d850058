import assert from 'node:assert/strict';
import type { RoutingContext } from '../../shared/routing/context.js';
import { route, routeByRules } from '../../shared/routing/route.js';

// A shop's repository, as the runner would describe it: dependencies, folders, file names and
// identifiers, lowercased, compound names as words (see extension/core/repoVocabulary.ts).
const SHOP: RoutingContext = {
  repos: [
    {
      name: 'shop',
      vocabulary: {
        terms: ['moment', 'dayjs', 'react', 'react-dom', 'react dom', 'jest', 'zustand', 'src', 'app', 'index', 'readme', 'test', 'lib', 'docs', 'shipping', 'compute shipping cost', 'checkout form', 'loyalty points', 'invoice', 'release-notes', 'release notes'],
      },
    },
    { name: 'website' },
    { name: 'isfail' },
  ],
};

describe('routing with the context of the user’s repositories', () => {
  describe('a message that names things from the user’s code leans to Code', () => {
    for (const text of ['swap moment for dayjs', 'move the store to zustand']) {
      it(`"${text}" is cowork without the context and code with it`, () => {
        // The rules alone: the learned signal may call a library swap coding work without any context.
        assert.equal(routeByRules(text).decision.route, 'cowork');
        const decision = route(text, SHOP);
        assert.equal(decision.route, 'code');
        assert.match(decision.reason, /from your code/);
      });
    }
  });

  describe('generic terms and office work stay where they were', () => {
    for (const text of [
      'what is a closure',
      'summarize the React 19 release notes',
      'write an email to the team about the app launch',
      'update the index of my thesis',
      'write the release notes for the marketing newsletter',
      'shipping costs are going up, draft a note to customers',
      'read the docs of our insurance and tell me if dental is covered',
      'put the invoice totals in a spreadsheet for the accountant',
    ]) {
      it(`"${text}" stays cowork`, () => {
        assert.equal(route(text, SHOP).route, 'cowork');
      });
    }
  });

  describe('repository hints from the machine’s repository names', () => {
    it('a bare repository name is a hint without the word "repo"', () => {
      assert.equal(route('run the tests in isfail', SHOP).repoHint, 'isfail');
      assert.equal(route('fix the header on the website', SHOP).repoHint, 'website');
      assert.equal(route('Run the tests in ISFAIL.', SHOP).repoHint, 'isfail');
    });

    it('without the context, or inside another word, there is no such hint', () => {
      assert.equal(route('run the tests in isfail').repoHint, undefined);
      assert.equal(route('fix the header on the websites-old page', SHOP).repoHint, undefined);
    });

    it('a hint next to the word "repo" wins, as before', () => {
      assert.equal(route('fix the header of the website in the shop repo', SHOP).repoHint, 'shop');
    });

    it('a name with accents or capitals is found as typed without them', () => {
      assert.equal(route('fix the menu on cafe', { repos: [{ name: 'Café' }] }).repoHint, 'Café');
    });

    it('the earliest name in the message wins', () => {
      assert.equal(route('copy the footer from website to isfail', SHOP).repoHint, 'website');
    });
  });

  it('an empty or vocabulary-less context routes as no context does', () => {
    for (const text of ['fix the login bug', 'draft a memo about the offsite', 'swap moment for dayjs']) {
      assert.deepEqual(route(text, { repos: [] }), route(text));
      assert.equal(route(text, { repos: [{ name: 'zz' }] }).route, route(text).route);
    }
  });
});

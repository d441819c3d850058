import assert from 'node:assert/strict';
import { runOnClauses } from '../../shared/routing/clauses.js';
import { route } from '../../shared/routing/route.js';

// Each rule is checked on sentences of development lists committed before it (routingDev2,
// routingDevE and routingDevH; routingDevI for the fixes made after its first score), with office look-alikes that share its words but not its shape.
const CASES: ReadonlyArray<[rule: string, text: string, expected: 'code' | 'cowork']> = [
  // A question whose subject is a part of the product.
  ['subject is a part of the product', 'where does the app decide which currency to show to visitors from canada', 'code'],
  ['subject is a part of the product', 'how does the pricing page pick the annual discount', 'code'],
  ['subject is a part of the product', 'what decides whether a customer gets the loyalty badge in our app', 'code'],
  ['a bare topic is general knowledge', 'how does git rebase work', 'cowork'],
  ['a bare topic is general knowledge', 'what is a good checkout conversion rate for e-commerce', 'cowork'],
  ["a fact about a project is not the product's behaviour", "what's the status of the API migration project?", 'cowork'],
  // "where" and a verb of software: a place in the code.
  ['where and a verb of software', "where do we store the user's language preference", 'code'],
  ['where and a verb of software', 'where is the discount applied when someone uses a gift card and a promo together', 'code'],
  ['where and a verb of software', "où est-ce qu'on calcule les frais de livraison dans le code", 'code'],
  ['where and a verb of software', 'where do we calculate the shipping fee for international orders', 'code'],
  ['where, with an office object, stays office', 'where do most of our customers come from according to the q3 report', 'cowork'],
  ['where without a verb of software', 'where do we stand on the budget for the offsite?', 'cowork'],
  // People as the agent of a why-question: research.
  ['people as the agent', 'why do customers abandon their carts more in december?', 'cowork'],
  ['people as the agent', 'why do people unsubscribe from newsletters after the first email', 'cowork'],
  ['what happens to people because of the product', 'why does the site log people out after five minutes', 'code'],
  // Software verbs said not to happen, and failure verbs, in four languages.
  ['malfunction in French', "le formulaire de contact n'envoie plus rien depuis la mise à jour", 'code'],
  ['malfunction in German', 'die Suche auf der Webseite findet keine Produkte mit Umlauten', 'code'],
  ['failure verb in German', 'der Build schlägt seit dem letzten Merge fehl', 'code'],
  ['failure verb in Portuguese', 'o deploy falhou de novo, vê o que aconteceu', 'code'],
  ['crash idiom in Spanish', 'o sea que la app se cierra sola cuando subes una foto, puedes revisarlo', 'code'],
  ['a symptom said with "arriving twice"', 'o e-mail de confirmação tá chegando duas vezes pros clientes', 'code'],
  // Emails the product sends are a part of it.
  ['an email the product sends', 'why do new accounts get two welcome emails', 'code'],
  ['an email the product sends', 'les clients reçoivent deux fois l\u2019e-mail de bienvenue', 'code'],
  ['writing an email stays office work', 'draft an email to the client about the delay', 'cowork'],
  // Run-on speech: one clause is the request.
  ['a coding clause in a run-on message', 'comment notre appli gère les paiements refusés ? je veux qu\u2019on affiche un message clair', 'code'],
  ['an office clause keeps a run-on message office work', 'ok so um I have this meeting with the investors on thursday and I need like a one page summary of where we are with the numbers', 'cowork'],
  ['an office clause keeps a run-on message office work', 'so yeah can you help me write an email to the landlord about the broken heating and um make it polite but firm', 'cowork'],
  // After list I's first score: a blank page and "nothing happens" in each language, a page
  // shown twice, "has the wrong …", a status that opens the message, a path of the site.
  ['a blank page in French', 'alors euh quand on se connecte avec google ça renvoie vers une page blanche tu peux regarder', 'code'],
  ['a blank page in Spanish', 'pues nada que cuando subo una imagen grande la página se queda en blanco', 'code'],
  ['nothing happens, in German', 'also wenn ich auf speichern klicke kommt eine weiße Seite und nichts passiert', 'code'],
  ['nothing happens, in Portuguese', 'então tipo quando eu clico em salvar aparece uma tela branca e nada acontece', 'code'],
  ['a German verb with its negation at the end', 'der Login-Button reagiert auf dem iPhone nicht mehr', 'code'],
  ['"has the wrong …" is a symptom', 'why do invoices generated on the 31st have the wrong month', 'code'],
  ['an email that never arrives', 'how come the reset password email never arrives for outlook users', 'code'],
  ['where … defined, far from "where"', 'where is the tax rate for each country defined', 'code'],
  ['where with "a gente"', 'onde a gente guarda o token do usuário?', 'code'],
  ['a status and a path of the site', '404 on /settings after login', 'code'],
  ['a price, not a status', '500 euros for the team dinner, is that enough?', 'cowork'],
];

describe('routing questions about the product, malfunctions in five languages, run-on speech', () => {
  for (const [rule, text, expected] of CASES) {
    it(`${rule}: "${text}" → ${expected}`, () => {
      const decision = route(text);
      assert.equal(decision.route, expected, `reason: ${decision.reason}`);
      assert.equal(decision.forced, false);
    });
  }

  it('a run-on message splits at the fillers of speech and at punctuation; a short one stays whole', () => {
    assert.deepEqual(runOnClauses('ok so um the login page is slow and then like it just spins so can you look into that'), [
      'the login page is slow',
      'it just spins',
      'can you look into that',
    ]);
    assert.deepEqual(runOnClauses('fix the login page'), []);
  });
});

/**
 * Questions about the behaviour of the user's own product, told apart from questions of
 * general knowledge and of market research by their shape, in the five languages the router
 * reads:
 *
 * - the subject is a part of the product, with a determiner ("why does the cart empty …",
 *   "how is the recently viewed list populated", "pourquoi notre API renvoie …"), not a
 *   bare topic ("how does git rebase work");
 * - "where" and a verb of software ("where do we store …", "where is the discount
 *   applied", "où est-ce qu'on calcule …"): a place in the code;
 * - the question is asked of the product by name ("… in our app?", "… on the site?");
 * - but people as the agent ("why do customers abandon their carts") ask about people.
 */

import type { WordMatch } from './signals.js';
import { asksWhereInCodeMoreLanguages } from './whereInCodeMoreLanguages.js';

/** What the shape of a question says about the user's own product. */
export interface ProductQuestion {
  /** Asks about a part of the product, or asks where the code does something. */
  readonly aboutProduct: boolean;
  /** Asks why people (customers, users) act as they do, or about any product in general: research, not a bug. */
  readonly peopleAgent: boolean;
}

const NONE: ProductQuestion = { aboutProduct: false, peopleAgent: false };
// A question about things in general weighs as one about people: not a bug of the user's product.
const GENERAL: ProductQuestion = { aboutProduct: false, peopleAgent: true };
const ABOUT_PRODUCT: ProductQuestion = { aboutProduct: true, peopleAgent: false };
const INDEFINITE = new Set('a an any un une des una unos unas um uma uns umas ein eine einer einen een'.split(' '));

const FILLERS = new Set('so ok okay um uh hey hi and but like hmm also btw yeah quick question alors bon et euh pues y entao tipo e und hm also ahm'.split(' '));
const QUESTION_WORDS = new Set('why how where what which when whys pourquoi comment ou quand por porque como onde donde cuando warum wie wo wann perche dove come quale quali quando waarom hoe waar welke wanneer'.split(' '));
const WHERE_WORDS = new Set(['where', 'ou', 'onde', 'donde', 'wo', 'dove', 'waar']);
// Auxiliaries and their like between the question word and the subject ("est-ce que", "is it that").
const AUX = new Set('does do did is are was were will would can could has have come est ce que qu que e es esta estan se is it'.split(' '));
const DETERMINERS = new Set('the our this my your le la les l notre nos ce cette el los las nuestro nuestra nuestros nuestras o a os as nosso nossa nossos nossas der die das den dem unser unsere unseren unserem unserer il lo gli nostro nostri nostre de het onze ons'.split(' '));
const OURS = new Set('we on nous wir gente noi'.split(' '));
const SUBJECT_WINDOW = 3;
const WHERE_WINDOW = 8;
// Verbs of what software does with data, as asked about in "where do we … / where is it …".
const SOFTWARE_VERBS = new Set(
  'store stored save saved persist persisted compute computed calculate calculated cache cached set apply applied validate validated render rendered generate generated decide decided pick picked determine determined load loaded fetch fetched log logged round rounded define defined configure configured parse parsed convert converted trigger triggered sort sorted filter filtered hash hashed encrypt encrypted populate populated initialize initialized implemented implement call called check checked guarda calcule calcules calculons calculee stocke stockons stockee enregistre enregistrons enregistree genere generee definit definie applique appliquee valide validee gere calculamos calcula calculan almacena almacenamos guardamos generamos aplica aplicamos aplicado validamos definimos definido calculado guardado salva salvamos armazena armazenamos gera geramos calculam aplicada validado berechnen berechnet speichern speichert erzeugen erzeugt generieren generiert setzen gesetzt prufen gepruft validieren angewendet calcola calcoliamo salviamo memorizziamo generiamo validiamo controlliamo applichiamo gestiamo berekenen berekent opslaan slaan controleren valideren genereren toepassen'.split(
    ' ',
  ),
);
// "in our app", "on the site", "dans notre appli", "en nuestra app", "no nosso app", "in unserer App".
const IN_OUR_PRODUCT =
  /\b(?:in|on) our (?:app|site|website|api|backend|frontend|platform|checkout|dashboard|admin|product page)\b|\b(?:dans|sur) notre (?:appli|app|application|site|api)\b|\ben nuestra (?:app|aplicacion|web|api)\b|\bn[oa] (?:nosso|nossa) (?:app|aplicativo|site|api)\b|\bin unserer (?:app|anwendung|api)\b/;
const PEOPLE =
  /^(?:customers|people|clients|users|visitors|shoppers|buyers|employees|staff|students|readers|subscribers|consumers|members|guests|patients|candidates|gens|personnes|utilisateurs|clientes|usuarios|pessoas|kunden|leute|nutzer|clienti|utenti|persone|visitatori|klanten|gebruikers|mensen|bezoekers)$/;
// What happens to people because of the product: "why do users get logged out", "see a blank page".
const UNDERGOES = new Set('get gets keep see receive end hit lose have cant cannot never still recoivent voient reciben ven recebem veem bekommen sehen vedono ricevono perdono krijgen zien ontvangen'.split(' '));
const PEOPLE_LEADS = new Set('our the so many most some more do did are were would les los os as die unsere nos i gli nostri tanti molti de onze veel'.split(' '));

/**
 * Reads the shape of a question about the product.
 *
 * @param words - The folded words of the message.
 * @param matches - The vocabulary terms found in them.
 * @param text - The folded text.
 * @returns Whether it asks about the product, and whether it asks about people instead.
 */
export function productQuestion(words: readonly string[], matches: readonly WordMatch[], text: string): ProductQuestion {
  let first = 0;
  while (first < 3 && FILLERS.has(words[first] ?? '')) first++;
  const questionWord = words[first] ?? '';
  if (!QUESTION_WORDS.has(questionWord)) return asksWhereInCodeMoreLanguages(text, words) ? ABOUT_PRODUCT : NONE;
  const peopleAgent = asksAboutPeople(words, first + 1);
  if (peopleAgent) return { aboutProduct: false, peopleAgent };
  if (IN_OUR_PRODUCT.test(text)) return { aboutProduct: true, peopleAgent };
  let at = first + 1;
  if (questionWord === 'por' || questionWord === 'how') at += words[at] === 'que' || words[at] === 'come' ? 1 : 0;
  // "what is the …" asks for a definition or a fact.
  if (questionWord === 'what' && (words[at] === 'is' || words[at] === 'are' || words[at] === 's')) return NONE;
  while (at < first + 5 && AUX.has(words[at] ?? '')) at++;
  // "why does a website get slower …", "perché un sito …", "waarom wordt een website …": any website, a general question.
  if (INDEFINITE.has(words[at] ?? '') && !IN_OUR_PRODUCT.test(text)) return GENERAL;
  if (DETERMINERS.has(words[at] ?? '') && partOfProductWithin(matches, at + 1, at + SUBJECT_WINDOW)) return { aboutProduct: true, peopleAgent };
  if (WHERE_WORDS.has(questionWord) && locatesInCode(words, first + 1)) return { aboutProduct: true, peopleAgent };
  return NONE;
}

function partOfProductWithin(matches: readonly WordMatch[], from: number, to: number): boolean {
  for (const m of matches) {
    if (m.index > to) return false;
    if (m.index >= from && (m.term.kind === 'surface' || m.term.kind === 'codeObject') && m.term.weight >= 1) return true;
  }
  return false;
}

/** "where do we store", "where is the discount applied", "onde a gente calcula", "wo berechnen wir". */
function locatesInCode(words: readonly string[], from: number): boolean {
  let ours = false;
  let verb = false;
  for (let i = from; i < from + WHERE_WINDOW && i < words.length; i++) {
    const word = words[i] ?? '';
    if (OURS.has(word) || DETERMINERS.has(word) || /^\w{3,}(?:amos|emos|imos|ons|iamo)$/.test(word)) ours = true;
    if (SOFTWARE_VERBS.has(word)) verb = true;
  }
  return ours && verb;
}

/** "why do customers abandon …", "pourquoi les clients partent": people, doing something themselves. */
function asksAboutPeople(words: readonly string[], from: number): boolean {
  for (let i = from; i < from + 4 && i < words.length; i++) {
    const word = words[i] ?? '';
    if (PEOPLE.test(word)) return !UNDERGOES.has(words[i + 1] ?? '');
    if (!PEOPLE_LEADS.has(word) && !AUX.has(word)) return false;
  }
  return false;
}

/**
 * A bug told by what people meet in the product: "patients in Arizona get their reminder an
 * hour early", "French users see English text on the payment screen", "Kunden bekommen keine
 * Bestätigungsmail", "клиенты получают письмо дважды". People are the subject and they undergo
 * something (see, get, receive, cannot), said as a statement; "why do customers abandon carts"
 * (people acting, asked why) is research, told apart in `productQuestion.ts`.
 */

import { foldText } from './normalize.js';

const foldedWords = (list: string): Set<string> => new Set(foldText(list).split(' '));

const PEOPLE = foldedWords(
  'customers users clients patients members subscribers buyers shoppers guests visitors students drivers riders agents admins merchants sellers utilisateurs abonnés clientes usuarios pacientes pessoas kunden nutzer benutzer patienten clienti utenti pazienti klanten gebruikers клиенты пользователи покупатели юзеры klienci użytkownicy müşteriler kullanıcılar kunder användare',
);
const UNDERGO = foldedWords(
  'see seeing get getting gets got receive receiving received cant cannot keep still never voient reçoivent recoivent ven reciben veem recebem sehen bekommen erhalten vedono ricevono zien krijgen ontvangen видят получают widzą dostają otrzymują görüyor alıyor ser får',
);
// Words that ask, or that make the people the topic of office work: "how many customers see …", "customers get a discount, write the email".
const ASKS = foldedWords('why how what which who when where should would could do does did');
const SUBJECT_WINDOW = 8;
const VERB_WINDOW = 6;

/**
 * Whether a message reports what people meet in the product.
 *
 * @param words - The folded words of the message.
 */
export function peopleMeetProduct(words: readonly string[]): boolean {
  if (ASKS.has(words[0] ?? '')) return false;
  for (let i = 0; i < SUBJECT_WINDOW && i < words.length; i++) {
    if (!PEOPLE.has(words[i] ?? '')) continue;
    for (let j = i + 1; j <= i + VERB_WINDOW && j < words.length; j++) if (UNDERGO.has(words[j] ?? '')) return true;
    return false;
  }
  return false;
}

/**
 * The router's vocabulary in Italian and Dutch (folded: lower case, no accents): the verbs
 * of coding work, the things of a codebase, failure words, and the office work that must
 * stay Cowork ("correggi gli errori in questa lettera", "vat dit artikel samen").
 * Appended to `lexicon.ts`'s rows: a form listed there first keeps its meaning.
 */

import type { TermKind } from './lexicon.js';

type Row = readonly [kind: TermKind, weight: number, label: string, forms: string, failLabel?: string];

export const IT_NL_ROWS: readonly Row[] = [
  // Verbs that are coding work by themselves.
  ['codeVerb', 1, 'fix', 'correggi correggere correggilo correggila sistema sistemare sistemala sistemalo ripara riparare aggiusta aggiustare fixa fixare'],
  ['codeVerb', 1, 'fix', 'fixen repareer repareren herstel herstellen verhelp verhelpen'],
  ['codeVerb', 2, 'deploy', 'deploya deployare rilascia+in+produzione uitrollen'],
  ['codeVerb', 1, 'merge', 'mergia mergiare mergen'],
  ['codeVerb', 3, 'refactor', 'rifattorizza rifattorizzare refactora refactorare refattorizza refactoren'],
  ['codeVerb', 3, 'debug', 'debugga debuggare debuggen'],
  ['codeVerb', 2, 'compile', 'compileer compileren'],
  ['codeVerb', 1, 'rename', 'rinomina rinominare hernoem hernoemen'],
  ['codeVerb', 1, 'implement', 'implementa implementare implementeer implementeren'],
  ['codeVerb', 1, 'migrate', 'migra migrare migreer migreren'],
  ['codeVerb', 1, 'install', 'installa installare installeer installeren'],
  // Verbs that are coding work only next to a code object.
  ['actionVerb', 0, 'run', 'esegui eseguire lancia lanciare rilancia avvia draai draaien voer uitvoeren'],
  ['actionVerb', 0, 'update', 'aggiorna aggiornare bijwerken'],
  ['actionVerb', 0, 'add', 'aggiungi aggiungere voeg toevoegen'],
  ['actionVerb', 0, 'remove', 'rimuovi rimuovere cancella togli verwijder verwijderen'],
  ['actionVerb', 0, 'write', 'scrivi scrivere schrijf schrijven'],
  ['actionVerb', 0, 'check', 'controlla controllare verifica verificare controleer controleren'],
  ['actionVerb', 0, 'make', 'creare maak maken'],
  ['actionVerb', 0, 'change', 'wijzig wijzigen verander veranderen'],
  ['actionVerb', 0, 'investigate', 'analizza analizzare indaga onderzoek onderzoeken bekijk'],
  ['actionVerb', 0, 'find', 'trova cerca zoek vind'],
  ['actionVerb', 0, 'improve', 'migliora ottimizza verbeter optimaliseer'],
  ['actionVerb', 0, 'generate', 'genereer'],
  ['actionVerb', 0, 'set up', 'configureer'],
  ['actionVerb', 0, 'review', 'rivedi revisiona'],
  // Verbs of office work.
  ['coworkVerb', -2, 'translation', 'traduci tradurre vertaal vertalen'],
  ['coworkVerb', -2, 'a summary', 'riassumi riassumere samenvatten vat+samen'],
  ['coworkVerb', -2, 'planning', 'organizza organizzare pianifica'],
  ['coworkVerb', -2, 'research', 'bedenk'],
  ['coworkVerb', -1, 'planning', 'prenota plannen'],
  // "spiegami cos'è …", "leg uit wat … is": a request for an explanation, as "explain" is in English.
  ['coworkVerb', -2, 'research', 'spiegami spiegare spiega leg+uit uitleggen'],
  // Things that live in a codebase.
  ['codeObject', 2, 'a branch', 'ramo'],
  ['codeObject', 2, 'a dependency', 'dipendenza dipendenze afhankelijkheid afhankelijkheden'],
  ['codeObject', 2, 'a function', 'funzione funzioni functie functies'],
  ['codeObject', 2, 'code', 'codice'],
  ['codeObject', 2, 'a build error', 'compileerfout compileerfouten errore+di+compilazione'],
  ['codeObject', 1, 'the build', 'compilazione'],
  ['codeObject', 1, 'a variable', 'variabile variabili variabele'],
  ['codeObject', 1, 'a service', 'servizio'],
  ['codeObject', 1, 'a library', 'bibliotheek'],
  ['codeObject', 1, 'a package', 'pacchetto pakket'],
  ['codeObject', 1, 'the login', 'autenticazione accesso inloggen'],
  ['codeObject', 1, 'a release', 'rilascio'],
  ['codeObject', 2, 'tests', 'testen', 'failing tests'],
  ['surface', 1, 'the UI', 'pulsante pulsanti bottone knop knoppen inlogknop formulier carrello winkelwagen'],
  // Failure words.
  ['failure', 1, 'a failure', 'fallisce falliscono fallito fallita rotto rotta rotti errore errori non+funziona faalt falen gefaald kapot werkt+niet crasht'],
  ['codeObject', 1, 'performance', 'lento lenti lenta traag'],
  // What users see is wrong: "la data sbagliata", "de verkeerde datum".
  ['failure', 1, 'a failure', 'sbagliato sbagliata sbagliati sbagliate errato errata errati verkeerd verkeerde si+blocca si+bloccano crasha va+in+crash loopt+vast'],
  // Parts of a product and what is done with them, as non-developers name them.
  ['surface', 1, 'the UI', 'pagina+delle pagina+di modulo+di+iscrizione iscrizione registrazione aanmelden aanmeldknop aanmeldformulier winkelmandje factuurpagina schermata'],
  ['surface', 1, 'the website', 'sito sito+web nostro+sito onze+website'],
  ['actionVerb', 0, 'make', 'rendi fai'],
  // "ci sono" is "there are", not CI: a longer form, weighing nothing, takes the words first.
  ['coworkObject', 0, 'planning', 'ci+sono ci+siamo ci+vuole'],
  // Office work.
  ['coworkObject', -2, 'writing', 'lettera paragrafo alinea spelfouten supportantwoord antwoord risposta scuse excuses'],
  ['coworkObject', -2, 'planning', 'piano+per piano+di riunione vergadering viaggio reis regalo cadeau compleanno verjaardag'],
  ['coworkObject', -2, 'a summary', 'riassunto samenvatting'],
  ['coworkObject', -2, 'spreadsheet work', 'foglio+di+calcolo'],
  ['coworkObject', -2, 'research', 'presentazione presentatie'],
  ['coworkObject', -1, 'spreadsheet work', 'spese uitgaven'],
];

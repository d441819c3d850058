/**
 * More of the router's vocabulary: the parts of a product, what its users see happen, and
 * the everyday verbs of asking for a change, in the five languages the router reads (folded:
 * lower case, no accents). People describe coding work in these words ("o botão de perfil",
 * "la página tarda en cargar", "der Warenkorb ist leer") as often as in code words.
 * Appended to `lexicon.ts`'s rows: a form listed there first keeps its meaning.
 */

import type { TermKind } from './lexicon.js';

type Row = readonly [kind: TermKind, weight: number, label: string, forms: string, failLabel?: string];

export const PRODUCT_ROWS: readonly Row[] = [
  // Parts of a product.
  ['surface', 1, 'the UI', 'footer navbar profile+page perfil profil tela telas cadastro inscricao pagina+inicial pagina+de+inicio startseite accueil page+d+accueil carrossel carrusel carousel notification notifications notificacao notificacoes notificacion notificaciones benachrichtigung benachrichtigungen'],
  ['surface', 1, 'the UI', 'botoes botones boutons knopfe anmeldeformular formularios formulaires campos champs felder menu+lateral barra+de+busqueda barra+de+pesquisa barre+de+recherche suchleiste'],
  ['codeObject', 1, 'the login', 'senha senhas contrasena mot+de+passe passwort password passwords sesion sessao'],
  ['surface', 1, 'the UI', 'nav favicon search hero+section hero+text hero+image'],
  ['codeObject', 1, 'the login', 'logged+in logged+out signed+in'],
  ['codeObject', 1, 'production', 'prod'],
  ['surface', 1, 'the UI', 'cabecalho rodape the+search la+recherche die+suche a+busca la+busqueda'],
  ['actionVerb', 0, 'change', 'mets mettre pon poner deixa deixe coloca coloque'],
  ['actionVerb', 0, 'add', 'fug'],
  // The user's own devices and office files are not code: "a tela do meu notebook quebrou".
  ['coworkObject', -2, 'spreadsheet work', 'planilha planilhas'],
  ['coworkObject', -1, 'advice', 'laptop notebook computador ordinateur ordenador printer impressora imprimante impresora drucker'],
  ['codeVerb', 2, 'bump', 'sube+la+version subir+la+version sobe+a+versao subir+a+versao'],
  ['actionVerb', 0, 'remove', 'hide unhide'],
  ['codeObject', 1, 'an HTTP request', 'fetch'],
  ['codeObject', 1, 'a database', 'col cols'],
  // Malfunctions users see: freezes, hangs, slow loading.
  ['failure', 1, 'a failure', 'quebrando quebrou ladt+nicht laedt+nicht no+carga nao+carrega ne+charge+pas is+down went+down returns+nothing shows+nothing overlaps overlap overlapping misaligned overflows'],
  ['failure', 1, 'a failure', 'errado errada errados erradas trava travou travando congela congelou plante plantent se+cuelga se+bloquea hangt friert+ein sturzt'],
  ['codeObject', 1, 'performance', 'a+charger en+cargar para+carregar carregar lade ladt+langsam lent lente lenta lento langsam demora+para tarda+en tarda+mucho'],
  // Verbs of asking for a change.
  ['actionVerb', 0, 'make', 'faz faca fazer cria criar crie haz hace fais faire mach mache'],
  ['actionVerb', 0, 'change', 'muda mudar mude cambie change+it'],
  ['actionVerb', 0, 'handle', 'mostre mostrar affiche afficher muestra mostrar zeige zeigen anzeigen'],
  // The same verbs and things of software work in the other four languages, as people conjugate them.
  ['codeVerb', 3, 'refactor', 'refatora refatorar refatore refatorem refactorice refactorisez'],
  ['actionVerb', 0, 'make', 'bau baue bauen'],
  ['codeObject', 2, 'a UI feature', 'paginierung paginacion paginacao'],
  ['surface', 1, 'the website', 'webseite webseiten sitio+web'],
  ['codeObject', 1, 'the app', 'appli applis aplicativo'],
  ['failure', 1, 'a failure', 'falhou falha falhando falharam fallando fallaron fehl se+cierra+sola se+cierra+solo fecha+sozinho fecha+sozinha se+ferme+tout+seul se+ferme+toute+seule'],
  // Jobs that run in the background: "the nightly job didn't run".
  ['codeObject', 2, 'a background job', 'nightly+job background+job scheduled+job batch+job cron+job job+queue worker+job'],
  // Emails the product sends are part of it: "the welcome email", "l'e-mail de bienvenue", "die Bestätigungsmail".
  [
    'surface',
    1,
    'an email the product sends',
    'order+confirmation+email welcome+email confirmation+email reminder+email verification+email receipt+email notification+email activation+email transactional+email password+reset+email order+confirmation e+mail+de+confirmacao e+mail+de+confirmation mail+de+confirmation email+de+confirmacao email+de+confirmation e+mail+de+bienvenue mail+de+bienvenue email+de+bienvenue email+de+boas+vindas e+mail+de+boas+vindas correo+de+confirmacion correo+de+bienvenida bestatigungsmail bestatigungsmails willkommensmail',
  ],
  ['codeObject', 1, 'a token', 'token tokens access+token refresh+token'],
  ['codeObject', 1, 'performance', 'lentisima lentisimo lentissima lentissimo super+lent super+lente'],
  ['surface', 1, 'the website', 'la+web'],
  // Things bought with, not office work: "a gift card and a promo".
  ['coworkObject', 0, 'planning', 'gift+card gift+cards gift+voucher'],
];

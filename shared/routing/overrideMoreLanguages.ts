/**
 * The "open a Code session" override in Polish, Russian, Turkish, Swedish, Japanese, Korean
 * and Chinese. `override.ts` reads the seven languages of the lexicon as tokens; these
 * languages inflect the session noun (sesję, сессию, oturumu), put the verb last (Turkish,
 * Japanese, Korean) or write no spaces (Japanese, Chinese), so each has one pattern of its
 * own: a verb of opening next to a session noun that names Code. A negation next to the
 * verb ("nie otwieraj", "не надо", "açmana gerek yok", "開かなくていい", "열 필요 없고",
 * "不用开") declines the session, and a question word asks about one.
 */

import type { OverrideResult } from './override.js';

// A session that names Code: "Code-сессию", "sesję Code", "kodsession", "コードセッション", "代码会话".
const CODE = String.raw`(?:claude[\s-]?code|code|kod[a-zęąu]*|код[а-я]*|コード|코드|代码|代碼|程式碼)`;
const SESSION_PL = String.raw`sesj[a-zęąi]*`;
const SESSION_RU = String.raw`сесси[а-яё]*`;

interface LanguagePattern {
  readonly lang: string;
  /** A request: the verb and the session phrase, in this language's order. */
  readonly request: RegExp;
  /** Words that decline the session when they come just before the request or just after it. */
  readonly negation: RegExp;
  /** Words that make the clause a question about sessions. */
  readonly question: RegExp;
}

const LANGUAGES: readonly LanguagePattern[] = [
  {
    lang: 'pl',
    request: new RegExp(
      String.raw`(?:otw[oó]rz(?:cie)?|otworzy[cć]|uruchom(?:cie)?|odpal(?:cie)?|zacznij|rozpocznij|w[lł][aą]cz|za[lł][oó][zż]|stw[oó]rz|utw[oó]rz|potrzebuj[eę]|chc[eę])` +
        String.raw`(?:[\s,]+(?:mi|nam|now[aą]|jedn[aą]|prosz[eę]|pan|pani))*[\s,]+(?:${SESSION_PL}\s+(?:w\s+)?${CODE}|${CODE}[\s-]?${SESSION_PL}|${CODE}\s+session)`,
      'iu',
    ),
    negation: /\b(?:nie|bez|nie\s+trzeba|niepotrzebn)/iu,
    question: /\b(?:jak|czy|dlaczego|co\s+to)\b/iu,
  },
  {
    lang: 'ru',
    request: new RegExp(
      String.raw`(?:откр(?:ой|ойте|ыть)|запуст(?:и|ите|ить)|начн(?:и|ите)|созда(?:й|йте|ть)|стартан[иу]|нужн[аоы]|хочу|давай)` +
        String.raw`(?:[\s,]+(?:мне|нам|новую|одну|пожалуйста|ещё|еще))*[\s,]+(?:${SESSION_RU}\s+(?:в\s+)?${CODE}|${CODE}[\s-]?${SESSION_RU}|${CODE}\s+session)`,
      'iu',
    ),
    negation: /(?:^|[^а-яё])(?:не|без|не\s+надо|не\s+нужно)(?:$|[^а-яё])/iu,
    question: /(?:^|[^а-яё])(?:как|почему|зачем|что\s+такое)(?:$|[^а-яё])/iu,
  },
  {
    lang: 'tr',
    // Verb last: "bir Code oturumu aç", "yeni kod oturumu başlatır mısın", "Code'da oturum başlat"; -ma/-me is the negative ("açma").
    request: new RegExp(
      String.raw`(?:(?:bir|yeni)\s+)*${CODE}(?:'?(?:da|de|ta|te|la|le))?\s+(?:(?:bir|yeni)\s+)?(?:oturum[uı]?|session[ıi]?)\s+(?:(?:bir|yeni|l[uü]tfen)\s+)*(?:a[cç](?!ma|mak)[a-zçğıöşü]*|ba[sş]lat(?!ma|mak)[a-zçğıöşü]*|olu[sş]tur(?!ma|mak)[a-zçğıöşü]*)(?:\s+m[ıi]s[ıi]n(?:[ıi]z)?)?`,
      'iu',
    ),
    negation: /(?:gerek\s+yok|gerekmez|istemiyorum|olmadan)/iu,
    question: /(?:^|\s)(?:nas[ıi]l|neden|nedir|ne\s+zaman)(?:$|\s|\?)/iu,
  },
  {
    lang: 'sv',
    request: new RegExp(
      String.raw`(?:[oö]ppna|starta|skapa|dra\s+ig[aå]ng|k[oö]r\s+ig[aå]ng|beh[oö]ver|vill\s+ha)(?:\s+(?:en|ny|mig|[aå]t\s+mig|g[aä]rna|snabbt))*\s+(?:${CODE}[\s-]?session|session\s+i\s+${CODE})`,
      'iu',
    ),
    negation: /(?:^|\s)(?:inte|ingen|utan|beh[oö]vs\s+inte)(?:$|\s)/iu,
    question: /(?:^|\s)(?:hur|varf[oö]r|vad\s+[aä]r)(?:$|\s)/iu,
  },
  {
    lang: 'ja',
    // "Codeセッションを開いて", "コードセッションを起動してください"; 開かない / 開かず / 開かなくて decline.
    request: new RegExp(
      String.raw`${CODE}\s*の?\s*セッション\s*(?:を|で)?\s*(?:新しく|すぐ)?\s*(?:開(?!かな|かず)|ひら(?!かな|かず)|起動(?!しな|せず)|開始(?!しな|せず)|始め(?!な|ず)|はじめ(?!な|ず)|立ち上げ(?!な|ず)|作成(?!しな|せず)|作っ)`,
      'iu',
    ),
    negation: /(?:不要|いらない|必要はない|必要ない|なくていい|なくて大丈夫)/u,
    question: /(?:どうやって|どうすれば|方法|とは|って何|なぜ|どこ|いつ|できる|できます)/u,
  },
  {
    lang: 'ko',
    // "코드 세션 열어줘", "Code 세션을 시작해"; 열지 마 / 안 열어 / 필요 없 decline.
    request: new RegExp(
      String.raw`${CODE}\s*세션\s*(?:을|를|하나|좀|\s)*(?:열(?!지|\s*필요)|시작(?!하지|\s*필요)|띄워|띄우|만들어|켜(?!지))`,
      'iu',
    ),
    negation: /(?:안\s*열|열지|필요\s*없|하지\s*마|말고)/u,
    question: /(?:어떻게|왜|뭐야|무엇|방법|어디|언제|가능|할\s*수\s*있)/u,
  },
  {
    lang: 'zh',
    // "打开一个 Code 会话", "开个代码会话", "启动 Claude Code 會話"; 不用开 / 别开 / 不要打开 decline.
    request: new RegExp(
      String.raw`(?:打开|打開|开启|開啟|启动|啟動|新建|创建|建立|开|開)\s*(?:一个|一個|个|個|新的|一下)?\s*${CODE}\s*(?:会话|會話|session)`,
      'iu',
    ),
    negation: /(?:不用|不要|别|別|无需|無需|不必|没必要|沒必要)\s*(?:再\s*)?$/u,
    question: /(?:怎么|怎麼|如何|为什么|為什麼|是什么|是什麼|哪里|哪裡|哪儿|什么时候|能不能|可以吗|可以嗎)/u,
  },
];

// Every pattern names a session noun of its own language: most messages are done with one test.
const MAY_NAME_SESSION = /sesj|сесси|oturum|session|セッション|세션|会话|會話/iu;
// What joins the phrase to the task: "… and", "… и", "… ve", "…、", "…，帮我".
const JOINER = /^[\s,.:;!?、，。：；！？-]*(?:i|oraz|a|и|а|ve|och|して|그리고|然后|然後|并且|並且|并|並)?[\s,.:;!?、，。：；！？-]*/iu;
const NEGATION_WINDOW = 12;
const ASKED = /[?？]\s*$/u;
// The session noun of each language next to a word for Code, in either order.
const SESSION_NOUN = String.raw`(?:${SESSION_PL}|${SESSION_RU}|oturum[uı]?|session|セッション|세션|会话|會話)`;
const MENTION = new RegExp(String.raw`${CODE}[\s-]?${SESSION_NOUN}|${SESSION_NOUN}\s+(?:w\s+|в\s+|i\s+)?${CODE}`, 'iu');

/**
 * Finds the override in one of the seven further languages.
 *
 * @param text - The normalised message.
 * @param masked - The same text with code blanked out (same offsets).
 * @returns The override, or undefined when no pattern names a session.
 */
export function detectOverrideInMoreLanguages(text: string, masked: string): OverrideResult | undefined {
  if (!MAY_NAME_SESSION.test(masked)) return undefined;
  for (const language of LANGUAGES) {
    const found = language.request.exec(masked);
    if (!found) continue;
    const start = found.index;
    const end = start + found[0].length;
    const spans = [[start, end] as const];
    const before = masked.slice(Math.max(0, start - NEGATION_WINDOW), start);
    const after = masked.slice(end, end + NEGATION_WINDOW);
    if (language.negation.test(before) || (language.lang !== 'zh' && language.negation.test(after))) return { kind: 'negated', task: text, spans };
    if (language.question.test(masked.slice(0, questionScopeEnd(masked, end)))) return { kind: 'question', task: text, spans };
    return { kind: 'forced', task: taskWithout(text, start, end), spans };
  }
  // A session named without a verb of opening: declined ("nie otwieraj sesji Code"), asked about, or only mentioned.
  const mention = MENTION.exec(masked);
  if (!mention) return undefined;
  const start = mention.index;
  const end = start + mention[0].length;
  const near = `${masked.slice(Math.max(0, start - 2 * NEGATION_WINDOW), start)} ${masked.slice(end, end + NEGATION_WINDOW)}`;
  const spans = [[start, end] as const];
  if (LANGUAGES.some((language) => language.negation.test(near))) return { kind: 'negated', task: text, spans };
  // "Code会话能看到我们公司的私有仓库吗？": named in a question.
  if (LANGUAGES.some((language) => language.question.test(masked)) || ASKED.test(masked)) return { kind: 'question', task: text, spans };
  return { kind: 'none', task: text, spans };
}

// The rest of a verb after the pattern's stem ("開いて", "열고", "otwórz"), and what joins a task to it.
const VERB_REST = /^[\p{Script=Hiragana}\p{Script=Hangul}a-zçğıöşüęąłńśźżó]*/u;
const JOINS_TASK = /(?:て|で|고|서)$/u;
const JOINER_NEXT = /^\s*(?:[,、，:;—–-]|(?:i|a|и|а|och|ve|oraz)\s)/iu;

/**
 * Where a question word still makes the request a question about sessions. Just after the
 * request it may ("Codeセッションを開く方法は？"); once a task is joined to the request
 * ("Code 세션 열고 배포가 왜 실패하는지 봐줘"), a question word belongs to the task.
 */
function questionScopeEnd(masked: string, end: number): number {
  const verbRest = VERB_REST.exec(masked.slice(end))?.[0] ?? '';
  const joined = JOINS_TASK.test(verbRest) || JOINER_NEXT.test(masked.slice(end + verbRest.length));
  return joined ? end + verbRest.length : end + NEGATION_WINDOW;
}

/** The message less the phrase and the words that join it to the task. */
function taskWithout(text: string, start: number, end: number): string {
  // Japanese and Korean verbs go on after the stem ("開いて", "열어서"): drop the rest of the verb up to the next break.
  const rest = text.slice(end).replace(/^[\p{Script=Hiragana}\p{Script=Hangul}a-zçğıöşüı]*/u, '');
  const task = `${text.slice(0, start).trim()} ${rest.replace(JOINER, '')}`.trim();
  return task.length > 0 ? task : text;
}

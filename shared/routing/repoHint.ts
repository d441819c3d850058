/**
 * Repository hints: the repository a message names ("in the frontend repo", "(repo: api)").
 */

const NAME = String.raw`([A-Za-z0-9][\w.\/-]{0,99})`;
const REPO_WORD = String.raw`(?:repo|repository|repositorio|d[ée]p[ôo]t)`;
const ARTICLE = String.raw`(?:(?:the|my|our|your|this|that|el|la|le|mi|nuestro|mon|notre|das|dem|den|unser(?:em)?)\s+)?`;
const PREPOSITION = String.raw`(?:in|on|for|from|to|at|of|into|inside|within|across|against|under|en|dans|sur|del|de|im|auf|f[üu]r)`;

// "in the frontend repo", "on the payments-service repo", "in my backend repository"
const NAME_BEFORE = new RegExp(String.raw`\b${PREPOSITION}\s+${ARTICLE}${NAME}\s+${REPO_WORD}\b`, 'gi');
// "in repo api", "for repo web-app", "repo: api", "repo called api", "el repo de pagos"
// Without an article the name may follow directly ("in repo api"); after an article it
// needs a marker ("in the repo: api", "el repo de pagos"), or "push to the repo today" would name "today".
const NAMED = String.raw`(?:called|named|de|del|du|von)\s+`;
const NAME_AFTER = new RegExp(
  String.raw`(?:\b${PREPOSITION}\s+${REPO_WORD}\s+(?:${NAMED})?|\b${PREPOSITION}\s+${ARTICLE}${REPO_WORD}\s*(?:[:=]\s*|${NAMED})|\(?\b${REPO_WORD}\s*[:=]\s*|\b${REPO_WORD}\s+(?:called|named)\s+)${NAME}`,
  'gi',
);
// "im api-Repo", "in the web-app-repo"
const HYPHENATED = /\b([A-Za-z0-9][\w.-]{0,99})-(?:repo|repository)\b/gi;
const REPO_URL = /(?:github\.com|gitlab\.com|bitbucket\.org)\/[\w.-]{1,100}\/([\w.-]{1,100})/i;

const REPO_MENTION = /repo|d[ée]p[ôo]t/gi;
const MAX_MENTIONS = 20;
const WINDOW = 130;

// Words that sit where a name would but are not one ("in the same repo", "the repo and").
const NOT_A_NAME = new Set(
  'the a an my our your their his her its this that these those same whole entire main other another new old right wrong correct current one each every any some git github gitlab code which what where and or but to for with on in of is are was it so then please root readme itself history settings el la los las le les un una mi mis tu su nuestro mon ma mes notre der die das dem den ein eine mein meinem unser unserem'.split(
    ' ',
  ),
);

/**
 * Finds the repository a message names.
 *
 * @param text - The normalised message.
 * @param links - Link URLs found in the message; a GitHub, GitLab or Bitbucket link names its repository.
 * @returns The repository name as written (`frontend`, `payments-service`), or undefined.
 */
export function findRepoHint(text: string, links: readonly string[] = []): string | undefined {
  // Only the text around the first few mentions of a repository is read.
  REPO_MENTION.lastIndex = 0;
  let mentions = 0;
  for (let m = REPO_MENTION.exec(text); m !== null && mentions < MAX_MENTIONS; m = REPO_MENTION.exec(text), mentions++) {
    const name = nameNear(text.slice(Math.max(0, m.index - WINDOW), m.index + m[0].length + WINDOW));
    if (name) return name;
  }
  for (const source of [...links, text]) {
    const name = REPO_URL.exec(source)?.[1];
    if (name) return cleanName(name.replace(/\.git$/, ''));
  }
  return undefined;
}

const NAME_PATTERNS: readonly RegExp[] = [NAME_BEFORE, NAME_AFTER, HYPHENATED];

function nameNear(window: string): string | undefined {
  // The earliest mention wins, whichever pattern finds it.
  let bestIndex = Infinity;
  let bestName: string | undefined;
  for (const pattern of NAME_PATTERNS) {
    // exec from 0 rather than matchAll, which copies the expression on every call; none of
    // these matches an empty string, so the matches are the same, in the same order.
    pattern.lastIndex = 0;
    for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
      if (match.index >= bestIndex) break;
      const name = match[1] === undefined ? undefined : cleanName(match[1]);
      if (name) {
        bestIndex = match.index;
        bestName = name;
        break;
      }
    }
  }
  return bestName;
}

function cleanName(raw: string): string | undefined {
  const name = raw.replace(/[.\/-]+$/, '');
  return name.length > 0 && !NOT_A_NAME.has(name.toLowerCase()) ? name : undefined;
}

/**
 * "Where do we compute the delay between retries?" asks for a place in the user's code. This
 * reads that shape in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese, whose
 * word order and verb endings the word-by-word reading in `productQuestion.ts` cannot follow:
 * a word of "where" and, after it, a verb of what software does with data.
 *
 * The verb must be said of "us" or of the system ("где мы считаем", "gdzie liczymy",
 * "nerede hesaplıyoruz", "var sparar vi", "どこで計算してる", "어디서 계산하고 있", "我们在哪里算"):
 * "where should one store passwords" (an infinitive, or "should") asks for advice, not for a
 * place in someone's code.
 */

import { ANY_CJK, closeUpCjkWords } from './cjkSegments.js';
import { NON_ASCII, foldedPattern } from './normalize.js';


// Polish, Russian and Turkish mark "we" (and the passive) in the verb's ending.
const SPACED_PLACES: readonly RegExp[] = [
  // Russian: где / в каком месте (файле) … a 1st-plural or reflexive present ("считаем", "хранится").
  foldedPattern(
    String.raw`(?:^|[^\p{L}])(?:где|в каком (?:месте|файле|модуле|сервисе))(?:[^\p{L}]+\p{L}+){0,5}?[^\p{L}]+(?:пере)?(?:счита|вычисля|рассчитыва|храни|хран|сохраня|записыва|пише|генериру|формиру|провер|валидиру|зада|выставля|устанавлива|обрабатыва|логиру|кеширу|кэширу|парси|округля|определя|выбира|отправля|шле|шлё|загружа|гру|рендери|рису|собира|стро|считыва)\p{L}*(?:ем|им|ём|ется|ится|ются|ятся|ен|ена|ено|ены)(?![\p{L}])`,
  ),
  foldedPattern(String.raw`(?:^|[^\p{L}])где у нас(?![\p{L}])`),
  // Polish: gdzie / w którym miejscu (pliku) … a 1st-plural ("liczymy") or "się" ("liczy się").
  foldedPattern(
    String.raw`(?:^|[^\p{L}])(?:gdzie|w którym (?:miejscu|pliku|module|serwisie))(?:[^\p{L}]+\p{L}+){0,5}?[^\p{L}]+(?:prze)?(?:licz|oblicz|wylicz|przechow|zapisuj|trzym|generuj|sprawdz|waliduj|ustawi|przetwarz|loguj|cachuj|keszuj|parsuj|zaokrągl|określ|decyduj|wybier|wysył|ładuj|renderuj|wyznacz|budujemy|tworz)\p{L}*(?:my|ny|ne|na|ane|ony|ona|one)(?![\p{L}])`,
  ),
  foldedPattern(String.raw`(?:^|[^\p{L}])gdzie(?:[^\p{L}]+\p{L}+){0,4}?[^\p{L}]+się (?:licz|oblicz|przechow|zapis|trzym|generuj|sprawdz|ustaw|przetwarz|loguj|wysył|ładuj)`),
  foldedPattern(String.raw`(?:^|[^\p{L}])gdzie u nas(?![\p{L}])`),
  // Turkish: nerede / hangi dosyada … a verb in -yoruz ("hesaplıyoruz") or a passive in progress ("hesaplanıyor").
  foldedPattern(
    String.raw`(?:^|[^\p{L}])(?:nerede|nerde|nereden|nereye|hangi (?:dosyada|modülde|serviste|fonksiyonda|kısımda))(?:[^\p{L}]+\p{L}+){0,2}?[^\p{L}]+(?:hesapl|sakl|tut|kayded|kaydet|oluştur|üret|doğrul|ayarl|işl|logl|kontrol ed|belirl|karar ver|gönder|yükl|render|pars|yuvarl|seç|topl|yaz)\p{L}*(?:yoruz|yor|ıyor|iyor|uyor|üyor|ıyoruz|iyoruz|uyoruz|üyoruz)(?![\p{L}])`,
  ),
  // Swedish: var … vi / hos oss ("var räknar vi ut", "var sparar vi"), or "var i koden".
  foldedPattern(
    String.raw`(?:^|[^\p{L}])var (?:någonstans )?(?:räknar|beräknar|sparar|lagrar|sätter|genererar|validerar|kontrollerar|hanterar|loggar|cachar|avrundar|parsar|bestämmer|skickar|laddar|renderar|skapar|bygger|läser|skriver|väljer|gör) (?:vi|man)(?![\p{L}])`,
  ),
  foldedPattern(String.raw`(?:^|[^\p{L}])var (?:i koden|i appen|hos oss|i vår kod|i vårt system)(?![\p{L}])`),
];

// Japanese, Korean and Chinese: a word of "where", then within a short stretch a verb of software;
// the text is matched with no spaces, as it is written.
const WRITTEN_PLACES: readonly RegExp[] = [
  // Japanese: どこで / どこに / どのファイル … 計算してる, 保存している, 設定されてる.
  foldedPattern(String.raw`(?:どこで|どこに|どこの|どのファイル|どのモジュール|どの辺)[^。？?！!]{0,20}?(?:計算|保存|格納|設定|生成|検証|処理|チェック|判定|決め|決定|ログ|キャッシュ|丸め|パース|送信|送って|読み込|書き込|出力|作成|実装|定義)(?:し|され|して|して)?(?:てる|ている|ています|てます|た|る|とる)`),
  foldedPattern(String.raw`(?:うちの|我々の)[^。？?]{0,30}(?:どこ|どのファイル)`),
  // Korean: 어디서 / 어디에서 / 어느 파일 … 계산하고 있, 저장하지, 처리해?
  foldedPattern(String.raw`(?:어디서|어디에서|어디에|어느 ?파일|어느 ?부분|어느 ?모듈)[^.?!]{0,20}?(?:계산|저장|설정|생성|검증|처리|체크|판단|결정|로그|캐시|반올림|파싱|보내|불러|읽|구현|정의)(?:하고|하지|해|하는|되는|되고|돼|됨|하나|되나|되지|했)`),
  // Chinese: 我们在哪里算, 在哪儿存, 哪个文件里计算 (a plain "哪" is "which": "哪个库更好" compares libraries).
  foldedPattern(String.raw`(?:哪里|哪儿|在哪|哪个文件|哪个模块|哪段代码|什么地方)[^。？?！!]{0,12}?(?:计算|算|存储|保存|存|设置|生成|校验|验证|处理|判断|决定|记录|缓存|四舍五入|取整|解析|发送|加载|读取|写入|实现|定义|配置)`),
];

// Asking what one should do is advice: "где лучше хранить", "gdzie najlepiej", "どこに保存すべき", "应该存在哪里".
const ADVICE = foldedPattern(String.raw`лучше|следует|стоит ли|najlepiej|powinien|powinno|powinniśmy|nerede olmalı|malıyım|meliyim|bör|ska man|べき|ばいい|たらいい|のがいい|해야|하는 게 좋|하면 좋|应该|最好|建议`);
// Polish, Turkish and Swedish fold to ASCII: their word of "where" is looked for among the words.
const ASCII_WHERE = new Set(['gdzie', 'nerede', 'nerde', 'var']);

/**
 * Whether a message asks where the user's own code does something, in one of the seven
 * languages read by `lexiconMoreLanguages.ts`.
 *
 * @param text - The folded message (spaces may have been put around Japanese, Korean and Chinese words).
 * @param words - Its folded words.
 * @returns True when it asks for a place in the code.
 */
export function asksWhereInCodeMoreLanguages(text: string, words: readonly string[]): boolean {
  if (!(NON_ASCII.test(text) || words.some((word) => ASCII_WHERE.has(word))) || ADVICE.test(text)) return false;
  if (SPACED_PLACES.some((place) => place.test(text))) return true;
  if (!ANY_CJK.test(text)) return false;
  const written = closeUpCjkWords(text);
  return WRITTEN_PLACES.some((place) => place.test(written));
}

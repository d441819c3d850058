/**
 * The router's vocabulary in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese:
 * the verbs of coding work, the things of a codebase, failure words, parts of a product as
 * users name them, and the office work that must stay Cowork. Forms are written as people
 * type them and folded here the way the router folds a message. Japanese, Chinese and Korean
 * forms are also cut out of the text by `cjkSegments.ts`, since those languages do not put
 * spaces between words (or glue particles to them: "버그를").
 * Appended to `lexicon.ts`'s rows: a form listed there first keeps its meaning.
 */

import type { TermKind } from './lexicon.js';
import { foldToken } from './overrideWords.js';

type Row = readonly [kind: TermKind, weight: number, label: string, forms: string, failLabel?: string];

const SPACED_ROWS: readonly Row[] = [
  // Polish.
  ['codeVerb', 1, 'fix', 'napraw naprawić naprawcie zfixuj pofixuj'],
  ['codeVerb', 2, 'deploy', 'wdróż wdrożyć zdeployuj'],
  ['codeVerb', 3, 'refactor', 'zrefaktoruj refaktoryzuj'],
  ['codeVerb', 3, 'debug', 'zdebuguj debuguj'],
  ['codeVerb', 1, 'merge', 'zmerguj zmergować'],
  ['codeVerb', 1, 'implement', 'zaimplementuj zaimplementować'],
  ['codeVerb', 1, 'install', 'zainstaluj'],
  ['actionVerb', 0, 'run', 'uruchom odpal puść'],
  ['actionVerb', 0, 'update', 'zaktualizuj podbij'],
  ['actionVerb', 0, 'add', 'dodaj'],
  ['actionVerb', 0, 'remove', 'usuń wywal'],
  ['actionVerb', 0, 'check', 'sprawdź'],
  ['actionVerb', 0, 'change', 'zmień popraw'],
  ['actionVerb', 0, 'find', 'znajdź'],
  ['actionVerb', 0, 'generate', 'wygeneruj'],
  ['codeObject', 2, 'tests', 'testy testów testach', 'failing tests'],
  ['codeObject', 1, 'the build', 'build builda buildu kompilacja kompilacji'],
  ['codeObject', 2, 'a dependency', 'zależności zależność'],
  ['codeObject', 2, 'a function', 'funkcja funkcję funkcji'],
  ['codeObject', 2, 'code', 'kod kodu kodzie'],
  ['codeObject', 2, 'a branch', 'gałąź gałęzi brancha'],
  ['codeObject', 2, 'a repository', 'repozytorium repozytorium'],
  ['failure', 1, 'a failure', 'błąd błędy błędu błędem wywala crashuje nie+działa nie+dziala zepsuty zepsuła zepsuło'],
  ['surface', 1, 'the UI', 'przycisk przycisku formularz formularza koszyk koszyku logowanie logowania'],
  ['surface', 1, 'the website', 'stronie+internetowej naszej+stronie naszą+stronę aplikacji aplikacja'],
  ['coworkVerb', -2, 'translation', 'przetłumacz'],
  ['coworkVerb', -2, 'a summary', 'podsumuj streść'],
  ['coworkVerb', -2, 'research', 'wyjaśnij wytłumacz'],
  ['coworkObject', -2, 'writing', 'maila pismo'],
  ['coworkObject', -2, 'planning', 'spotkanie spotkania podróż urlop'],
  ['coworkObject', -2, 'spreadsheet work', 'arkusz arkusza'],
  ['coworkObject', -2, 'research', 'prezentację prezentacja'],
  // Russian.
  ['codeVerb', 1, 'fix', 'почини почините исправь исправьте пофикси поправь'],
  ['codeVerb', 2, 'deploy', 'задеплой выкати'],
  ['codeVerb', 3, 'refactor', 'отрефактори отрефакторь'],
  ['codeVerb', 3, 'debug', 'отладь'],
  ['codeVerb', 1, 'merge', 'смержи'],
  ['codeVerb', 1, 'implement', 'реализуй'],
  ['codeVerb', 1, 'install', 'установи'],
  ['actionVerb', 0, 'run', 'запусти прогони'],
  ['actionVerb', 0, 'update', 'обнови'],
  ['actionVerb', 0, 'add', 'добавь'],
  ['actionVerb', 0, 'remove', 'удали убери'],
  ['actionVerb', 0, 'check', 'проверь'],
  ['actionVerb', 0, 'change', 'измени поменяй'],
  ['actionVerb', 0, 'find', 'найди'],
  ['actionVerb', 0, 'generate', 'сгенерируй'],
  ['codeObject', 2, 'tests', 'тесты тестов тестах', 'failing tests'],
  ['codeObject', 1, 'the build', 'сборка сборку сборки билд'],
  ['codeObject', 2, 'a dependency', 'зависимости зависимость'],
  ['codeObject', 2, 'a function', 'функцию функция функции'],
  ['codeObject', 2, 'code', 'код кода коде'],
  ['codeObject', 2, 'a branch', 'ветку ветка ветки'],
  ['codeObject', 2, 'a repository', 'репозиторий репозитории репо'],
  ['codeObject', 2, 'a bug', 'баг баги бага'],
  ['failure', 1, 'a failure', 'ошибка ошибку ошибки падает падают упал упали сломался сломалось сломана не+работает тормозит'],
  ['surface', 1, 'the UI', 'кнопка кнопку форма форму корзина корзине'],
  ['surface', 1, 'the website', 'сайт сайте сайта приложение приложении'],
  ['coworkVerb', -2, 'translation', 'переведи'],
  ['coworkVerb', -2, 'a summary', 'перескажи'],
  ['coworkVerb', -2, 'research', 'объясни расскажи'],
  ['coworkObject', -2, 'writing', 'письмо письма'],
  ['coworkObject', -2, 'planning', 'встреча встречу совещание отпуск'],
  ['coworkObject', -2, 'spreadsheet work', 'таблица таблицу таблице'],
  ['coworkObject', -2, 'research', 'презентацию презентация'],
  // Turkish.
  ['codeVerb', 1, 'fix', 'düzelt düzeltir onar fixle'],
  ['codeVerb', 2, 'deploy', 'deploy+et yayına+al'],
  ['codeVerb', 3, 'refactor', 'refactor+et'],
  ['codeVerb', 1, 'merge', 'merge+et'],
  ['actionVerb', 0, 'run', 'çalıştır'],
  ['actionVerb', 0, 'update', 'güncelle'],
  ['actionVerb', 0, 'add', 'ekle'],
  ['actionVerb', 0, 'remove', 'kaldır sil'],
  ['actionVerb', 0, 'check', 'kontrol+et'],
  ['actionVerb', 0, 'change', 'değiştir'],
  ['actionVerb', 0, 'find', 'bul'],
  ['codeObject', 2, 'tests', 'testler testleri testi', 'failing tests'],
  ['codeObject', 1, 'the build', 'derleme'],
  ['codeObject', 2, 'a dependency', 'bağımlılık bağımlılıkları'],
  ['codeObject', 2, 'a function', 'fonksiyon fonksiyonu'],
  ['codeObject', 2, 'code', 'kod kodu kodda'],
  ['codeObject', 2, 'a repository', 'depo deposu'],
  ['failure', 1, 'a failure', 'hata hatası hatayı çalışmıyor çöküyor bozuk bozuldu'],
  ['surface', 1, 'the UI', 'buton butonu sepet sepette formu'],
  ['surface', 1, 'the website', 'sitesi sitemizde sitede uygulama uygulamada'],
  ['coworkVerb', -2, 'translation', 'çevir'],
  ['coworkVerb', -2, 'a summary', 'özetle'],
  ['coworkVerb', -2, 'research', 'açıkla anlat'],
  ['coworkObject', -2, 'writing', 'e-posta mektup'],
  ['coworkObject', -2, 'planning', 'toplantı toplantısı tatil'],
  ['coworkObject', -2, 'spreadsheet work', 'tablo tabloyu'],
  ['coworkObject', -2, 'research', 'sunum sunumu'],
  // Swedish.
  ['codeVerb', 1, 'fix', 'fixa laga åtgärda'],
  ['codeVerb', 2, 'deploy', 'deploya driftsätt'],
  ['codeVerb', 3, 'refactor', 'refaktorera'],
  ['codeVerb', 3, 'debug', 'debugga felsök'],
  ['codeVerb', 1, 'merge', 'merga'],
  ['codeVerb', 1, 'implement', 'implementera'],
  ['codeVerb', 1, 'install', 'installera'],
  ['actionVerb', 0, 'run', 'kör'],
  ['actionVerb', 0, 'update', 'uppdatera'],
  ['actionVerb', 0, 'add', 'lägg+till'],
  ['actionVerb', 0, 'remove', 'ta+bort'],
  ['actionVerb', 0, 'check', 'kolla kontrollera'],
  ['actionVerb', 0, 'change', 'ändra'],
  ['actionVerb', 0, 'find', 'hitta'],
  ['actionVerb', 0, 'generate', 'generera'],
  ['codeObject', 2, 'tests', 'testerna testen', 'failing tests'],
  ['codeObject', 1, 'the build', 'bygget bygge'],
  ['codeObject', 2, 'a dependency', 'beroenden beroendet'],
  ['codeObject', 2, 'a function', 'funktionen'],
  ['codeObject', 2, 'code', 'koden'],
  ['codeObject', 2, 'a branch', 'grenen'],
  ['codeObject', 2, 'a repository', 'repot'],
  ['failure', 1, 'a failure', 'felet kraschar trasig trasigt funkar+inte fungerar+inte'],
  ['surface', 1, 'the UI', 'knappen formuläret varukorgen'],
  ['surface', 1, 'the website', 'sajten hemsidan webbplatsen appen'],
  ['coworkVerb', -2, 'translation', 'översätt'],
  ['coworkVerb', -2, 'a summary', 'sammanfatta'],
  ['coworkVerb', -2, 'research', 'förklara'],
  ['coworkObject', -2, 'writing', 'mejl mejlet brev'],
  ['coworkObject', -2, 'planning', 'möte mötet resa semester'],
  ['coworkObject', -2, 'spreadsheet work', 'kalkylark kalkylarket'],
  ['coworkObject', -2, 'a summary', 'sammanfattning'],
];

/** Japanese, Korean and Chinese (simplified and traditional) forms: cut out of the text before it is read. */
const CJK_ROWS: readonly Row[] = [
  ['codeVerb', 1, 'fix', '直して 修正して 修正 고쳐 고치 수정해 修复 修復 修一下 修好'],
  ['codeVerb', 2, 'deploy', 'デプロイ 배포 部署 上线'],
  ['codeVerb', 3, 'refactor', 'リファクタ 리팩터 리팩토링 重构 重構'],
  ['codeVerb', 3, 'debug', 'デバッグ 디버그 디버깅 调试 調試'],
  ['codeVerb', 1, 'merge', 'マージ 머지'],
  ['codeVerb', 1, 'implement', '実装 구현 实现 實現'],
  ['codeVerb', 1, 'install', 'インストール 설치 安装 安裝'],
  ['actionVerb', 0, 'run', '実行 走らせ 실행 돌려 运行 執行'],
  ['actionVerb', 0, 'update', 'アップデート 업데이트 更新 升级 升級'],
  ['actionVerb', 0, 'add', '追加 추가 添加 加上'],
  ['actionVerb', 0, 'remove', '削除 삭제 删除 刪除 删掉 去掉'],
  ['actionVerb', 0, 'check', 'チェック 확인해 检查 檢查'],
  ['actionVerb', 0, 'change', '変更 변경 바꿔 修改 改成'],
  ['actionVerb', 0, 'generate', '生成 생성'],
  ['codeObject', 2, 'tests', 'テスト 테스트 测试 測試', 'failing tests'],
  ['codeObject', 1, 'the build', 'ビルド 빌드 构建 構建 编译 編譯'],
  ['codeObject', 2, 'a dependency', '依存関係 의존성 依赖 依賴'],
  ['codeObject', 2, 'a function', '関数 함수 函数 函數'],
  ['codeObject', 2, 'code', 'コード 코드 代码 程式碼'],
  ['codeObject', 2, 'a branch', 'ブランチ 브랜치 分支'],
  ['codeObject', 2, 'a repository', 'リポジトリ 레포 저장소 仓库 倉庫'],
  ['codeObject', 2, 'a bug', 'バグ 버그'],
  ['codeObject', 2, 'a commit', 'コミット 커밋'],
  ['failure', 1, 'a failure', '落ちる 落ちて 失敗 エラー 動かない 壊れ 실패 에러 오류 깨져 报错 報錯 失败 崩溃 崩潰 挂了'],
  ['surface', 1, 'the UI', 'ボタン 버튼 按钮 按鈕 フォーム 장바구니 购物车 ログイン画面 로그인 登录页'],
  ['surface', 1, 'the website', 'サイト 사이트 网站 網站 アプリ 앱 应用'],
  ['coworkVerb', -2, 'translation', '翻訳 번역 翻译 翻譯'],
  ['coworkVerb', -2, 'a summary', '要約 まとめて 요약 总结 總結 摘要'],
  ['coworkVerb', -2, 'research', '説明して 教えて 설명해 解释 解釋 介绍'],
  ['coworkObject', -2, 'writing', 'メール 이메일 메일 邮件 郵件'],
  ['coworkObject', -2, 'planning', '会議 議事録 회의 회의록 会议 會議 纪要 旅行 여행 出張 출장 行程'],
  ['coworkObject', -2, 'spreadsheet work', 'スプレッドシート 스프레드시트 엑셀 表格 电子表格'],
  ['coworkObject', -2, 'research', 'プレゼン 발표 幻灯片 演示文稿'],
];

const folded = (rows: readonly Row[]): Row[] =>
  rows.map(([kind, weight, label, forms, failLabel]) => {
    const text = forms
      .split(' ')
      .map((form) => form.split('+').map(foldToken).join('+'))
      .join(' ');
    return failLabel === undefined ? [kind, weight, label, text] : [kind, weight, label, text, failLabel];
  });

export const MORE_LANGUAGE_ROWS: readonly Row[] = [...folded(SPACED_ROWS), ...folded(CJK_ROWS)];

/** The folded Japanese, Korean and Chinese forms, for `cjkSegments.ts`. */
export const CJK_FORMS: readonly string[] = folded(CJK_ROWS).flatMap(([, , , forms]) => forms.split(' '));

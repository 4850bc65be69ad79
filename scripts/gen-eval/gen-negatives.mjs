// Generates the held-out multi-culture negatives set: made-up people of
// many name cultures, each written in its own script and, where a
// transliteration is standard and mechanical, also in Latin letters.
// Output is deterministic: the same package versions and SEED give the
// same bytes. See README.md beside this file.
import { Faker, allLocales } from '@faker-js/faker';
import anyAscii from 'any-ascii';
import { pinyin } from 'pinyin-pro';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SEED = 1010;
const REF_DATE = '2026-01-01T00:00:00.000Z';
const OUT = process.argv[2] ?? '../../internal/eval/testdata/heldout';

// locale, people, nationality (ISO 3166 alpha-2, or a list drawn from),
// script (ISO 15924) and name order. Only locales with their own name
// lists are used; those that fall back to English names are left out.
const LOCALES = [
  // Latin script, Europe
  ['cs_CZ', 600, 'CZ'], ['da', 600, 'DK'], ['de', 900, 'DE'], ['de_AT', 600, 'AT'], ['de_CH', 600, 'CH'],
  ['es', 900, 'ES'], ['fi', 600, 'FI'], ['fr', 900, 'FR'], ['fr_BE', 600, 'BE'], ['fr_CH', 600, 'CH'],
  ['hr', 600, 'HR'], ['hu', 600, 'HU', 'family-first'], ['it', 900, 'IT'], ['lv', 600, 'LV'],
  ['nb_NO', 600, 'NO'], ['nl', 600, 'NL'], ['nl_BE', 600, 'BE'], ['pl', 900, 'PL'], ['pt_PT', 600, 'PT'],
  ['ro', 600, 'RO'], ['ro_MD', 600, 'MD'], ['sk', 600, 'SK'], ['sl_SI', 600, 'SI'], ['sr_RS_latin', 600, 'RS'],
  ['sv', 600, 'SE'], ['tr', 900, 'TR'], ['az', 600, 'AZ'], ['ku_kmr_latin', 600, 'TR'],
  // Latin script, Americas, Africa, Asia, Oceania
  ['es_MX', 900, 'MX'], ['pt_BR', 900, 'BR'], ['en_AU', 600, 'AU'], ['en_GH', 600, 'GH'], ['en_NG', 600, 'NG'],
  ['yo_NG', 600, 'NG'], ['zu_ZA', 600, 'ZA'], ['af_ZA', 600, 'ZA'], ['en_ZA', 600, 'ZA'], ['fr_SN', 600, 'SN'],
  ['en_IN', 900, 'IN'], ['en_NP', 600, 'NP'], ['en_HK', 600, 'HK'], ['id_ID', 900, 'ID'],
  ['uz_UZ_latin', 600, 'UZ'], ['vi', 1200, 'VN', 'family-first'],
  // other scripts
  ['ru', 2000, 'RU'], ['uk', 1500, 'UA'], ['mk', 800, 'MK'],
  ['ar', 2000, ['SA', 'EG', 'AE', 'JO', 'MA', 'IQ', 'SY', 'LB', 'YE', 'DZ']], ['fa', 1500, 'IR'], ['ur', 1000, 'PK'],
  ['ku_ckb', 500, 'IQ'], ['dv', 300, 'MV'], ['he', 1000, 'IL'], ['el', 1500, 'GR'], ['hy', 800, 'AM'],
  ['ka_GE', 800, 'GE'], ['ko', 2500, 'KR', 'family-first-joined'], ['zh_CN', 2500, 'CN', 'family-first-joined'],
  ['zh_TW', 1500, 'TW', 'family-first-joined'], ['ja', 2000, 'JP', 'family-first'], ['th', 1500, 'TH'],
  ['ne', 1000, 'NP'],
];

const SCRIPT = {
  ru: 'Cyrl', uk: 'Cyrl', mk: 'Cyrl', ar: 'Arab', fa: 'Arab', ur: 'Arab', ku_ckb: 'Arab', dv: 'Thaa',
  he: 'Hebr', el: 'Grek', hy: 'Armn', ka_GE: 'Geor', ko: 'Hang', zh_CN: 'Hani', zh_TW: 'Hani',
  ja: 'Jpan', th: 'Thai', ne: 'Deva',
};

// Locales where a second given name, a second surname or a patronymic is
// common, and how often to add one.
const SECOND_SURNAME = { es: 0.6, es_MX: 0.6, pt_BR: 0.4, pt_PT: 0.4 };
const PATRONYMIC = { ru: 0.5, uk: 0.5 };
const SECOND_GIVEN = 0.15; // Latin-script locales only

// ---- transliteration to Latin -------------------------------------------
// Only where there is one standard, mechanical scheme that customers'
// records actually use. Arabic-script, Hebrew and Thaana names (vowels not
// written), Thai (RTGS needs vowel reordering and inherent vowels),
// Devanagari (inherent vowels) and Japanese (kanji readings are not
// mechanical) get no Latin form here.

// Russian: ICAO Doc 9303, as in Russian passports since 2013.
const RU = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia' };
// Ukrainian: national standard of 2010 (Cabinet of Ministers resolution 55);
// the first form applies at the start of a word.
const UK = { а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: ['ye', 'ie'], ж: 'zh', з: 'z', и: 'y', і: 'i', ї: ['yi', 'i'], й: ['y', 'i'], к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ь: '', ю: ['yu', 'iu'], я: ['ya', 'ia'], "'": '', 'ʼ': '', '’': '' };
// Macedonian: the official romanisation.
const MK = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ѓ: 'gj', е: 'e', ж: 'zh', з: 'z', ѕ: 'dz', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ќ: 'kj', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', џ: 'dzh', ш: 'sh' };

function titleCase(w) { return w ? w[0].toUpperCase() + w.slice(1) : w; }

function cyrillic(table, word) {
  let out = '';
  const lower = word.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i];
    if (c === 'г' && lower[i - 1] === 'з' && table === UK) { out += 'gh'; continue; } // зг -> zgh
    let t = table[c];
    if (Array.isArray(t)) t = i === 0 ? t[0] : t[1];
    out += t === undefined ? c : t;
  }
  return titleCase(out);
}

// Korean: Revised Romanization syllable by syllable, as names are written
// (no sound-change across syllables), with the conventional spellings of
// common surnames that nearly everyone uses instead (Kim, not Gim).
const RR_I = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const RR_V = ['a', 'ae', 'ya', 'yae', 'eo', 'e', 'yeo', 'ye', 'o', 'wa', 'wae', 'oe', 'yo', 'u', 'wo', 'we', 'wi', 'yu', 'eu', 'ui', 'i'];
const RR_F = ['', 'k', 'k', 'k', 'n', 'n', 'n', 't', 'l', 'k', 'm', 'l', 'l', 'l', 'p', 'l', 'm', 'p', 'p', 't', 't', 'ng', 't', 't', 'k', 't', 'p', 't'];
const KO_SURNAME = { 김: 'Kim', 이: 'Lee', 박: 'Park', 최: 'Choi', 정: 'Jung', 강: 'Kang', 조: 'Cho', 윤: 'Yoon', 장: 'Jang', 임: 'Lim', 한: 'Han', 오: 'Oh', 서: 'Seo', 신: 'Shin', 권: 'Kwon', 황: 'Hwang', 안: 'Ahn', 송: 'Song', 류: 'Ryu', 유: 'Yoo', 홍: 'Hong', 전: 'Jeon', 고: 'Ko', 문: 'Moon', 양: 'Yang', 손: 'Son', 배: 'Bae', 백: 'Baek', 허: 'Heo', 노: 'Noh', 심: 'Shim', 하: 'Ha', 곽: 'Kwak', 성: 'Sung', 차: 'Cha', 주: 'Joo', 우: 'Woo', 구: 'Koo', 진: 'Jin', 민: 'Min', 나: 'Na', 변: 'Byun', 방: 'Bang', 공: 'Kong', 현: 'Hyun', 함: 'Ham' };

function hangul(word) {
  let out = '';
  let prevFinal = -1;
  for (const ch of word) {
    const c = ch.codePointAt(0) - 0xac00;
    if (c < 0 || c > 11171) { out += ch; prevFinal = -1; continue; }
    const i = Math.floor(c / 588), v = Math.floor((c % 588) / 28), f = c % 28;
    const ini = i === 5 && prevFinal === 8 ? 'l' : RR_I[i]; // ㄹㄹ -> ll
    out += ini + RR_V[v] + RR_F[f];
    prevFinal = f;
  }
  return titleCase(out);
}

function han(word, isSurname) {
  const syl = pinyin(word, { toneType: 'none', type: 'array', surname: isSurname ? 'all' : 'off' });
  return titleCase(syl.join('').replace(/ü/g, 'u').replace(/v/g, 'u'));
}

function generic(word) { return word.split(/\s+/).map((w) => titleCase(anyAscii(w).toLowerCase())).join(' '); }

// Greek: ELOT 743 writes ου as "ou" (any-ascii gives "oy").
function greek(word) { return generic(word.replace(/ο[υύ]/g, 'ou').replace(/Ο[υύ]/g, 'Ou')); }

// Georgian and Armenian: the national systems (Georgia 2002, Armenian
// passports) do not mark ejectives or aspirates; any-ascii writes them with
// an apostrophe (T'q'eshelashvili, Mkhit'aryan), which customers do not.
function unmarked(word) { return generic(word).replace(/'/g, ''); }

const LATIN = {
  ru: (w) => cyrillic(RU, w), uk: (w) => cyrillic(UK, w), mk: (w) => cyrillic(MK, w),
  el: greek, hy: unmarked, ka_GE: unmarked,
  ko: (w, s) => (s && KO_SURNAME[w]) || hangul(w),
  zh_CN: han, zh_TW: han,
};

// ---- the split ----------------------------------------------------------
// FNV-1a 32-bit of the person id; even goes to dev, odd to test. The Go
// side (internal/eval) computes the same and checks every row.
export function fnv32a(s) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// ---- generation ---------------------------------------------------------
function csvField(s) { return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }

const HEADER = ['id', 'person_id', 'form', 'full_name', 'first_name', 'middle_name', 'last_name', 'script', 'locale', 'gender', 'date_of_birth', 'nationality'];

function localeSeed(locale) { return [SEED, fnv32a(locale)]; }

function assemble(order, given, middle, surname) {
  switch (order) {
    case 'family-first-joined': return surname + given;
    case 'family-first': return [surname, given, middle].filter(Boolean).join(' ');
    default: return [given, middle, surname].filter(Boolean).join(' ');
  }
}

function generate() {
  const parts = { dev: [], test: [] };
  const counts = { locales: {}, scripts: {}, forms: { native: 0, latin: 0 }, parts: { dev: 0, test: 0 }, people: 0 };
  for (const [locale, n, nat, order = 'given-first'] of LOCALES) {
    const def = allLocales[locale];
    // en_HK has Hong Kong surnames of its own and takes English given names.
    if (!def?.person?.last_name) throw new Error(`locale ${locale} has no surnames of its own`);
    const fk = new Faker({ locale: [def, allLocales.en, allLocales.base] });
    fk.seed(localeSeed(locale));
    const fn = def.person.first_name ?? [];
    const sexed = !Array.isArray(fn) && fn.female && fn.male;
    const script = SCRIPT[locale] ?? 'Latn';
    for (let k = 1; k <= n; k++) {
      const sex = fk.helpers.arrayElement(['female', 'male']);
      let given = fk.person.firstName(sex);
      let middle = '';
      let surname = fk.person.lastName(sex);
      // Some locales' lists already hold two-word given names or double
      // surnames; a second one is added only to a single word.
      if (script === 'Latn' && fk.number.float() < SECOND_GIVEN) {
        const g2 = fk.person.firstName(sex);
        if (g2 !== given && !given.includes(' ')) given += ' ' + g2;
      }
      if (fk.number.float() < (SECOND_SURNAME[locale] ?? 0)) {
        const s2 = fk.person.lastName(sex);
        if (s2 !== surname && !surname.includes(' ') && !s2.includes(' ')) surname += ' ' + s2;
      }
      if (fk.number.float() < (PATRONYMIC[locale] ?? 0)) middle = fk.person.middleName(sex);
      const dob = fk.date.birthdate({ mode: 'age', min: 18, max: 85, refDate: REF_DATE }).toISOString().slice(0, 10);
      const nationality = Array.isArray(nat) ? fk.helpers.arrayElement(nat) : nat;
      const westernOrder = fk.number.float() < 0.5; // for the Latin form of family-first names
      const pid = `mc-${locale}-${String(k).padStart(5, '0')}`;
      const part = fnv32a(pid) % 2 === 0 ? 'dev' : 'test';
      const gender = sexed ? sex : '';
      const row = (id, form, full, g, m, s, scr) => [id, pid, form, full, g, m, s, scr, locale, gender, dob, nationality];
      parts[part].push(row(pid, 'native', assemble(order, given, middle, surname), given, middle, surname, script));
      counts.forms.native++;
      const tr = LATIN[locale];
      if (tr) {
        const lg = given.split(' ').map((w) => tr(w, false)).join(' ');
        const ls = surname.split(' ').map((w) => tr(w, true)).join(' ');
        const lm = middle ? tr(middle, false) : '';
        const lorder = order.startsWith('family-first') && !westernOrder ? 'family-first' : 'given-first';
        parts[part].push(row(pid + '-latn', 'latin', assemble(lorder, lg, lm, ls), lg, lm, ls, 'Latn'));
        counts.forms.latin++;
      }
      counts.people++;
      counts.parts[part]++;
      counts.locales[locale] = (counts.locales[locale] ?? 0) + 1;
      counts.scripts[script] = (counts.scripts[script] ?? 0) + 1;
    }
  }
  return { parts, counts };
}

const { parts, counts } = generate();
mkdirSync(OUT, { recursive: true });
for (const [part, rows] of Object.entries(parts)) {
  const text = [HEADER, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
  writeFileSync(join(OUT, `negatives_multiculture_${part}.csv`), text);
  console.log(`${part}: ${rows.length} rows`);
}
console.log(JSON.stringify(counts, null, 1));

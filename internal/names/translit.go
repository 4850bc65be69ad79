package names

// explicit holds the context-free transliteration of every letter whose
// NFKD decomposition is not already plain ASCII. Keys are lower-case; the
// table builder lower-cases before looking up. Letters whose reading depends
// on their neighbours also have an entry here (their usual reading), and
// appendLatin overrides it in context.
//
// The choices favour what sanctions lists print: BGN/PCGN-like Cyrillic
// (х kh, ц ts, щ shch), ELOT-like Greek, Armenian and Georgian national
// systems, and a consonantal Arabic and Hebrew reading that Key can fold.
var explicit = map[rune]string{
	// Latin letters that NFKD does not decompose, or that decompose
	// to something less useful than the usual transliteration.
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ı': "i", 'ł': "l", 'đ': "dj", 'ð': "d",
	'þ': "th", 'ħ': "h", 'ŋ': "ng", 'ĸ': "k", 'ſ': "s", 'ŀ': "l", 'ƒ': "f", 'ɨ': "i",
	'ə': "a", 'ǝ': "a", 'ɛ': "e", 'ɔ': "o", 'ʒ': "zh", 'ȥ': "z", 'ƚ': "l", 'ɫ': "l",
	// Háček and cedilla letters stand for sounds other lists spell with
	// digraphs (Ševčenko = Shevchenko, Şahin = Shahin).
	'č': "ch", 'ć': "ch", 'ĉ': "ch", 'š': "sh", 'ş': "sh", 'ș': "sh", 'ž': "zh", 'ț': "ts", 'ţ': "ts",

	// Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Kazakh,
	// Uzbek, Tajik...).
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': tDrop, 'ы': "y", 'ь': tDrop, 'э': "e", 'ю': "yu",
	'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'ђ': "dj", 'ѓ': "gj",
	'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "ch", 'ќ': "kj", 'џ': "dzh", 'ѕ': "dz", 'ғ': "gh",
	'қ': "q", 'ң': "ng", 'ү': "u", 'ұ': "u", 'һ': "h", 'ә': "a", 'ө': "o", 'ҳ': "h",
	'ӣ': "i", 'ӯ': "u", 'ҷ': "j", 'ҡ': "k", 'ҙ': "z", 'ҫ': "s", 'ӑ': "a", 'ӗ': "e",
	'ӳ': "u", 'ҝ': "k", 'ӏ': tDrop, 'ѣ': "e", 'ѳ': "f", 'ѵ': "i", 'ѐ': "e", 'ѝ': "i",

	// Greek, including the final sigma and the accented forms that NFKD
	// would otherwise reduce through these base letters.
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th",
	'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p",
	'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "kh", 'ψ': "ps",
	'ω': "o", 'ϊ': "i", 'ϋ': "i", 'ΐ': "i", 'ΰ': "i", 'ϐ': "v", 'ϑ': "th", 'ϕ': "f",
	'ϖ': "p", 'ϰ': "k", 'ϱ': "r", 'ϲ': "s", 'ϳ': "j",

	// Armenian (Eastern).
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e", 'ը': "y",
	'թ': "t", 'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts", 'կ': "k", 'հ': "h",
	'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y", 'ն': "n", 'շ': "sh", 'ո': "o",
	'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r", 'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r",
	'ց': "ts", 'ւ': "v", 'փ': "p", 'ք': "k", 'օ': "o", 'ֆ': "f", 'և': "ev",

	// Georgian (Mkhedruli; Mtavruli capitals lower-case to these).
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z", 'თ': "t",
	'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o", 'პ': "p", 'ჟ': "zh",
	'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p", 'ქ': "k", 'ღ': "gh", 'ყ': "q",
	'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz", 'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j",
	'ჰ': "h", 'ჱ': "e", 'ჲ': "y", 'ჳ': "v", 'ჴ': "kh", 'ჵ': "o", 'ჶ': "f",

	// Arabic, Persian, Urdu, Pashto, Kurdish. Short vowels (harakat) are
	// marks and vanish; ayn and alef read as a vowel so that a leading ع
	// keeps the leading-vowel marker of Key (عبدالله ~ Abdollah).
	'ء': tDrop, 'آ': "a", 'أ': "a", 'ؤ': "u", 'إ': "i", 'ئ': "i", 'ا': "a", 'ب': "b",
	'ة': "a", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh", 'د': "d", 'ذ': "dh",
	'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z",
	'ع': "a", 'غ': "gh", 'ـ': tDrop, 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m",
	'ن': "n", 'ه': "h", 'و': "w", 'ى': "a", 'ي': "y", 'ٱ': "a", 'ٹ': "t", 'پ': "p",
	'چ': "ch", 'ڈ': "d", 'ڑ': "r", 'ژ': "zh", 'ڤ': "v", 'ک': "k", 'ڪ': "k", 'ګ': "g",
	'گ': "g", 'ڭ': "ng", 'ں': "n", 'ھ': "h", 'ہ': "h", 'ۃ': "a", 'ۀ': "e", 'ی': "y",
	'ې': "e", 'ے': "e", 'ۓ': "e", 'ە': "e", 'ۆ': "o", 'ۇ': "u", 'ۈ': "yu", 'ۋ': "v",
	'ێ': "e", 'ڵ': "l", 'ڕ': "r", 'ځ': "dz", 'څ': "ts", 'ډ': "d", 'ړ': "r", 'ږ': "zh",
	'ښ': "sh", 'ڼ': "n", 'ٸ': "y", 'ٶ': "u", 'ٵ': "a", 'ٷ': "u", 'ٮ': "b", 'ٯ': "q",

	// Hebrew, including final forms and Yiddish ligatures. א and ע read as
	// a vowel for the same reason as Arabic ayn.
	'א': "a", 'ב': "b", 'ג': "g", 'ד': "d", 'ה': "h", 'ו': "v", 'ז': "z", 'ח': "kh",
	'ט': "t", 'י': "y", 'ך': "kh", 'כ': "k", 'ל': "l", 'ם': "m", 'מ': "m", 'ן': "n",
	'נ': "n", 'ס': "s", 'ע': "a", 'ף': "f", 'פ': "p", 'ץ': "ts", 'צ': "ts", 'ק': "k",
	'ר': "r", 'ש': "sh", 'ת': "t", 'װ': "v", 'ױ': "oy", 'ײ': "ey", '׳': tDrop, '״': tDrop,
}

// kana is the Hepburn reading of the hiragana block U+3041..U+3096; the
// katakana block is the same 0x60 higher. Small kana read like the big
// ones (きゃ -> kiya), which Key folds; the sokuon っ doubles the next
// consonant, which Key collapses anyway, so it is dropped.
var kana = [...]string{
	"a", "a", "i", "i", "u", "u", "e", "e", "o", "o", "ka", "ga", "ki", "gi", "ku", "gu",
	"ke", "ge", "ko", "go", "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", "ta", "da",
	"chi", "ji", tDrop, "tsu", "zu", "te", "de", "to", "do", "na", "ni", "nu", "ne", "no", "ha", "ba",
	"pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po", "ma", "mi", "mu",
	"me", "mo", "ya", "ya", "yu", "yu", "yo", "yo", "ra", "ri", "ru", "re", "ro", "wa", "wa", "i",
	"e", "o", "n", "vu", "ka", "ke",
}

func init() {
	for i, s := range kana {
		explicit[rune(0x3041+i)] = s
		explicit[rune(0x30A1+i)] = s
	}
	explicit['ヷ'] = "va"
	explicit['ヸ'] = "vi"
	explicit['ヹ'] = "ve"
	explicit['ヺ'] = "vo"
	explicit['ー'] = tDrop // the long-vowel mark: Key drops vowels anyway
	explicit['ゝ'] = tDrop
	explicit['ヽ'] = tDrop
}

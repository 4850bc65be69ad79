package names

import "testing"

func TestLatin(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Initials", "J.P. Morgan", "j p morgan"},
		{"Apostrophe", "O'Brien", "obrien"},
		{"CurlyApostrophe", "O’Brien", "obrien"},
		{"Hyphen", "Al-Qaida", "al qaida"},
		{"Accents", "Café René", "cafe rene"},
		{"Eszett", "Großmann", "grossmann"},
		{"Ligatures", "Æther Œuvre ﬁnance", "aether oeuvre finance"},
		{"Nordic", "Søren Łukasz", "soren lukasz"},
		{"TurkishI", "AHMET ÇİÇEK ılık", "ahmet cicek ilik"},
		{"Hacek", "Ševčenko Žižek", "shevchenko zhizhek"},
		{"Fullwidth", "ＡＢＣ　１２３", "abc 123"},
		{"Spaces", "  a   b  ", "a b"},
		{"Punctuation", "ACME, Inc. (Offshore)", "acme inc offshore"},
		{"Russian", "Владимир Владимирович Путин", "vladimir vladimirovich putin"},
		{"RussianEndings", "Достоевский Толстый", "dostoevskiy tolstyy"},
		{"Ukrainian", "Гончаренко Їжак Єва Ґанок", "honcharenko yizhak yeva ganok"},
		{"Belarusian", "Уладзімір Лукашэнка", "uladzimir lukashenka"},
		{"Shch", "Хрущёв", "khrushchev"},
		{"GreekDigraphs", "Βλαντίμιρ Πούτιν", "vladimir poutin"},
		{"GreekMp", "Μπαρμπαρα", "barmpara"},
		{"GreekNg", "Αγγελος Ευαγγελία", "angelos evangelia"},
		{"GreekSigma", "Σωκράτης", "sokratis"},
		{"Armenian", "Վլադիմիր Պուտին", "vladimir putin"},
		{"ArmenianEv", "Երևան", "yerevan"},
		{"Georgian", "ვლადიმერ პუტინი", "vladimer putini"},
		{"Arabic", "بوتين", "butin"},
		{"ArabicArticle", "علي حسن المجيد", "ali hsn al mjid"},
		{"ArabicAllah", "الله", "allah"},
		{"ArabicHarakat", "مُحَمَّد", "mhmd"},
		{"ArabicTatweel", "رودي سليــوة", "rudi slywa"},
		{"ArabicHamza", "أحمد إبراهيم", "ahmd ibrahim"},
		{"Persian", "مهرابی پژمان گودرزی چمران", "mhrabi pzhman gudrzi chmran"},
		{"PersianTehran", "تهران دهقان", "tehran dehqan"},
		{"ArabicZh", "زهره الأزهر", "zehreh al azhr"},
		{"PersianZ", "ضیا نذیر", "zya nzir"},
		{"ArabicD", "ضياء نذير", "dya ndhir"},
		{"Urdu", "پوٹن", "putn"},
		{"ArabicDigits", "٢٠٢٤ ۱۳۹۹", "2024 1399"},
		{"Hebrew", "ולדימיר פוטין", "vldimir putin"},
		{"HebrewFinal", "אברהם משה", "avrhm msha"},
		{"HebrewNiqqud", "שָׁלוֹם", "shlum"},
		{"Hangul", "푸틴", "putin"},
		{"Kana", "プーチン", "puchin"},
		{"Devanagari", "व्लादिमीर पुतिन", "vladimir putin"},
		{"DevanagariNukta", "ज़ाकिर फ़ारूक़", "zakir faruq"},
		{"Kannada", "ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್", "vladimir putin"},
		{"Gurmukhi", "ਨਰਿੰਦਰ ਮੋਦੀ", "narindar modi"},
		{"Han", "中国", "zhong guo"},
		{"Han, a name surname first", "习近平", "xi jinping"},
		{"Han, traditional", "習近平", "xi jinping"},
		{"Han, surname reading", "单雄信", "shan xiongxin"},
		{"Han, compound surname", "欧阳修", "ouyang xiu"},
		{"Han, organisation", "有限公司", "you xian gong si"},
		{"Han outside the table", "𠀀", "x131072"},
		{"Hangul name as one word", "김정은", "gim jeongeun"},
		{"Hangul compound surname", "남궁민수", "namgung minsu"},
		{"Hangul foreign name", "푸틴", "putin"},
		{"Empty", "", ""},
		{"OnlyPunctuation", "--- ,,, ...", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Latin(tt.in); got != tt.want {
				t.Errorf("Latin(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScriptOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vladimir Putin", "Latn"},
		{"Владимир Путин", "Cyrl"},
		{"ООО Alabuga Девелопмент", "Cyrl"},
		{"Βλαντίμιρ Πούτιν", "Grek"},
		{"Վլադիմիր Պուտին", "Armn"},
		{"ვლადიმერ პუტინი", "Geor"},
		{"فلاديمير بوتين", "Arab"},
		{"ולדימיר פוטין", "Hebr"},
		{"블라디미르 푸틴", "Hang"},
		{"ウラジーミル・プーチン", "Kana"},
		{"弗拉基米尔·普京", "Hani"},
		{"व्लादिमीर पुतिन", "Deva"},
		{"12345 ---", ""},
		{"™ ⓐ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ScriptOf(tt.in); got != tt.want {
				t.Errorf("ScriptOf(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

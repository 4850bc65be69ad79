package names_test

import (
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/names"
)

func ExampleAnalyze() {
	a := names.Analyze("ООО «Алабуга Девелопмент»", names.Org)
	fmt.Println(a.Script, a.LegalForms)
	for _, t := range a.Tokens {
		fmt.Printf("%s key=%s %s class=%q\n", t.Text, t.Key, t.Kind, t.Class)
	}
	// Output:
	// Cyrl [llc]
	// ooo key=llc legal class="llc"
	// alabuga key=albk word class=""
	// development key=dflbmnt org class="development"
}

func ExampleAnalyze_person() {
	a := names.Analyze("Sheikh Abdollah bin Yousef AL-MEHRABI", names.Person)
	for _, t := range a.Tokens {
		fmt.Printf("%s %s %s\n", t.Text, t.Key, t.Kind)
	}
	// Output:
	// abdollah abdl word
	// bin bn particle
	// yousef asf word
	// al al particle
	// mehrabi mhrb word
}

func ExampleKey() {
	for _, name := range []string{"Putin", "Путин", "Πούτιν", "بوتين", "פוטין", "Patel"} {
		fmt.Println(names.Key(names.Latin(name)))
	}
	// Output:
	// btn
	// btn
	// btn
	// btn
	// btn
	// btl
}

func ExampleLatin() {
	fmt.Println(names.Latin("J.P. O'Brien & Al-Qaida, Großmann"))
	fmt.Println(names.Latin("Βλαντίμιρ Πούτιν"))
	fmt.Println(names.Latin("مهرابی"))
	// Output:
	// j p obrien al qaida grossmann
	// vladimir poutin
	// mhrabi
}

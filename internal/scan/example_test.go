package scan_test

import (
	"context"
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// A scanner is built once per engine (scan.New(engine)) and called on each
// text; the messages parsers call it on their free-text fields and add
// the field's offset in the message to Start and End.
func ExampleScanner_Scan() {
	sc := small() // scan.New over a match.Engine of a few test entries
	text := "Payment for STM32 boards to Alabuga Machinery LLC, shipped on the MV Freedom from Bandar Anzali."
	ms, err := sc.Scan(context.Background(), text, scan.Options{})
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		fmt.Printf("%d-%d %s %q %s %s %.2f\n", m.Start, m.End, m.Kind, m.Text, m.Ref, m.Rule, m.Score)
	}
	// Output:
	// 12-17 component "STM32" processor component 1.00
	// 28-49 party "Alabuga Machinery LLC" test:o1 listed_party 1.00
	// 69-76 party "Freedom" test:v1 listed_party 1.00
	// 82-95 port "Bandar Anzali" IRBAZ caspian_port 1.00
}

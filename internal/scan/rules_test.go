package scan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// found returns "kind ref text" of each mention of text, in order.
func found(t *testing.T, html bool, text string) []string {
	t.Helper()
	sc := small()
	var ms []scan.Mention
	var err error
	if html {
		ms, err = sc.ScanHTML(context.Background(), text, scan.Options{})
	} else {
		ms, err = sc.Scan(context.Background(), text, scan.Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Kind)+" "+m.Ref+" "+m.Text)
	}
	return out
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		html       bool
		want       []string
	}{
		{"full name across a line break and a legal form", "Payment to Alabuga\nMachinery LLC was held.",
			false, []string{"party test:o1 Alabuga\nMachinery LLC"}},
		{"Cyrillic alias", "Поставщик ООО «Алабуга Машинери» отгрузил.", false, []string{"party test:o1 Алабуга Машинери"}},
		{"surname first, as lists write it", "SHAGIVALEEV, Timur signed.", false, []string{"party test:p1 SHAGIVALEEV, Timur"}},
		{"given name first", "Deputy Timur Shagivaleev signed.", false, []string{"party test:p1 Timur Shagivaleev"}},
		{"surname alone is no mention", "Mr Shagivaleev signed.", false, nil},
		{"given names without the surname", "Ali Reza said so.", false, nil},
		{"lower-case words are no name", "The alabuga machinery plant is big.", false, nil},
		{"one-word organisation mid-sentence", "Funds went to HAMAS last year.", false, []string{"party test:o2 HAMAS"}},
		{"one-word name in a text all in capitals", "/RFB/PAYMENT TO HAMAS VIA ABC BANK", false, []string{"party test:o2 HAMAS"}},
		{"one-word name inside a longer name in capitals", "PAYMENT TO HAMAS TRADING", false, nil},
		{"one-word name as the end of a surname with a particle", "They met Ana Torres de Hamas there.", false, nil},
		{"one-word name spelled another way", "Funds went to Hammas last year.", false, []string{"party test:o2 Hammas"}},
		{"one-word name inside a longer proper name", "Funds went to Hamas Logistics Ltd.", false, nil},
		{"one-word name with a legal form only with one", "In September the LLC met. September LLC paid.", false,
			[]string{"party test:o3 September LLC"}},
		{"vessel word alone", "Freedom of navigation matters.", false, nil},
		{"vessel with a marker", "Loaded on the MV Freedom in May.", false, []string{"party test:v1 Freedom"}},
		{"IMO number", "Vessel IMO 9187629 arrived.", false, []string{"identifier test:v1 9187629"}},
		{"IMO number written joined", "IMO9187629 arrived.", false, []string{"identifier test:v1 IMO9187629"}},
		{"short number needs a label", "Paid 572459210 and MMSI 572459210.", false,
			[]string{"identifier test:v1 572459210", "identifier test:v1 572459210"}},
		{"passport", "Passport A1234567 was shown.", false, []string{"identifier test:p1 A1234567"}},
		{"amount is no identifier", "Paid 9,187,629 dollars.", false, nil},
		{"Caspian port by name and code", "From Bandar-e Anzali (IRBAZ) to IR BAZ.", false,
			[]string{"port IRBAZ Bandar-e Anzali", "port IRBAZ IRBAZ", "port IRBAZ IR BAZ"}},
		{"short port name needs a port word", "Olya said no. The port of Olya is shut.", false, []string{"port Olya Olya"}},
		{"embargoed country and adjective", "Iranian drones reached Syria's coast.", false,
			[]string{"country IR Iranian", "country SY Syria"}},
		{"occupied region", "Shipped to Sevastopol in Crimea.", false,
			[]string{"port UASVP Sevastopol", "region Crimea Sevastopol", "region Crimea Crimea"}},
		{"HS codes dotted or labelled", "HS code 854231, item 8542.31.0000, invoice 123456.", false,
			[]string{"hs_code 854231 854231", "hs_code 854231 8542.31.0000"}},
		{"code not on a list", "HS 0101.21 horses.", false, nil},
		{"component words and part families", "Two flight controllers with ATMEGA328P and an MPU-6050.", false,
			[]string{"component processor flight controllers", "component processor ATMEGA328P", "component imu MPU-6050"}},
		{"HTML inline tags and references", "<p>Paid <b>Alabuga</b> Machinery&nbsp;LLC &amp; HAMAS</p>", true,
			[]string{"party test:o1 Alabuga</b> Machinery&nbsp;LLC", "party test:o2 HAMAS"}},
		{"HTML stray closing script tag hides nothing", "</script><p>Funds went to HAMAS.</p>", true, []string{"party test:o2 HAMAS"}},
		{"HTML blocks break names", "<td>Alabuga</td><td>Machinery</td><script>HAMAS</script><!-- HAMAS -->", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := found(t, tc.html, tc.text)
			if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("%q:\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

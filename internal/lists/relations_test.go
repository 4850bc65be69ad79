package lists_test

import "testing"

// OFAC's "Linked To: NAME." names another SDN entry; the catalog resolves
// it so order screening can follow the link.
func TestRelationsResolved(t *testing.T) {
	c := bundled(t)
	e, ok := c.Entity("us_ofac_sdn:33596")
	if !ok {
		t.Fatal("us_ofac_sdn:33596 missing from the bundle")
	}
	if len(e.Relations) != 1 {
		t.Fatalf("relations %+v, want the one Linked To", e.Relations)
	}
	r := e.Relations[0]
	if r.EntityID != "us_ofac_sdn:22692" {
		t.Errorf("Linked To %q resolved to %q, want us_ofac_sdn:22692 (IRGC ASF SSJO)", r.Name, r.EntityID)
	}
	target, ok := c.Entity(r.EntityID)
	if !ok || target.Name == "" {
		t.Errorf("resolved id %q is not an entity of the catalog", r.EntityID)
	}
}

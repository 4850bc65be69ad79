package match

// IDKeys returns the keys the engine looks an identifier up by: upper-case
// letters and digits only (none for fewer than five), and for a number
// written with a short prefix ("IMO 9187629") the number alone as well.
// The free-text scanner indexes listed identifiers with it, so that what
// it finds in text the engine finds too.
func IDKeys(s string) []string { return idKeys(s) }

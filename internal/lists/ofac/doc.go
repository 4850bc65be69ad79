// Package ofac parses the lists of the US Treasury's Office of Foreign
// Assets Control (OFAC) into entities.
//
// It belongs to the lists stage of the data flow (sources -> entities ->
// index -> screening -> decisions -> store): it turns the published files
// into an [entity.Dataset] and does no I/O of its own. Three formats are
// read, each documented in docs/domain.md sections 5.2 to 5.4:
//
//   - [ParseCSV]: the legacy four-table CSV set (sdn.csv, add.csv, alt.csv,
//     sdn_comments.csv, or their cons_* twins for the consolidated non-SDN
//     list). The four files are published separately and often captured
//     on different dates, so address, alias and comment rows whose entry is
//     missing from the main table are counted and reported in
//     Dataset.Notes rather than dropped in silence.
//   - [ParseXML]: the classic sdnList XML (SDN.XML, CONSOLIDATED.XML).
//   - [ParseAdvanced]: SDN_ADVANCED.XML and CONS_ADVANCED.XML, streamed so
//     the 122 MB file never sits in memory as text.
//
// Entity ids are "<source>:<ent_num>" in every format (the advanced XML's
// FixedRef is the legacy ent_num), so the formats agree with one another.
//
// # Remarks
//
// The CSV and classic XML formats carry many facts only inside the free
// text Remarks field ("DOB 22 Dec 1961; POB Khansar, Iran; ..."). The
// remarks are split on "; " and each fragment is matched against the
// longest known key (case-insensitively, with an optional "alt. " prefix):
//
//   - DOB (day, month, year, "circa", "1958 to 1962" ranges), POB,
//     nationality and citizen (ISO codes), Gender, Title, Position;
//   - people's roles as Positions ("Member of the ...", "Minister of ...",
//     "Deputy ...", "Director ...", "Chairman ..."), ranks and honorifics
//     as Titles ("Brigadier General", "Haji"), family ties as relations
//     ("wife of X" -> Relation{Kind: "wife_of"});
//   - identifiers: Passport, Diplomatic Passport, National ID No., Tax ID
//     No., Registration Number and ID, Business Registration Number and
//     Document #, USCC, Government Gazette Number, Identification Number,
//     Cedula No., C.U.R.P., R.F.C., NIT #, RUC #, RIF #, D.N.I., SSN,
//     Driver's License No., Kenyan ID No., Personal ID Card, Birth
//     Certificate Number, Public Security and Immigration No., Company
//     Number, Enterprise Number, Commercial Registry Number, C.R. No.,
//     Folio Mercantil No., Trade License No., V.A.T. Number, Legal Entity
//     Number, D-U-N-S Number, IMO (vessel and company), MMSI, SWIFT/BIC,
//     BIK, aircraft serial, tail and transponder numbers, Digital Currency
//     Address - <coin>, and more; each with its country from a trailing
//     "(Iran)" and its "issued" and "expires" dates;
//   - names: a.k.a., f.k.a. and n.k.a. 'X' (weak unless alt.csv has the
//     name as strong), "Formerly known as";
//   - contacts: Website, Email Address, Telephone, Phone Number, Fax;
//   - relations: "Linked To:", "Owned or Controlled By:", "Subsidiary Of:";
//   - sanctions facts kept as properties: Additional Sanctions Information
//     and Secondary sanctions risk (both set SecondarySanctions), Executive
//     Order ... information and determinations, CAATSA, PEESA, IFCA,
//     Listing Date and Effective Date of directives, CMIC divestment
//     dates, Transactions
//     Prohibited For..., Organization Established Date, Organization Type,
//     Target Type, aircraft model, operator and manufacture date, vessel
//     year of build and former or other flags, call signs and types.
//
// A fragment no key matches but shaped like "<label> No./Number/#/ID/Code
// <value with a digit>" becomes an "other" identifier under its label.
// Anything else is kept whole in Properties["remark"]; nothing is dropped,
// and the full text stays in Remarks. On the May 2024 sdn.csv, 481 of
// about 61,000 fragments end up there, nearly all free-text descriptions.
package ofac

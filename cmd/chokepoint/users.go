package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/store"
)

const usersSynopsis = `users add NAME --role admin|analyst|reviewer|auditor|integration [--reason WHY]
       chokepoint users list [--json]
       chokepoint users role NAME ROLE [--reason WHY]
       chokepoint users disable|enable NAME [--reason WHY]`

// runUsers manages the users who act on the record. The command line acts
// as the OS user ("os:LOGIN"), recorded as such in the audit trail.
func runUsers(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"users needs a subcommand: add, list, role, disable or enable"}
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "users "+sub, usersSynopsis)
	dbf := addDBFlags(fs, e, true)
	role := fs.String("role", "", "role of a new user")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"add": 1, "list": 0, "role": 2, "disable": 1, "enable": 1}
	n, ok := want[sub]
	if !ok {
		return &usageError{fmt.Sprintf("unknown users subcommand %q (want add, list, role, disable or enable)", sub)}
	}
	if len(pos) != n {
		return &usageError{fmt.Sprintf("users %s takes %d argument(s), got %d", sub, n, len(pos))}
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "list" {
		users, err := s.Users(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, users)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tCREATED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, map[bool]string{false: "active", true: "disabled"}[u.Disabled], u.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	}
	var u store.User
	err = s.Write(ctx, store.Operator(), dbf.why(), func(tx *store.Tx) error {
		var err error
		switch sub {
		case "add":
			if *role == "" {
				return &usageError{"users add needs --role"}
			}
			var r store.Role
			if r, err = store.ParseRole(*role); err == nil {
				u, err = tx.AddUser(ctx, pos[0], r)
			}
		case "role":
			var r store.Role
			if r, err = store.ParseRole(pos[1]); err == nil {
				u, err = tx.SetUserRole(ctx, pos[0], r)
			}
		default:
			u, err = tx.SetUserDisabled(ctx, pos[0], sub == "disable")
		}
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, u)
	}
	fmt.Fprintf(e.stdout, "user %s: role %s, %s\n", u.Name, u.Role, map[bool]string{false: "active", true: "disabled"}[u.Disabled])
	return nil
}

const keysSynopsis = `keys create --user NAME [--label TEXT] [--expires DATE|DAYSd] [--reason WHY] [--json]
       chokepoint keys list [--user NAME] [--json]
       chokepoint keys revoke PREFIX [--reason WHY]`

// runKeys manages API keys. A new key's secret is printed once and never
// stored; only its SHA-256 and its visible prefix are.
func runKeys(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"keys needs a subcommand: create, list or revoke"}
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "keys "+sub, keysSynopsis)
	dbf := addDBFlags(fs, e, true)
	user := fs.String("user", "", "the key's user")
	label := fs.String("label", "", "what the key is for, shown in lists")
	expires := fs.String("expires", "", "expiry: a date (2027-12-31) or a number of days (90d); none by default")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case sub != "create" && sub != "list" && sub != "revoke":
		return &usageError{fmt.Sprintf("unknown keys subcommand %q (want create, list or revoke)", sub)}
	case sub == "revoke" && len(pos) != 1:
		return &usageError{"keys revoke takes the key's prefix (ck_XXXXXXXX)"}
	case sub != "revoke" && len(pos) != 0:
		return &usageError{fmt.Sprintf("keys %s takes no arguments", sub)}
	case sub == "create" && *user == "":
		return &usageError{"keys create needs --user"}
	}
	exp, err := parseExpiry(*expires, time.Now())
	if err != nil {
		return &usageError{err.Error()}
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "list":
		keys, err := s.Keys(ctx, *user)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, keys)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tUSER\tROLE\tLABEL\tCREATED\tEXPIRES\tSTATUS")
		for _, k := range keys {
			status := "active"
			switch {
			case !k.RevokedAt.IsZero():
				status = "revoked " + k.RevokedAt.Format(time.DateOnly)
			case !k.ExpiresAt.IsZero() && time.Now().After(k.ExpiresAt):
				status = "expired"
			case k.UserDisabled:
				status = "user disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.User, k.Role, orDash(k.Label),
				k.CreatedAt.Format(time.DateOnly), orDash(dateOrEmpty(k.ExpiresAt)), status)
		}
		return tw.Flush()
	case "revoke":
		var k store.APIKey
		err := s.Write(ctx, store.Operator(), dbf.why(), func(tx *store.Tx) error {
			var err error
			k, err = tx.RevokeKey(ctx, pos[0])
			return err
		})
		if err == nil {
			fmt.Fprintf(e.stdout, "key %s of %s revoked\n", k.Prefix, k.User)
		}
		return err
	}
	var secret string
	var k store.APIKey
	err = s.Write(ctx, store.Operator(), dbf.why(), func(tx *store.Tx) error {
		var err error
		secret, k, err = tx.CreateKey(ctx, *user, *label, exp)
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Key string `json:"key"`
			store.APIKey
		}{secret, k})
	}
	fmt.Fprintf(e.stdout, "%s\n", secret)
	fmt.Fprintf(e.stderr, "key %s for %s (%s): shown once, store it now; it cannot be shown again\n", k.Prefix, k.User, k.Role)
	return nil
}

// parseExpiry reads "2027-12-31" or "90d"; "" is no expiry.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return time.Time{}, fmt.Errorf("--expires %q: want a date or a positive number of days such as 90d", s)
		}
		return now.AddDate(0, 0, n), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--expires %q: want a date (2027-12-31) or days (90d)", s)
	}
	return t, nil
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Role is what a user may do. The rules of which role may do what belong
// to the workflow above the store; the store only keeps the role.
type Role string

// The roles.
const (
	// RoleAdmin manages users, keys and settings.
	RoleAdmin Role = "admin"
	// RoleAnalyst reviews alerts and proposes dispositions.
	RoleAnalyst Role = "analyst"
	// RoleReviewer approves what four eyes must see (clearances on a
	// blocking list, suppressions), never their own decisions.
	RoleReviewer Role = "reviewer"
	// RoleAuditor reads everything and changes nothing.
	RoleAuditor Role = "auditor"
	// RoleIntegration is a system screening through the API.
	RoleIntegration Role = "integration"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleAnalyst, RoleReviewer, RoleAuditor, RoleIntegration}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("role %q: want admin, analyst, reviewer, auditor or integration", s)
}

// User is a person or a system that acts on the record.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// checkUserName accepts names that read well in an audit trail and cannot
// be confused with the command line's "os:" actors.
func checkUserName(name string) error {
	if name == "" || len(name) > 100 {
		return errors.New("user name: want 1 to 100 characters")
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._@-", r)) {
			return fmt.Errorf("user name %q: only letters, digits and . _ @ - are allowed", name)
		}
	}
	return nil
}

// AddUser creates a user. A name already taken is ErrExists.
func (t *Tx) AddUser(ctx context.Context, name string, role Role) (User, error) {
	if err := checkUserName(name); err != nil {
		return User{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	u := User{Name: name, Role: role, CreatedAt: t.now}
	err := t.queryRow(ctx, `INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, string(role), t.s.ts(t.now)).Scan(&u.ID)
	if isUnique(err) {
		return User{}, fmt.Errorf("user %q: %w", name, ErrExists)
	}
	if err != nil {
		return User{}, fmt.Errorf("add user %q: %w", name, err)
	}
	return u, t.record(Change{Action: "user.create", ObjectType: "user", ObjectID: name, After: u})
}

// SetUserRole changes a user's role.
func (t *Tx) SetUserRole(ctx context.Context, name string, role Role) (User, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	before, err := t.user(ctx, name)
	if err != nil {
		return User{}, err
	}
	after := before
	after.Role = role
	if before.Role == role {
		return after, nil
	}
	if _, err := t.exec(ctx, `UPDATE users SET role = $1 WHERE id = $2`, string(role), before.ID); err != nil {
		return User{}, fmt.Errorf("set role of %q: %w", name, err)
	}
	return after, t.record(Change{Action: "user.role", ObjectType: "user", ObjectID: name, Before: before, After: after})
}

// SetUserDisabled disables or re-enables a user; a disabled user's keys
// stop working.
func (t *Tx) SetUserDisabled(ctx context.Context, name string, disabled bool) (User, error) {
	before, err := t.user(ctx, name)
	if err != nil {
		return User{}, err
	}
	after := before
	after.Disabled = disabled
	if before.Disabled == disabled {
		return after, nil
	}
	if _, err := t.exec(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, t.s.boolean(disabled), before.ID); err != nil {
		return User{}, fmt.Errorf("disable %q: %w", name, err)
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return after, t.record(Change{Action: action, ObjectType: "user", ObjectID: name, Before: before, After: after})
}

// boolean converts a Go bool for a query argument: SQLite keeps 0 and 1.
func (s *Store) boolean(b bool) any {
	if s.backend == SQLite {
		if b {
			return 1
		}
		return 0
	}
	return b
}

func (t *Tx) user(ctx context.Context, name string) (User, error) {
	return scanUser(t.queryRow(ctx, userQuery+` WHERE name = $1`, name), name)
}

const userQuery = `SELECT id, name, role, disabled, created_at FROM users`

func scanUser(row scanner, name string) (User, error) {
	var u User
	var at dbTime
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("read user %q: %w", name, err)
	}
	u.CreatedAt = at.Time
	return u, nil
}

// User returns the user called name.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	return scanUser(s.read.QueryRowContext(ctx, userQuery+` WHERE name = $1`, name), name)
}

// Users returns every user by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.read.QueryContext(ctx, userQuery+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows, "")
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// APIKey is a key as stored: its visible prefix and its owner, never the
// secret, which is shown once on creation and kept only as a SHA-256 hash.
type APIKey struct {
	ID        int64     `json:"id"`
	Prefix    string    `json:"prefix"`
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	// UserDisabled is set when the owner is disabled.
	UserDisabled bool `json:"user_disabled,omitempty"`
}

// Errors of LookupKey for a key that exists but may not be used.
var (
	ErrKeyRevoked  = errors.New("api key revoked")
	ErrKeyExpired  = errors.New("api key expired")
	ErrUserBlocked = errors.New("user disabled")
)

// keyPrefixLen is the hex length of the visible part of a key: enough to
// tell keys apart in a list, far too little to guess the rest.
const keyPrefixLen = 8

// newKeySecret returns "ck_" + 8 hex + "_" + 43 base64url characters
// (32 random bytes) and its visible prefix "ck_" + 8 hex.
func newKeySecret() (secret, prefix string, err error) {
	var pre [keyPrefixLen / 2]byte
	var body [32]byte
	if _, err := rand.Read(pre[:]); err != nil {
		return "", "", err
	}
	if _, err := rand.Read(body[:]); err != nil {
		return "", "", err
	}
	prefix = "ck_" + hex.EncodeToString(pre[:])
	return prefix + "_" + base64.RawURLEncoding.EncodeToString(body[:]), prefix, nil
}

// hashKey is the stored form of a key. SHA-256 without salt is enough for
// 256 random bits, and lets a request find its key with one indexed look-up.
func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes an API key for the user called user and returns the
// secret, which is not stored and cannot be shown again. A zero expires
// means the key does not expire.
func (t *Tx) CreateKey(ctx context.Context, user, label string, expires time.Time) (secret string, k APIKey, err error) {
	u, err := t.user(ctx, user)
	if err != nil {
		return "", APIKey{}, err
	}
	if u.Disabled {
		return "", APIKey{}, fmt.Errorf("user %q: %w", user, ErrUserBlocked)
	}
	if !expires.IsZero() && !expires.After(t.now) {
		return "", APIKey{}, fmt.Errorf("expiry %s: is not in the future", expires.Format(time.RFC3339))
	}
	if len(label) > 200 {
		return "", APIKey{}, errors.New("key label: longer than 200 characters")
	}
	// A clash of the 32-bit prefix is unlikely but possible; try again.
	for range 5 {
		secret, prefix, err := newKeySecret()
		if err != nil {
			return "", APIKey{}, fmt.Errorf("create key: %w", err)
		}
		k = APIKey{Prefix: prefix, User: u.Name, Role: u.Role, Label: label, CreatedAt: t.now, ExpiresAt: expires.UTC().Truncate(time.Microsecond)}
		err = t.queryRow(ctx, `INSERT INTO api_keys (user_id, prefix, hash, label, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			u.ID, prefix, hashKey(secret), label, t.s.ts(t.now), t.s.tsOrNil(expires)).Scan(&k.ID)
		if isUnique(err) {
			continue
		}
		if err != nil {
			return "", APIKey{}, fmt.Errorf("create key: %w", err)
		}
		return secret, k, t.record(Change{Action: "key.create", ObjectType: "api_key", ObjectID: prefix, After: k})
	}
	return "", APIKey{}, errors.New("create key: no free prefix after 5 tries")
}

// RevokeKey revokes the key with the visible prefix; revoking twice is
// not an error and records nothing the second time.
func (t *Tx) RevokeKey(ctx context.Context, prefix string) (APIKey, error) {
	before, err := scanKey(t.queryRow(ctx, keyQuery+` WHERE k.prefix = $1`, prefix), prefix)
	if err != nil {
		return APIKey{}, err
	}
	if !before.RevokedAt.IsZero() {
		return before, nil
	}
	after := before
	after.RevokedAt = t.now
	if _, err := t.exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2`, t.s.ts(t.now), before.ID); err != nil {
		return APIKey{}, fmt.Errorf("revoke key %s: %w", prefix, err)
	}
	return after, t.record(Change{Action: "key.revoke", ObjectType: "api_key", ObjectID: prefix, Before: before, After: after})
}

const keyQuery = `SELECT k.id, k.prefix, u.name, u.role, k.label, k.created_at, k.expires_at, k.revoked_at, u.disabled
	FROM api_keys k JOIN users u ON u.id = k.user_id`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanKey(row scanner, what string) (APIKey, error) {
	var k APIKey
	var created, expires, revoked dbTime
	err := row.Scan(&k.ID, &k.Prefix, &k.User, &k.Role, &k.Label, &created, &expires, &revoked, &k.UserDisabled)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, fmt.Errorf("api key %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("read api key %s: %w", what, err)
	}
	k.CreatedAt, k.ExpiresAt, k.RevokedAt = created.Time, expires.Time, revoked.Time
	return k, nil
}

// LookupKey finds the key whose secret was presented, for authenticating
// an API request. An unknown key is ErrNotFound; a revoked or expired key,
// or one whose user is disabled, returns the key with ErrKeyRevoked,
// ErrKeyExpired or ErrUserBlocked.
func (s *Store) LookupKey(ctx context.Context, secret string) (APIKey, error) {
	if !strings.HasPrefix(secret, "ck_") || len(secret) > 100 {
		return APIKey{}, fmt.Errorf("api key: %w", ErrNotFound)
	}
	k, err := scanKey(s.read.QueryRowContext(ctx, keyQuery+` WHERE k.hash = $1`, hashKey(secret)), "presented")
	if err != nil {
		return APIKey{}, err
	}
	switch {
	case !k.RevokedAt.IsZero():
		return k, ErrKeyRevoked
	case !k.ExpiresAt.IsZero() && !s.now().Before(k.ExpiresAt):
		return k, ErrKeyExpired
	case k.UserDisabled:
		return k, ErrUserBlocked
	}
	return k, nil
}

// Keys returns every key of the user called user, or of all users when
// user is empty, newest first.
func (s *Store) Keys(ctx context.Context, user string) ([]APIKey, error) {
	q, args := keyQuery, []any(nil)
	if user != "" {
		q += ` WHERE u.name = $1`
		args = append(args, user)
	}
	rows, err := s.read.QueryContext(ctx, q+` ORDER BY k.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanKey(rows, "")
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

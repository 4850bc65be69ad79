// Package config holds the settings every command shares, with defaults
// from New, overridden by CHOKEPOINT_* environment variables and then by
// command flags.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration.
type Config struct {
	// DataDir keeps downloaded and imported list versions. Empty means the
	// bundled lists only, with nothing written.
	DataDir string
	// MaxShrink is the share (0..1) by which a new list version may be
	// smaller than the one it replaces before it is refused.
	MaxShrink float64
	// Threshold is the default match threshold.
	Threshold float64
	// MaxListAge is how long after its publication a list version serves
	// before every screening result warns that it is stale.
	MaxListAge time.Duration
	// UpdateTimeout is how long `lists update` waits on a silent server.
	UpdateTimeout time.Duration
	// Addr is the listen address of serve.
	Addr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// APIKeysFile names a file of API bearer tokens, one per line, that
	// serve requires on /v1/ routes; empty means no auth. A secret's path,
	// not the secret.
	APIKeysFile string
	// DB names the system of record: a SQLite file path (or sqlite:PATH)
	// or a postgres:// URL. Empty means chokepoint.db in DataDir. It may
	// hold a password; `chokepoint config` masks it.
	DB string
	// User is the stored user the workflow commands act as when --as is
	// not given.
	User string
	// AlertSLA overrides the time to decide an alert by priority, as
	// "critical=24h,high=48h,medium=120h,low=240h" (see review.Config).
	AlertSLA string
	// ReasonCodes replaces the disposition reason codes, comma-separated.
	ReasonCodes string
	// ListURLs overrides list download URLs, keyed by the variable name
	// (CHOKEPOINT_URL_<SOURCE>_<FILE>, see lists.URLVar).
	ListURLs map[string]string
}

// New returns the defaults.
func New() Config {
	dir := ""
	if home, err := os.UserHomeDir(); err == nil {
		dir = filepath.Join(home, ".local", "share", "chokepoint")
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		dir = filepath.Join(x, "chokepoint")
	}
	return Config{
		DataDir:       dir,
		MaxShrink:     0.10,
		Threshold:     0.80,
		MaxListAge:    7 * 24 * time.Hour,
		UpdateTimeout: 30 * time.Second,
		Addr:          "127.0.0.1:8080",
		LogLevel:      "info",
		LogFormat:     "text",
	}
}

// Vars names each environment variable and what it sets, for `chokepoint
// config` and the docs.
var Vars = []struct{ Name, Field, Help string }{
	{"CHOKEPOINT_DATA_DIR", "DataDir", "directory for downloaded and imported list versions"},
	{"CHOKEPOINT_MAX_SHRINK", "MaxShrink", "largest share (0..1) a new list version may shrink by"},
	{"CHOKEPOINT_THRESHOLD", "Threshold", "default match threshold in [0,1]"},
	{"CHOKEPOINT_MAX_LIST_AGE", "MaxListAge", "age past publication (such as 7d or 36h) after which results warn that a list is stale"},
	{"CHOKEPOINT_UPDATE_TIMEOUT", "UpdateTimeout", "how long lists update waits on a silent server (such as 30s)"},
	{"CHOKEPOINT_ADDR", "Addr", "listen address of serve"},
	{"CHOKEPOINT_LOG_LEVEL", "LogLevel", "debug, info, warn or error"},
	{"CHOKEPOINT_LOG_FORMAT", "LogFormat", "text or json"},
	{"CHOKEPOINT_API_KEYS_FILE", "APIKeysFile", "file of API bearer tokens (one a line) serve requires on /v1/"},
	{"CHOKEPOINT_DB", "DB", "database: SQLite file path or postgres:// URL (default chokepoint.db in the data directory)"},
	{"CHOKEPOINT_USER", "User", "stored user the alert and screening commands act as (their --as)"},
	{"CHOKEPOINT_ALERT_SLA", "AlertSLA", "time to decide an alert by priority, e.g. critical=24h,high=48h,medium=120h,low=240h"},
	{"CHOKEPOINT_REASON_CODES", "ReasonCodes", "disposition reason codes, comma-separated (replace the defaults)"},
}

// FromEnv applies the CHOKEPOINT_* variables found by getenv to c.
// Unknown CHOKEPOINT_* variables are an error so a typo is not ignored.
func (c *Config) FromEnv(environ []string) error {
	known := make(map[string]bool)
	for _, v := range Vars {
		known[v.Name] = true
	}
	var errs []error
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "CHOKEPOINT_") {
			continue
		}
		if !known[name] {
			if strings.HasPrefix(name, "CHOKEPOINT_URL_") {
				// List URLs: the lists package knows which names exist.
				if c.ListURLs == nil {
					c.ListURLs = make(map[string]string)
				}
				c.ListURLs[name] = val
				continue
			}
			errs = append(errs, fmt.Errorf("unknown environment variable %s", name))
			continue
		}
		if err := c.set(name, val); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Config) set(name, val string) error {
	switch name {
	case "CHOKEPOINT_DATA_DIR":
		c.DataDir = val
	case "CHOKEPOINT_MAX_SHRINK", "CHOKEPOINT_THRESHOLD":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", name, val)
		}
		if name == "CHOKEPOINT_MAX_SHRINK" {
			c.MaxShrink = f
		} else {
			c.Threshold = f
		}
	case "CHOKEPOINT_MAX_LIST_AGE":
		d, err := ParseAge(val)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		c.MaxListAge = d
	case "CHOKEPOINT_UPDATE_TIMEOUT":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: %q is not a positive duration such as 30s", name, val)
		}
		c.UpdateTimeout = d
	case "CHOKEPOINT_ADDR":
		c.Addr = val
	case "CHOKEPOINT_LOG_LEVEL":
		c.LogLevel = val
	case "CHOKEPOINT_LOG_FORMAT":
		c.LogFormat = val
	case "CHOKEPOINT_API_KEYS_FILE":
		c.APIKeysFile = val
	case "CHOKEPOINT_DB":
		c.DB = val
	case "CHOKEPOINT_USER":
		c.User = val
	case "CHOKEPOINT_ALERT_SLA":
		c.AlertSLA = val
	case "CHOKEPOINT_REASON_CODES":
		c.ReasonCodes = val
	}
	return nil
}

// Validate reports every bad setting at once.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxShrink < 0 || c.MaxShrink > 1 {
		errs = append(errs, fmt.Errorf("max shrink %v: want a share between 0 and 1", c.MaxShrink))
	}
	if c.MaxListAge <= 0 {
		errs = append(errs, fmt.Errorf("max list age %v: want a positive age such as 7d", c.MaxListAge))
	}
	if c.Threshold <= 0 || c.Threshold > 1 {
		errs = append(errs, fmt.Errorf("threshold %v: want a score in (0,1]", c.Threshold))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log format %q: want text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// ParseAge reads an age as whole days ("7d") or a Go duration ("36h").
func ParseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%q: want a positive number of days such as 7d, or a duration such as 36h", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want a positive number of days such as 7d, or a duration such as 36h", s)
	}
	return d, nil
}

// Database returns the database to open: DB, or the SQLite file
// chokepoint.db in DataDir.
func (c *Config) Database() (string, error) {
	if c.DB != "" {
		return c.DB, nil
	}
	if c.DataDir == "" {
		return "", errors.New("no database: set --db or CHOKEPOINT_DB, or a data directory (CHOKEPOINT_DATA_DIR)")
	}
	return filepath.Join(c.DataDir, "chokepoint.db"), nil
}

// MaskDSN hides the password of a database URL for display.
func MaskDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

//go:build !unix

package lists

import (
	"fmt"
	"os"
)

// lockDir only creates the store where file locks are not available;
// the in-process mutex still serialises updates.
func lockDir(root string) (unlock func(), err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return func() {}, nil
}

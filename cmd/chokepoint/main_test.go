package main

import (
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// TestMain says in one line how many tests skipped for want of ../shared.
func TestMain(m *testing.M) {
	runChildIfAsked()
	sharedtest.Main(m)
}

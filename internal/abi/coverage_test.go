package abi

import (
	"slices"
	"testing"
)

// TestCoverage holds the README's feature table to the code: every call of
// preview1, WASIX 2022 and the seed snapshot has a handler, and the current
// generation lacks exactly the calls the table says answer ENOSYS.
func TestCoverage(t *testing.T) {
	notYet := map[Generation][]string{
		WasixCurrent: {"proc_snapshot"},
	}
	for _, s := range specs {
		var missing []string
		for _, f := range s.Funcs {
			if handlerFor(s.Gen, f.Name) == nil {
				missing = append(missing, f.Name)
			}
		}
		want := notYet[s.Gen]
		slices.Sort(missing)
		slices.Sort(want)
		if !slices.Equal(missing, want) {
			t.Errorf("%s: calls without a handler %v, the README says %v", s.Gen, missing, want)
		}
	}
}

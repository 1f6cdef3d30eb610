//go:build !unix

package tlsproc

import (
	"errors"
	"os"
)

// socketPair: the helper is handed its sockets as inherited descriptors,
// which this system does not offer.
func socketPair() (ours, theirs *os.File, err error) {
	return nil, nil, errors.New("https and wss need Unix descriptors for the " + HelperName + " helper")
}

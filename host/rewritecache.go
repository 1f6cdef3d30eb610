package host

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/wasix-go/wasix/internal/compcache"
)

// The atomics rewrite reads every instruction of a program (about 150
// MB/s), which each start of the CLI would pay again, its process keeping
// nothing: a 25 MB program would take a sixth of a second before running.
// With a cache directory the result is kept there beside the compiled
// code, under the program's SHA-256, and read back instead. A file is the
// magic, the CRC-32C of the rest, a byte saying whether the program was
// rewritten (a program without waits is kept too, so that it is not read
// again), and the rewritten binary. A file that fails its check is
// ignored and written anew; the cache is best effort, an error only costs
// the rewrite.

const rewriteMagic = "wasixrw1"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// rewritePath is where the rewrite of the program sum is kept, "" without
// a cache directory.
func (r *Runtime) rewritePath(sum [32]byte) string {
	if r.cacheDir == "" {
		return ""
	}
	return filepath.Join(r.cacheDir, compcache.RewriteDir, hex.EncodeToString(sum[:]))
}

// loadRewrite returns the kept rewrite of the program sum (nil when the
// program needs none) and whether one was kept and intact.
func (r *Runtime) loadRewrite(sum [32]byte) ([]byte, bool) {
	p := r.rewritePath(sum)
	if p == "" {
		return nil, false
	}
	b, err := os.ReadFile(p)
	const head = len(rewriteMagic) + 4
	if err != nil || len(b) < head+1 || string(b[:len(rewriteMagic)]) != rewriteMagic ||
		binary.LittleEndian.Uint32(b[len(rewriteMagic):]) != crc32.Checksum(b[head:], castagnoli) {
		return nil, false
	}
	switch b[head] {
	case 0:
		return nil, len(b) == head+1
	case 1:
		return b[head+1:], true
	}
	return nil, false
}

// storeRewrite keeps out, the rewrite of the program sum (nil: none
// needed), written to a temporary file renamed into place so that a
// concurrent start never reads half of it.
func (r *Runtime) storeRewrite(sum [32]byte, out []byte) {
	p := r.rewritePath(sum)
	if p == "" {
		return
	}
	var body bytes.Buffer
	body.Grow(len(rewriteMagic) + 5 + len(out))
	body.WriteString(rewriteMagic)
	body.Write(make([]byte, 4))
	if out == nil {
		body.WriteByte(0)
	} else {
		body.WriteByte(1)
		body.Write(out)
	}
	b := body.Bytes()
	binary.LittleEndian.PutUint32(b[len(rewriteMagic):], crc32.Checksum(b[len(rewriteMagic)+4:], castagnoli))
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, filepath.Base(p)+".*.tmp")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil || os.Rename(f.Name(), p) != nil {
		os.Remove(f.Name())
	}
}

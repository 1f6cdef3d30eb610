package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestExamples runs every wasix command line of the README's sh blocks and
// of the help's examples, from the repository's root, and wants each to
// succeed. Variables set by a line (B=dir) are expanded in later lines of
// the README, comments and line continuations are handled, and the
// commands run with the tests' compile cache.
func TestExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		lines = append(lines, strings.Split(strings.ReplaceAll(block[1], "\\\n", " "), "\n")...)
	}
	_, help, _ := strings.Cut(runHelp, "\nExamples")
	for _, l := range strings.Split(help, "\n") {
		if strings.HasPrefix(l, "  wasix ") {
			lines = append(lines, l)
		}
	}
	t.Chdir("../..")
	vars := map[string]string{}
	ran := 0
	for _, line := range lines {
		words := shellWords(line, vars)
		if len(words) == 0 {
			continue
		}
		if k, v, ok := strings.Cut(words[0], "="); ok && len(words) == 1 {
			vars[k] = v
			continue
		}
		if len(words) > 3 && strings.Join(words[:3], " ") == "go run ./cmd/wasix" {
			words = append([]string{"wasix"}, words[3:]...)
		}
		if words[0] != "wasix" {
			continue // go install, go test
		}
		args := words[1:]
		if len(args) > 0 && (args[0] == "run" || args[0] == "inspect" || args[0] == "cache") {
			args = append([]string{args[0], "--cache-dir", testCacheDir}, args[1:]...)
		}
		code, out, errOut := wasix(t, args...)
		ran++
		if code != 0 {
			t.Errorf("%s\nstatus %d\nstdout:\n%s\nstderr:\n%s", line, code, out, errOut)
		}
	}
	if ran < 15 {
		t.Errorf("ran %d examples; the README and the help have more", ran)
	}
	if _, err := os.Stat("testdata/guests/cli/new.txt"); err == nil {
		os.Remove("testdata/guests/cli/new.txt")
		t.Error("an example wrote through a read-only mount")
	}
}

// shellWords splits a line as sh would for these examples: words apart
// by spaces, 'quoted' words kept whole, a comment dropped, $NAME expanded
// from vars outside quotes.
func shellWords(line string, vars map[string]string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted:
			if c == '\'' {
				quoted = false
			} else {
				w.WriteByte(c)
			}
		case c == '\'':
			quoted, in = true, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case c == '#' && !in:
			i = len(line)
		case c == '$':
			j := i + 1
			for j < len(line) && (line[j] == '_' || line[j] >= 'A' && line[j] <= 'Z') {
				j++
			}
			if v, ok := vars[line[i+1:j]]; ok && j > i+1 {
				w.WriteString(v)
				i = j - 1
			} else {
				w.WriteByte(c)
			}
			in = true
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

package main

import (
	"go/token"
	"strings"
	"unicode"
)

// exported turns a witx name into an exported Go name: fd_pipe -> FdPipe.
func exported(s string) string {
	out := camel(s)
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// camel joins the words of a witx name with upper-case initials, for use
// after a prefix: 2big -> 2big, fd_read -> FdRead.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// local turns a witx name into an unexported Go identifier that is not a
// keyword: old_path -> oldPath, interface -> interface_.
func local(s string) string {
	e := exported(s)
	out := strings.ToLower(e[:1]) + e[1:]
	if token.IsKeyword(out) {
		out += "_"
	}
	return out
}

// docLines turns a witx doc into Go comment lines, prefixed by lead (the
// identifier, as Go doc comments start with it).
func docLines(indent, lead, doc, fallback string) string {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		doc = fallback
	}
	var b strings.Builder
	first := true
	for _, line := range strings.Split(doc, "\n") {
		if first && lead != "" {
			line = lead + " " + line
			first = false
		}
		b.WriteString(indent + "//")
		if line != "" {
			b.WriteString(" " + line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// sentence returns the first line of a doc, for one-line messages.
func sentence(doc string) string {
	doc = strings.TrimSpace(doc)
	if i := strings.IndexByte(doc, '\n'); i >= 0 {
		doc = doc[:i]
	}
	return doc
}

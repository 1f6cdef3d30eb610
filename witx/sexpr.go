package witx

import (
	"fmt"
	"strings"
)

// Pos is a position in a witx source file. Line and Col start at 1; Col counts bytes.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as file:line:col, the form editors jump to.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a parse or resolution error at a position in a witx file.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns the position and the message.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

func errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// node is one s-expression: an atom, a string, or a list. Doc holds the
// `;;;` lines written just before it.
type node struct {
	pos  Pos
	doc  string
	atom string  // set for atoms (identifiers, keywords, numbers)
	str  *string // set for string literals
	list []*node // set for lists (may be empty, see isList)
	isL  bool
}

func (n *node) isList() bool { return n.isL }

// head returns the first atom of a list, or "" when there is none.
func (n *node) head() string {
	if !n.isL || len(n.list) == 0 || n.list[0].isL || n.list[0].str != nil {
		return ""
	}
	return n.list[0].atom
}

// describe says what a node is, for error messages.
func (n *node) describe() string {
	switch {
	case n.isL && n.head() != "":
		return "(" + n.head() + " ...)"
	case n.isL:
		return "a list"
	case n.str != nil:
		return fmt.Sprintf("string %q", *n.str)
	default:
		return fmt.Sprintf("%q", n.atom)
	}
}

// reader turns witx source into s-expressions.
type reader struct {
	src  string
	file string
	off  int
	line int
	col  int
	doc  []string
}

// readAll parses every top-level s-expression of src.
func readAll(file, src string) ([]*node, error) {
	r := &reader{src: src, file: file, line: 1, col: 1}
	var out []*node
	for {
		if err := r.skipSpace(); err != nil {
			return nil, err
		}
		if r.off >= len(r.src) {
			return out, nil
		}
		n, err := r.read(0)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
}

func (r *reader) pos() Pos { return Pos{File: r.file, Line: r.line, Col: r.col} }

func (r *reader) advance(n int) {
	for i := 0; i < n && r.off < len(r.src); i++ {
		if r.src[r.off] == '\n' {
			r.line++
			r.col = 1
		} else {
			r.col++
		}
		r.off++
	}
}

// skipSpace skips whitespace and comments, collecting `;;;` doc lines.
// A blank line or ordinary comment does not reset collected docs, since
// specs often separate a doc block from its item by an annotation.
func (r *reader) skipSpace() error {
	for r.off < len(r.src) {
		c := r.src[r.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			r.advance(1)
		case strings.HasPrefix(r.src[r.off:], ";;;"):
			end := strings.IndexByte(r.src[r.off:], '\n')
			if end < 0 {
				end = len(r.src) - r.off
			}
			line := r.src[r.off+3 : r.off+end]
			line = strings.TrimPrefix(line, " ")
			r.doc = append(r.doc, strings.TrimRight(line, " \t\r"))
			r.advance(end)
		case strings.HasPrefix(r.src[r.off:], ";;"):
			end := strings.IndexByte(r.src[r.off:], '\n')
			if end < 0 {
				end = len(r.src) - r.off
			}
			r.advance(end)
		case strings.HasPrefix(r.src[r.off:], "(;"):
			start := r.pos()
			depth := 0
			for {
				if r.off >= len(r.src) {
					return errorf(start, "unterminated block comment")
				}
				if strings.HasPrefix(r.src[r.off:], "(;") {
					depth++
					r.advance(2)
				} else if strings.HasPrefix(r.src[r.off:], ";)") {
					depth--
					r.advance(2)
					if depth == 0 {
						break
					}
				} else {
					r.advance(1)
				}
			}
		default:
			return nil
		}
	}
	return nil
}

func (r *reader) takeDoc() string {
	d := strings.Join(r.doc, "\n")
	r.doc = nil
	return d
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

func (r *reader) read(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errorf(r.pos(), "nesting deeper than %d levels", maxDepth)
	}
	start := r.pos()
	doc := r.takeDoc()
	c := r.src[r.off]
	switch {
	case c == '(':
		r.advance(1)
		n := &node{pos: start, doc: doc, isL: true}
		for {
			if err := r.skipSpace(); err != nil {
				return nil, err
			}
			if r.off >= len(r.src) {
				return nil, errorf(start, "unclosed '(': expected ')' before end of file")
			}
			if r.src[r.off] == ')' {
				r.advance(1)
				// Docs written just before ')' belong to nothing; drop them.
				r.doc = nil
				return n, nil
			}
			child, err := r.read(depth + 1)
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, child)
		}
	case c == ')':
		return nil, errorf(start, "unexpected ')'")
	case c == '"':
		r.advance(1)
		var b strings.Builder
		for {
			if r.off >= len(r.src) || r.src[r.off] == '\n' {
				return nil, errorf(start, "unterminated string: expected '\"'")
			}
			ch := r.src[r.off]
			if ch == '"' {
				r.advance(1)
				break
			}
			if ch == '\\' {
				if r.off+1 >= len(r.src) {
					return nil, errorf(r.pos(), "unterminated escape in string")
				}
				switch e := r.src[r.off+1]; e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case '\\', '"', '\'':
					b.WriteByte(e)
				default:
					return nil, errorf(r.pos(), "unknown escape \\%c in string", e)
				}
				r.advance(2)
				continue
			}
			b.WriteByte(ch)
			r.advance(1)
		}
		s := b.String()
		return &node{pos: start, doc: doc, str: &s}, nil
	default:
		begin := r.off
		for r.off < len(r.src) {
			ch := r.src[r.off]
			if ch == '(' || ch == ')' || ch == '"' || ch == ';' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' {
				break
			}
			r.advance(1)
		}
		if r.off == begin {
			return nil, errorf(start, "unexpected character %q", c)
		}
		return &node{pos: start, doc: doc, atom: r.src[begin:r.off]}, nil
	}
}

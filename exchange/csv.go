package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"lifeline"
)

// maxCSVRows bounds the rows of an imported table.
const maxCSVRows = 1 << 20

// readCSV reads a whole CSV document: every record, with the line each
// starts on. Broken quoting, a field longer than MaxField, invalid UTF-8
// and records of different lengths are errors naming the line.
func readCSV(op string, r io.Reader) (records [][]string, lines []int, err error) {
	data, err := readAll(op, r)
	if err != nil {
		return nil, nil, err
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			c, n := utf8.DecodeRune(data[i:])
			if c == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, nil, invalid(op, "", "line %d: not UTF-8 text; save the table as CSV UTF-8", 1+bytes.Count(data[:i], []byte("\n")))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				what := pe.Err.Error()
				switch {
				case errors.Is(pe.Err, csv.ErrQuote):
					what = "a quote inside a quoted field that is not doubled, or a quote never closed; write a quote in a field as two quotes"
				case errors.Is(pe.Err, csv.ErrBareQuote):
					what = "a quote inside a field that is not quoted; quote the field and write the quote as two quotes"
				case errors.Is(pe.Err, csv.ErrFieldCount):
					what = fmt.Sprintf("%d fields where the header has %d", len(rec), len(records[0]))
				}
				return nil, nil, invalid(op, "", "line %d, column %d: %s", pe.StartLine, pe.Column, what)
			}
			return nil, nil, invalid(op, "", "%v", err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			if len(f) > MaxField {
				return nil, nil, invalid(op, "", "line %d, field %d: %d bytes; at most %d are accepted", line, i+1, len(f), MaxField)
			}
		}
		if len(records) >= maxCSVRows {
			return nil, nil, invalid(op, "", "line %d: more than %d rows", line, maxCSVRows)
		}
		for i := range rec {
			rec[i] = unguardCell(rec[i])
		}
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return nil, nil, invalid(op, "", "the table is empty")
	}
	return records, lines, nil
}

// writeCSV writes records with CRLF line ends, as RFC 4180 and
// spreadsheets expect, each cell guarded against formula injection.
func writeCSV(w io.Writer, records [][]string) error {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	guarded := make([][]string, len(records))
	for i, rec := range records {
		guarded[i] = make([]string, len(rec))
		for j, c := range rec {
			guarded[i][j] = guardCell(c)
		}
	}
	if err := cw.WriteAll(guarded); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// errField is an error about one cell's value, for people.
type errField struct{ msg string }

func (e errField) Error() string { return e.msg }

func fieldErr(format string, args ...any) error { return errField{fmt.Sprintf(format, args...)} }

// cellError names the line and the column of a bad cell.
func cellError(op string, line int, column string, err error) error {
	msg := err.Error()
	var le *lifeline.Error
	if errors.As(err, &le) {
		msg = le.Message
	}
	if column == "" {
		return invalid(op, "", "line %d: %s", line, strings.TrimSpace(msg))
	}
	return invalid(op, "", "line %d, column %s: %s", line, column, strings.TrimSpace(msg))
}

// A spreadsheet opening a CSV file runs a cell that starts with =, +, -,
// @, a tab or a carriage return as a formula: a reporter's title such as
// =HYPERLINK(…) would run on an information manager's machine (CSV
// injection). Such cells are written with a leading apostrophe, which
// spreadsheets show as text, and read back without it; a cell that starts
// with an apostrophe gets a second one, so every value comes back as it
// was. Numbers such as -12.5 are left alone.

func needsGuard(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r', '\'':
		return true
	case '-':
		_, err := strconv.ParseFloat(s, 64)
		return err != nil
	}
	return false
}

func guardCell(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

func unguardCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}

package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return nil, nil, invalid(op, "", "the table is empty")
	}
	return records, lines, nil
}

// writeCSV writes records with CRLF line ends, as RFC 4180 and
// spreadsheets expect.
func writeCSV(w io.Writer, records [][]string) error {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	if err := cw.WriteAll(records); err != nil {
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

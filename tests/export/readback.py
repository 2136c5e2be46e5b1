#!/usr/bin/python3
"""Reads an export back with independent readers (Python's csv and json, openpyxl) and prints
every cell in a canonical form the C++ test (tst_exportroundtrip) compares with the original.

usage: readback.py FORMAT PATH TYPES
  FORMAT  csv | tsv | json | xlsx
  TYPES   one q type letter per column (b g x h i j e f c s p m d z n u v t), '*' for strings

Canonical forms (what the C++ side computes from the q value):
  null                       any typed null (and NaN, which q reads as the float null)
  inf / -inf                 an infinity of a temporal
  decimal                    booleans 0/1, bytes, shorts, ints, longs (infinities are numbers)
  hex of IEEE bits (LE)      reals and floats, infinities included
  hex of UTF-8 bytes         chars, symbols, strings
  lower-case text            guids
  integer units since 2000.01.01 / of the day: ns (p n), months (m), days (d), ms (z t),
                             minutes (u), seconds (v)
Prints JSON: {"header": [...], "rows": [[...], ...]}. Exit 3 when openpyxl is missing.
"""
import csv
import datetime
import json
import struct
import sys

EPOCH = datetime.date(2000, 1, 1)
EPOCH_DT = datetime.datetime(2000, 1, 1)
INT_MAX = {'h': 32767, 'i': 2147483647, 'j': 9223372036854775807}


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def days_of(text):
    y, m, d = (int(p) for p in text.split('-'))
    return (datetime.date(y, m, d) - EPOCH).days


def clock_units(text, per_second):
    """[-]hh:mm[:ss[.fraction]] -> count of 1/per_second units (minutes when per_second is 0)."""
    neg = text.startswith('-')
    if neg:
        text = text[1:]
    parts = text.split(':')
    hh, mm = int(parts[0]), int(parts[1])
    if per_second == 0:
        v = hh * 60 + mm
    else:
        ss, frac = parts[2], ''
        if '.' in ss:
            ss, frac = ss.split('.')
        digits = len(str(per_second)) - 1
        if len(frac) != digits:
            fail('fraction %r is not %d digits' % (text, digits))
        v = ((hh * 60 + mm) * 60 + int(ss)) * per_second + (int(frac) if frac else 0)
    return -v if neg else v


def timespan_ns(text):
    neg = text.startswith('-')
    if neg:
        text = text[1:]
    d, clock = text.split('D')
    v = int(d) * 86400 * 10**9 + clock_units(clock, 10**9)
    return -v if neg else v


def temporal(t, text):
    """A temporal's text (q's csv form or ISO 8601) as units since 2000.01.01."""
    if text in ('0W', 'Infinity'):
        return 'inf'
    if text in ('-0W', '-Infinity'):
        return '-inf'
    if t == 'p':
        sep = 'T' if 'T' in text else 'D'
        date, clock = text.split(sep)
        return str(days_of(date) * 86400 * 10**9 + clock_units(clock, 10**9))
    if t == 'm':
        y, m = (int(p) for p in text.split('-'))
        return str((y - 2000) * 12 + m - 1)
    if t == 'd':
        return str(days_of(text))
    if t == 'z':
        date, clock = text.split('T')
        return str(days_of(date) * 86400000 + clock_units(clock, 1000))
    if t == 'n':
        return str(timespan_ns(text))
    if t == 'u':
        return str(clock_units(text, 0))
    if t == 'v':
        return str(clock_units(text, 1))
    if t == 't':
        return str(clock_units(text, 1000))
    fail('not a temporal type: ' + t)


def ieee(t, x):
    return struct.pack('<f' if t == 'e' else '<d', x).hex()


def from_text(t, s):
    """One CSV/TSV field (q's csv text, see protocol/format.h formatField)."""
    if t in 's*':
        return s.encode('utf-8').hex()
    if t == 'c':
        b = s.encode('utf-8')
        if len(b) != 1:
            fail('char field %r is not one byte' % s)
        return b.hex()
    if t == 'b':
        if s not in ('0', '1'):
            fail('boolean field %r' % s)
        return s
    if t == 'g':
        return s.lower()
    if t == 'x':
        return str(int(s, 16))
    if s == '':
        return 'null'
    if t in 'hij':
        if s in ('0W', '-0W'):
            return str(INT_MAX[t] * (-1 if s[0] == '-' else 1))
        return str(int(s))
    if t in 'ef':
        x = {'0w': float('inf'), '-0w': float('-inf')}.get(s)
        return ieee(t, float(s) if x is None else x)
    return temporal(t, s)


def reject_constant(name):
    raise ValueError('not JSON (RFC 8259): bare ' + name)


def from_json(t, v):
    if t in 's*c':
        if not isinstance(v, str):
            fail('expected a string, got %r' % (v,))
        return from_text(t, v)
    if t == 'b':
        if not isinstance(v, bool):
            fail('expected true/false, got %r' % (v,))
        return '1' if v else '0'
    if t in 'gx':
        return from_text(t, v)
    if v is None:
        return 'null'
    if t in 'hij':
        if not isinstance(v, int) or isinstance(v, bool):
            fail('expected an integer, got %r' % (v,))
        return str(v)
    if t in 'ef':
        if isinstance(v, str):
            if v not in ('Infinity', '-Infinity'):
                fail('float string %r' % v)
            return ieee(t, float(v))
        return ieee(t, float(v))
    return temporal(t, v)


def from_xlsx(t, v):
    if t in 's*c':
        return ('' if v is None else str(v)).encode('utf-8').hex()
    if t == 'b':
        return '1' if v else '0'
    if t == 'g':
        return v.lower()
    if t == 'x':
        return str(int(v))
    if v is None:
        return 'null'
    if isinstance(v, str):
        return from_text(t, v)
    if t in 'hij':
        return str(int(v))
    if t in 'ef':
        return ieee(t, float(v))
    if isinstance(v, datetime.datetime):
        if t == 'd':
            return str((v.date() - EPOCH).days)
        if t == 'm':
            return str((v.year - 2000) * 12 + v.month - 1)
        if t == 'z':
            delta = v - EPOCH_DT
            return str(round(delta.total_seconds() * 1000))
        if t == 'p':
            delta = v - EPOCH_DT
            return str(delta.days * 86400 * 10**9 + delta.seconds * 10**9
                       + delta.microseconds * 1000)
    fail('unexpected XLSX cell %r for type %s' % (v, t))


def cell(convert, t, v, row, column):
    """convert(t, v), naming the cell when the text cannot be read."""
    try:
        return convert(t, v)
    except (ValueError, IndexError, AttributeError, TypeError) as e:
        fail('row %d column %d (type %s): cannot read %r: %s' % (row, column, t, v, e))


def main():
    fmt, path, types = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = []
    if fmt in ('csv', 'tsv'):
        with open(path, newline='', encoding='utf-8') as f:
            lines = list(csv.reader(f, delimiter=',' if fmt == 'csv' else '\t', strict=True))
        header = lines[0]
        for line in lines[1:]:
            if len(line) != len(types):
                fail('row of %d fields, expected %d: %r' % (len(line), len(types), line))
            rows.append([cell(from_text, t, s, len(rows), c)
                         for c, (t, s) in enumerate(zip(types, line))])
    elif fmt == 'json':
        with open(path, encoding='utf-8') as f:
            doc = json.load(f, parse_constant=reject_constant)
        header = list(doc[0].keys()) if doc else []
        for obj in doc:
            rows.append([cell(from_json, t, obj[k], len(rows), c)
                         for c, (t, k) in enumerate(zip(types, header))])
    elif fmt == 'xlsx':
        try:
            import openpyxl
        except ImportError:
            print('openpyxl is missing: install python3-openpyxl (Debian) to read XLSX back',
                  file=sys.stderr)
            sys.exit(3)
        wb = openpyxl.load_workbook(path, read_only=True)
        values = list(wb.worksheets[0].iter_rows(values_only=True))
        header = list(values[0])
        for line in values[1:]:
            line = list(line) + [None] * (len(types) - len(line))
            rows.append([cell(from_xlsx, t, v, len(rows), c)
                         for c, (t, v) in enumerate(zip(types, line))])
    else:
        fail('unknown format ' + fmt)
    json.dump({'header': header, 'rows': rows}, sys.stdout)


if __name__ == '__main__':
    main()

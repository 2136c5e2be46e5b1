#pragma once
/// Small helpers over the columnar value model shared by every primitive
/// family: reading elements as wide integers or doubles (null-aware), building
/// typed vectors, gathering by index, joining, and collapsing a list of uniform
/// atoms into a vector as q does.

#include "protocol/columnops.h"
#include "protocol/value.h"
#include "qlang/qerror.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace qscope::qlang::detail {

inline int baseType(int t)
{
    return t < 0 ? -t : t;
}
/// b x h i j
inline bool isIntegral(int bt)
{
    return bt == Boolean || (bt >= Byte && bt <= Long);
}
/// b x h i j e f
inline bool isNumericBase(int bt)
{
    return isIntegral(bt) || bt == Real || bt == Float;
}
inline bool isFloatBase(int bt)
{
    return bt == Real || bt == Float || bt == Datetime;
}
/// Types whose payload is an integer (everything fixed-width except g e f z).
inline bool isIntPayload(int bt)
{
    return bt == Boolean || (bt >= Byte && bt <= Long) || bt == Char ||
           (isTemporal(bt) && bt != Datetime);
}
inline bool isNumOrTemporal(int bt)
{
    return isNumericBase(bt) || isTemporal(bt);
}

/// The null of a wide integer for a base type (j-null for 8-byte types etc.).
int64_t intNullFor(int bt);
double nanValue();

/// The interpreter's short names for the column toolkit's readers (protocol/columnops.h).
inline int64_t readI(const Value &v, int64_t i)
{
    return elementAsLong(v, i);
}
inline double readF(const Value &v, int64_t i)
{
    return elementAsDouble(v, i);
}
inline int64_t rawI(const Value &v, int64_t i)
{
    return elementRawInt(v, i);
}

/// Atom from a wide integer/double of base type bt (nulls map back to the
/// type's null).
Value atomFromI(int bt, int64_t x);
Value atomFromF(int bt, double x);

/// Vector builders.
Value makeVec(int bt, int64_t n);
void setI(Value &vec, int64_t i,
          int64_t x); // writes with narrowing and null mapping
void setF(Value &vec, int64_t i, double x);
Value longs(std::vector<int64_t> v);
Value bools(std::vector<uint8_t> v);

/// A 1-element vector of an atom's type; non-atoms unchanged.
Value enlistAtom(const Value &atom);
/// enlist: a 1-item vector for an atom, a 1-item list otherwise.
Value enlist(const Value &x);
/// q's uniform-collapse: all atoms of one type -> vector; otherwise a general
/// list.
Value collapse(std::vector<Value> items);
/// Items of any list-like value (vector or list) as values.
std::vector<Value> itemsOf(const Value &x);
/// Element i of a list-like value; atoms return themselves.
Value itemAt(const Value &x, int64_t i);
/// x[idx] for a vector/list/table: out-of-range gives the type's null. Keeps
/// symbol pools shared.
Value gather(const Value &x, const int64_t *idx, int64_t n);
Value gather(const Value &x, const std::vector<int64_t> &idx);
/// Contiguous slice [start, start+n), clipped.
Value slice(const Value &x, int64_t start, int64_t n);
/// x,y for lists, vectors, dicts and tables.
Value join(const Value &x, const Value &y);
/// The typed null for the element type of x (`(::)`-ish empty for lists).
Value nullLike(const Value &x);
/// An empty value of the same type as x.
Value emptyLike(const Value &x);
/// Index of a symbol string in a symbol vector's pool, -1 if absent.
int64_t poolIndex(const Value &symvec, const QByteArray &s);
/// Symbol vector built from strings.
Value symsOf(const std::vector<QByteArray> &s);

/// Table helpers.
Value makeTable(const std::vector<QByteArray> &names, std::vector<Value> cols);
std::vector<QByteArray> symList(const Value &symvecOrAtom);
/// Value of a table column by name; throws 'name-style error if absent.
const Value &tableColumn(const Value &t, const QByteArray &name);
/// Unkey a keyed table (0!), tables pass through.
Value unkey(const Value &t);
bool isList(const Value &x); // vector or general list

/// Match (q's ~), attributes ignored; element match and hash for grouping (protocol/columnops.h).
inline bool match(const Value &a, const Value &b)
{
    return valuesMatch(a, b);
}
inline uint64_t hashElem(const Value &x, int64_t i)
{
    return elementHash(x, i);
}
inline bool matchElem(const Value &x, int64_t i, const Value &y, int64_t j)
{
    return elementsMatch(x, i, y, j);
}

/// Nanoseconds per raw unit of a temporal type (date, time, second, minute; else 1), for widening
/// into timestamps and timespans in arithmetic and comparison.
inline int64_t nanosPerUnit(int bt)
{
    switch (bt) {
    case Date:
        return kNanosPerDay;
    case Time:
        return 1000000;
    case Second:
        return 1000000000;
    case Minute:
        return 60000000000LL;
    default:
        return 1;
    }
}

} // namespace qscope::qlang::detail

#include "resultshape.h"

#include "protocol/format.h"
#include "protocol/formatdetail.h"

#include <QLocale>
#include <QObject>

#include <algorithm>
#include <cstdlib>

namespace qscope {

namespace {

bool listLike(const Value &v)
{
    return v.isVector() || v.isList();
}

void appendTableColumns(std::vector<ResultColumn> &out, const Value &table, bool key)
{
    const Value &names = table.columnNames();
    const Value &cols = table.columns();
    for (int64_t i = 0; i < names.count(); ++i) {
        ResultColumn c;
        c.name = names.symAt(i);
        c.data = cols.item(i);
        c.key = key;
        out.push_back(std::move(c));
    }
}

} // namespace

QString ResultShape::describe(int64_t shownRows) const
{
    const QLocale l;
    const QString rowsText =
        shownRows >= 0 && shownRows != rows
            ? l.toString(qlonglong(shownRows)) % QStringLiteral(" / ") % l.toString(qlonglong(rows))
            : l.toString(qlonglong(rows));
    switch (kind) {
    case Kind::Empty:
        return QObject::tr("no value");
    case Kind::Table:
    case Kind::KeyedTable: {
        const int keys = int(std::count_if(columns.begin(), columns.end(),
                                           [](const ResultColumn &c) { return c.key; }));
        QString text = QObject::tr("%1 rows \u00d7 %2 cols").arg(rowsText).arg(columns.size());
        if (kind == Kind::KeyedTable)
            text += keys == 1 ? QObject::tr(" (1 key)") : QObject::tr(" (%1 keys)").arg(keys);
        return text;
    }
    case Kind::Dict:
        return QObject::tr("dict of %1 keys").arg(rowsText);
    case Kind::List: {
        const int t = columnType(0);
        const QString of = t == 0 ? QObject::tr("general list")
                                  : QString::fromLatin1(detail::typeName(t)) % QObject::tr(" list");
        return QObject::tr("%1 of %2 items").arg(of, rowsText);
    }
    case Kind::Scalar:
        if (scalar.type() == Char) return QObject::tr("string of %L1 chars").arg(scalar.count());
        if (scalar.isAtom() && scalar.type() < 0 && scalar.type() > -20)
            return QString::fromLatin1(detail::typeName(-scalar.type())) % QObject::tr(" atom");
        return qTypeDescription(scalar.type()).section(QLatin1Char(','), 0, 0);
    }
    return {};
}

ResultShape ResultShape::of(const Value &v)
{
    ResultShape s;
    if (v.isTable()) {
        s.kind = Kind::Table;
        appendTableColumns(s.columns, v, false);
        s.rows = v.count();
    } else if (v.isKeyedTable()) {
        s.kind = Kind::KeyedTable;
        appendTableColumns(s.columns, v.keys(), true);
        appendTableColumns(s.columns, v.values(), false);
        s.rows = v.keys().count();
    } else if (v.isDict() && listLike(v.keys()) && listLike(v.values()) &&
               v.keys().count() == v.values().count()) {
        s.kind = Kind::Dict;
        s.columns.push_back({QByteArrayLiteral("key"), v.keys(), true});
        s.columns.push_back({QByteArrayLiteral("value"), v.values(), false});
        s.rows = v.keys().count();
    } else if (listLike(v) && v.type() != Char) {
        // a string is one value, as q shows it ("abc"), not one character per row
        s.kind = Kind::List;
        s.columns.push_back({QByteArrayLiteral("x"), v, false});
        s.rows = v.count();
    } else {
        s.kind = Kind::Scalar;
        s.scalar = v;
        s.rows = 1;
    }
    return s;
}

Value ResultShape::flatTable(const ResultShape &shape)
{
    if (shape.kind == Kind::Scalar) return shape.scalar;
    std::vector<QByteArray> names;
    std::vector<Value> cols;
    names.reserve(shape.columns.size());
    for (const ResultColumn &c : shape.columns) {
        names.push_back(c.name);
        cols.push_back(c.data);
    }
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

QByteArray ResultShape::cellText(int column, int64_t row) const
{
    if (kind == Kind::Scalar) return formatAtom(scalar);
    return formatCell(columns[size_t(column)].data, row);
}

Value ResultShape::cellValue(int column, int64_t row) const
{
    if (kind == Kind::Scalar) return scalar;
    return columns[size_t(column)].data.element(row);
}

bool ResultShape::cellIsNested(int column, int64_t row) const
{
    if (kind == Kind::Scalar)
        return !scalar.isAtom() && !scalar.isGenericNull() && !scalar.isError();
    const Value &col = columns[size_t(column)].data;
    if (!col.isList()) return false;
    const Value &item = col.item(row);
    return item.isVector() || item.isList() || item.isDict() || item.isTable();
}

int ResultShape::columnType(int column) const
{
    if (kind == Kind::Scalar) return scalar.type();
    return columns[size_t(column)].data.type();
}

char qTypeLetter(int type)
{
    static const char letters[] = " bg xhijefcspmdznuvt";
    const int t = std::abs(type);
    return t >= 1 && t <= 19 ? letters[t] : ' ';
}

bool isNumericType(int type)
{
    switch (std::abs(type)) {
    case Boolean:
    case Byte:
    case Short:
    case Int:
    case Long:
    case Real:
    case Float:
        return true;
    default:
        return false;
    }
}

QString qTypeDescription(int type)
{
    static const char *const names[] = {"general list", "boolean",  "guid",      "",       "byte",
                                        "short",        "int",      "long",      "real",   "float",
                                        "char",         "symbol",   "timestamp", "month",  "date",
                                        "datetime",     "timespan", "minute",    "second", "time"};
    const int t = std::abs(type);
    if (t >= 1 && t <= 19) {
        const QString name = QString::fromLatin1(names[t]);
        const QString kind = type < 0 ? QStringLiteral("atom") : QStringLiteral("vector");
        return QLatin1Char(qTypeLetter(type)) % QStringLiteral(" (") % name % QLatin1Char(' ') %
               kind % QStringLiteral("), type ") % QString::number(type);
    }
    if (type == 0) return QStringLiteral("(general list), type 0");
    if (t >= 20 && t <= 76) return QStringLiteral("enumeration, type ") % QString::number(type);
    switch (type) {
    case Table:
        return QStringLiteral("table, type 98");
    case Dict:
        return QStringLiteral("dictionary, type 99");
    case SortedDict:
        return QStringLiteral("sorted dictionary, type 127");
    case Error:
        return QStringLiteral("error, type -128");
    default:
        if (isFunctionType(type)) return QStringLiteral("function, type ") % QString::number(type);
        return QStringLiteral("type ") % QString::number(type);
    }
}

} // namespace qscope

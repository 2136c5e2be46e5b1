// The result grid's model and its sort/filter/copy, over tables, keyed tables, dicts, lists and
// atoms built in memory. Every model runs under QAbstractItemModelTester.

#include "charts/decimator.h"
#include "protocol/columnops.h"
#include "protocol/format.h"
#include "results/cellactions.h"
#include "results/resulttablemodel.h"
#include "results/roworder.h"
#include "results/selectiontext.h"
#include "resultstestdata.h"

#include <QAbstractItemModelTester>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace qscope;
using namespace qscope::testdata;

class TestResultModel : public QObject
{
    Q_OBJECT

private:
    static QStringList sl(std::initializer_list<const char *> items)
    {
        QStringList out;
        for (const char *s : items)
            out << QString::fromUtf8(s);
        return out;
    }
    static QString cell(const ResultTableModel &m, int row, int col)
    {
        return m.data(m.index(row, col)).toString();
    }
    static QStringList column(const ResultTableModel &m, int col)
    {
        QStringList out;
        for (int r = 0; r < m.rowCount(); ++r)
            out << cell(m, r, col);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // settings of this test only (the display precision is one), fresh each run
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_resultmodel"));
        QSettings().clear();
    }

    void whereClauseSpeaksQ()
    {
        const ResultShape shape = ResultShape::of(table(
            {"sym", "px", "n", "d", "t", "i", "b", "s", "my col"},
            {syms({"AAPL", "a,b", ""}), floats({1.3573761234, floatNull(), 100}), longs({7, 8, 9}),
             Value::fromVector(Date, std::vector<int32_t>{9834, qnull::i, 0}),
             Value::fromVector(Timestamp, std::vector<int64_t>{1000000000LL, 0, 0}),
             Value::fromVector(Int, std::vector<int32_t>{42, 1, 2}),
             Value::fromVector(Boolean, std::vector<uint8_t>{1, 0, 0}),
             Value::list({Value::string("abc"), Value::string("a*b"), Value::string("")}),
             longs({1, 2, 3})}));
        QCOMPARE(whereClause(shape, 0, 0), QByteArray("where sym=`AAPL"));
        QCOMPARE(whereClause(shape, 0, 1), QByteArray("where sym=`$\"a,b\""));
        QCOMPARE(whereClause(shape, 0, 2), QByteArray("where null sym"));
        QCOMPARE(whereClause(shape, 1, 0), QByteArray("where px=1.3573761234"));
        QCOMPARE(whereClause(shape, 1, 1), QByteArray("where null px"));
        QCOMPARE(whereClause(shape, 1, 2), QByteArray("where px=100f"));
        QCOMPARE(whereClause(shape, 2, 0), QByteArray("where n=7"));
        QCOMPARE(whereClause(shape, 3, 0), QByteArray("where d=2026.12.04"));
        QCOMPARE(whereClause(shape, 3, 1), QByteArray("where null d"));
        QCOMPARE(whereClause(shape, 4, 0), QByteArray("where t=2000.01.01D00:00:01.000000000"));
        QCOMPARE(whereClause(shape, 5, 0), QByteArray("where i=42i"));
        QCOMPARE(whereClause(shape, 6, 0), QByteArray("where b=1b"));
        QCOMPARE(whereClause(shape, 7, 0), QByteArray("where s like \"abc\""));
        QCOMPARE(whereClause(shape, 7, 1), QByteArray("where s~\\:\"a*b\""));
        QCOMPARE(whereClause(shape, 8, 0), QByteArray()); // not a name q code can use
        QVERIFY(isQName("price") && isQName(".u.x") && !isQName("my col") && !isQName("1a"));
    }

    void filterForCellKeepsItsRows()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(
            table({"sym", "px", "note"},
                  {syms({"a", "b", "a", ""}), floats({1.3573761234, 1.3573762, floatNull(), 2}),
                   Value::list({Value::string("x y"), Value::string(" pad"), Value::string("x y"),
                                Value::string("")})}));
        const ResultShape &shape = *m.shape();
        QCOMPARE(filterForCell(shape, 0, 0), QStringLiteral("sym=a"));
        // the exact digits: the grid shows both prices as 1.357376
        QCOMPARE(filterForCell(shape, 1, 0), QStringLiteral("px=1.3573761234"));
        QCOMPARE(cell(m, 0, 1), cell(m, 1, 1));
        QVERIFY(m.setFilterText(filterForCell(shape, 1, 0)).isEmpty());
        QCOMPARE(m.viewRowCount(), 1);
        QVERIFY(m.setFilterText(filterForCell(shape, 1, 2)).isEmpty()); // px=0n
        QCOMPARE(m.viewRowCount(), 1);
        QCOMPARE(m.sourceRowAt(0), 2);
        QVERIFY(m.setFilterText(filterForCell(shape, 0, 0)).isEmpty());
        QCOMPARE(m.viewRowCount(), 2);
        QVERIFY(m.setFilterText(filterForCell(shape, 2, 1)).isEmpty()); // note=" pad"
        QCOMPARE(m.viewRowCount(), 1);
        QCOMPARE(m.sourceRowAt(0), 1);
    }

    void chartAxisReadsColumnsAsMs()
    {
        const double day = 86400000.0, y2000 = 946684800000.0;
        const auto axis = [](Value v) { return ChartAxisData{v, v.count()}; };
        const ChartAxisData dates =
            axis(Value::fromVector(Date, std::vector<int32_t>{0, qnull::i}));
        QCOMPARE(dates.at(0), y2000);
        QVERIFY(std::isnan(dates.at(1)));
        const ChartAxisData months = axis(Value::fromVector(Month, std::vector<int32_t>{1, -1}));
        QCOMPARE(months.at(0), y2000 + 31 * day); // 2000.02m
        QCOMPARE(months.at(1), y2000 - 31 * day); // 1999.12m
        const ChartAxisData stamps =
            axis(Value::fromVector(Timestamp, std::vector<int64_t>{1000000000, qnull::j}));
        QCOMPARE(stamps.at(0), y2000 + 1000);
        QVERIFY(std::isnan(stamps.at(1)));
        const ChartAxisData minutes = axis(Value::fromVector(Minute, std::vector<int32_t>{2}));
        QCOMPARE(minutes.at(0), 120000.0);
        const ChartAxisData longs =
            axis(Value::fromVector(Long, std::vector<int64_t>{-7, qnull::j, qnull::jInf}));
        QCOMPARE(longs.at(0), -7.0);
        QVERIFY(std::isnan(longs.at(1)));
        QCOMPARE(longs.at(2), double(qnull::jInf)); // numbers as they are: 0W is its value
        const ChartAxisData index{Value(), 3};
        QCOMPARE(index.at(2), 2.0); // no column: the row index
    }

    void selectionStatsText()
    {
        SelectionStats s;
        s.add(1);
        QCOMPARE(s.text(), QString()); // one cell: nothing to sum up
        s.add(2);
        s.add(NAN); // a null: counted, not summed
        s.add(3);
        QCOMPARE(s.cells, 4);
        QCOMPARE(s.numbers, 3);
        QCOMPARE(s.text(),
                 QStringLiteral("count 4 \u00b7 sum 6 \u00b7 avg 2 \u00b7 min 1 \u00b7 max 3"));
        SelectionStats text;
        text.add(NAN);
        text.add(NAN);
        QCOMPARE(text.text(), QStringLiteral("count 2"));
    }

    void displayPrecisionSetting()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(table({"px", "n"}, {floats({135737612.3456, 0.1234567891234, floatNull()}),
                                       longs({1, 2, 3})}));
        QCOMPARE(ResultTableModel::displayPrecision(), 7); // q's default
        QCOMPARE(cell(m, 0, 0), QStringLiteral("1.357376e+08"));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("0.1234568"));
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        ResultTableModel::setDisplayPrecision(12);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(m, 0, 0), QStringLiteral("135737612.346"));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("0.123456789123"));
        QCOMPARE(cell(m, 2, 0), QStringLiteral("0n"));
        QCOMPARE(cell(m, 0, 1), QStringLiteral("1"));
        ResultTableModel::setDisplayPrecision(0); // every digit
        QCOMPARE(cell(m, 1, 0), QStringLiteral("0.1234567891234"));
        ResultTableModel::setDisplayPrecision(7);
        QCOMPARE(cell(m, 1, 0), QStringLiteral("0.1234568"));
    }

    void consoleTextAtDisplayPrecision()
    {
        const Value v = floats({0.1234567891234, 2.5});
        QCOMPARE(formatConsole(v), QByteArray("0.1234568 2.5\n"));
        FormatOptions o;
        o.precision = 12;
        QCOMPARE(formatConsole(v, o), QByteArray("0.123456789123 2.5\n"));
        o.precision = 0; // every digit
        QCOMPARE(formatConsole(v, o), QByteArray("0.1234567891234 2.5\n"));
        // the precision holds for that call only
        QCOMPARE(formatOneLine(v), QByteArray("0.1234568 2.5"));
        QCOMPARE(formatConsole(Value::floatAtom(1.0 / 3), o), QByteArray("0.3333333333333333\n"));
    }

    void sortCyclesBackToOriginal()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(trades());
        m.sort(2, Qt::DescendingOrder);
        QCOMPARE(column(m, 2), sl({"40", "30", "20", "10"}));
        m.sort(-1);
        QCOMPARE(m.sortSpec().column, -1);
        QVERIFY(!m.isReordered());
        QCOMPARE(column(m, 0), sl({"b", "a", "c", "a"}));
        QCOMPARE(m.headerData(2, Qt::Horizontal).toString(), QStringLiteral("size"));
    }

    void plainTable()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(trades());
        QCOMPARE(m.rowCount(), 4);
        QCOMPARE(m.columnCount(), 4);
        QCOMPARE(m.headerData(0, Qt::Horizontal).toString(), QStringLiteral("sym"));
        QCOMPARE(m.headerData(1, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("f (float vector), type 9"));
        QCOMPARE(m.headerData(3, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("(general list), type 0"));
        // cell text as q prints it in a table: no backtick, no suffix, strings unquoted
        QCOMPARE(column(m, 0), sl({"b", "a", "c", "a"}));
        QCOMPARE(cell(m, 0, 1), QStringLiteral("1.5"));
        QCOMPARE(cell(m, 2, 1), QStringLiteral("3.25"));
        QCOMPARE(cell(m, 3, 1), QStringLiteral("2"));
        QCOMPARE(cell(m, 1, 2), QStringLiteral("20"));
        QCOMPARE(cell(m, 1, 3), QStringLiteral("hello, world"));
        // numbers right-aligned, symbols left
        QVERIFY(m.data(m.index(0, 2), Qt::TextAlignmentRole).value<Qt::Alignment>() &
                Qt::AlignRight);
        QVERIFY(m.data(m.index(0, 0), Qt::TextAlignmentRole).value<Qt::Alignment>() &
                Qt::AlignLeft);
        QVERIFY(!m.data(m.index(4, 0)).isValid());
    }

    void temporalCells()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(table({"d", "p"},
                         {Value::fromVector(Date, std::vector<int32_t>{0, 9132}),
                          Value::fromVector(Timestamp, std::vector<int64_t>{0, 3600000000000})}));
        QCOMPARE(cell(m, 0, 0), QStringLiteral("2000.01.01"));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("2025.01.01"));
        QCOMPARE(cell(m, 1, 1), QStringLiteral("2000.01.01D01:00:00.000000000"));
        QVERIFY(m.headerData(1, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("p (timestamp")));
    }

    void keyedTable()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Value kt = Value::keyedTable(table({"sym"}, {syms({"a", "b"})}),
                                           table({"px", "qty"}, {floats({1, 2}), longs({5, 6})}));
        m.setValue(kt);
        QCOMPARE(m.columnCount(), 3);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.shape()->columns[0].key, true);
        QCOMPARE(m.shape()->columns[1].key, false);
        QVERIFY(m.headerData(0, Qt::Horizontal, Qt::FontRole).value<QFont>().bold());
        QVERIFY(!m.headerData(1, Qt::Horizontal, Qt::FontRole).isValid());
        QVERIFY(m.data(m.index(0, 0), Qt::BackgroundRole).isValid());
        QVERIFY(!m.data(m.index(0, 1), Qt::BackgroundRole).isValid());
        QVERIFY(m.headerData(0, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("key column")));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("b"));
        QCOMPARE(cell(m, 1, 2), QStringLiteral("6"));
    }

    void dictAndList()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(Value::dict(syms({"x", "y", "z"}), longs({1, 2, 3})));
        QCOMPARE(m.shape()->kind, ResultShape::Kind::Dict);
        QCOMPARE(m.columnCount(), 2);
        QCOMPARE(column(m, 0), sl({"x", "y", "z"}));
        QCOMPARE(column(m, 1), sl({"1", "2", "3"}));

        m.setValue(longs({7, 8}));
        QCOMPARE(m.shape()->kind, ResultShape::Kind::List);
        QCOMPARE(m.columnCount(), 1);
        QCOMPARE(column(m, 0), sl({"7", "8"}));

        // a general list with nested values: nested cells are marked for drill-down
        m.setValue(Value::list({Value::longAtom(1), longs({1, 2, 3}), Value::symbol("s")}));
        QCOMPARE(m.rowCount(), 3);
        QVERIFY(!m.isNested(m.index(0, 0)));
        QVERIFY(m.isNested(m.index(1, 0)));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("1 2 3"));
        QCOMPARE(m.cellValue(m.index(1, 0)), longs({1, 2, 3}));
        QVERIFY(m.data(m.index(1, 0), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("double-click")));

        // dict whose values do not line up with its keys: one cell with the one-line form
        m.setValue(Value::dict(syms({"a"}), longs({1, 2})));
        QCOMPARE(m.shape()->kind, ResultShape::Kind::Scalar);
        QCOMPARE(m.rowCount(), 1);
    }

    void atomsAndNull()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(Value::longAtom(42));
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.columnCount(), 1);
        QCOMPARE(cell(m, 0, 0), QStringLiteral("42"));
        QCOMPARE(m.headerData(0, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("j (long atom), type -7"));
        m.setValue(Value::symbol("abc"));
        QCOMPARE(cell(m, 0, 0), QStringLiteral("abc"));
        m.setValue(Value());
        QCOMPARE(m.rowCount(), 1);
        m.setValue(Value::fromVector(Long, std::vector<int64_t>{}));
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.columnCount(), 1);
    }

    void sortQOrder()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(trades());
        m.sort(1, Qt::AscendingOrder); // null first, as q's asc
        QCOMPARE(column(m, 1).mid(1), sl({"1.5", "2", "3.25"}));
        QCOMPARE(m.sourceRow(0), 1);
        QCOMPARE(column(m, 2), sl({"20", "10", "40", "30"}));
        m.sort(1, Qt::DescendingOrder);
        QCOMPARE(column(m, 2), sl({"30", "40", "10", "20"}));
        // symbols by text (the pool holds b a c: by index would give b first), stable
        m.sort(0, Qt::AscendingOrder);
        QCOMPARE(column(m, 0), sl({"a", "a", "b", "c"}));
        QCOMPARE(column(m, 2), sl({"20", "40", "10", "30"}));
        QVERIFY(m.headerData(0, Qt::Horizontal).toString().endsWith(QStringLiteral("\u25B2")));
        // a general list of strings sorts by text
        m.sort(3, Qt::AscendingOrder);
        QCOMPARE(column(m, 3), sl({"", "hello, world", "q\"t", "x"}));
    }

    void filters()
    {
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(trades());
        QVERIFY(m.setFilterText(QStringLiteral("sym=a")).isEmpty());
        QCOMPARE(column(m, 2), sl({"20", "40"}));
        QVERIFY(m.setFilterText(QStringLiteral("sym<>`a")).isEmpty());
        QCOMPARE(column(m, 2), sl({"10", "30"}));
        QVERIFY(m.setFilterText(QStringLiteral("price>1.5")).isEmpty());
        QCOMPARE(column(m, 2), sl({"30", "40"}));
        QVERIFY(m.setFilterText(QStringLiteral("size<=20")).isEmpty());
        QCOMPARE(column(m, 2), sl({"10", "20"}));
        QVERIFY(m.setFilterText(QStringLiteral("note~WORLD")).isEmpty());
        QCOMPARE(column(m, 2), sl({"20"}));
        // substring over every column, case-insensitive
        QVERIFY(m.setFilterText(QStringLiteral("HELLO")).isEmpty());
        QCOMPARE(m.rowCount(), 1);
        QVERIFY(m.setFilterText(QStringLiteral("3.2")).isEmpty());
        QCOMPARE(column(m, 2), sl({"30"}));
        QVERIFY(m.setFilterText(QStringLiteral("zzz")).isEmpty());
        QCOMPARE(m.rowCount(), 0);
        // an unknown column name is plain text to find
        QVERIFY(m.setFilterText(QStringLiteral("nope=1")).isEmpty());
        QCOMPARE(m.rowCount(), 0);
        // a bad number for a numeric column is an error; the rows stay as they were
        QVERIFY(m.setFilterText(QStringLiteral("")).isEmpty());
        const QString err = m.setFilterText(QStringLiteral("size>abc"));
        QVERIFY(err.contains(QStringLiteral("not a number")));
        QCOMPARE(m.rowCount(), 4);
        // filter and sort together
        QVERIFY(m.setFilterText(QStringLiteral("size>=20")).isEmpty());
        m.sort(2, Qt::DescendingOrder);
        QCOMPARE(column(m, 2), sl({"40", "30", "20"}));
        QCOMPARE(m.viewRows(), (std::vector<uint32_t>{3, 2, 1}));
    }

    void largeSortRunsOffThread()
    {
        const int64_t n = ResultTableModel::kSyncRowLimit * 3;
        std::vector<int64_t> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            v[size_t(i)] = (i * 7919) % n;
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(table({"x"}, {longs(std::move(v))}));
        QSignalSpy busy(&m, &ResultTableModel::busyChanged);
        m.sort(0, Qt::DescendingOrder);
        QVERIFY(m.isBusy()); // returned at once; the permutation is being computed
        QCOMPARE(busy.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!m.isBusy(), 20000);
        QCOMPARE(cell(m, 0, 0), QString::number(n - 1));
        // every row is a model row: the last one is the smallest
        QCOMPARE(int64_t(m.rowCount()), n);
        QCOMPARE(m.viewRowCount(), n);
        QCOMPARE(cell(m, m.rowCount() - 1, 0), QStringLiteral("0"));
        // a filter superseding a running sort: only the newest result is applied
        m.sort(0, Qt::AscendingOrder);
        QVERIFY(m.setFilterText(QStringLiteral("x<10")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!m.isBusy(), 20000);
        QCOMPARE(m.rowCount(), 10);
        QCOMPARE(cell(m, 0, 0), QStringLiteral("0"));
        QCOMPARE(cell(m, 9, 0), QStringLiteral("9"));
    }

    void everyRowIsAModelRow()
    {
        // no row window: the model has one row per row in view, beyond the 262,144 of old
        const int64_t n = (int64_t(1) << 18) * 2 + 5;
        std::vector<int64_t> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            v[size_t(i)] = i * 10;
        ResultTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setValue(table({"x"}, {longs(std::move(v))}));
        QVERIFY(!m.isReordered()); // source order: no permutation is built for it
        QCOMPARE(int64_t(m.rowCount()), n);
        QCOMPARE(m.viewRowCount(), n);
        QCOMPARE(cell(m, 1005, 0), QStringLiteral("10050"));
        QCOMPARE(cell(m, m.rowCount() - 1, 0), QString::number((n - 1) * 10));
        QCOMPARE(m.headerData(int(n - 1), Qt::Vertical).toString(), QString::number(n - 1));
        QCOMPARE(m.viewRows().size(), size_t(n));
        // a filter, then a sort: row numbers are the source rows, as q would number them
        QVERIFY(m.setFilterText(QStringLiteral("x>=100")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!m.isBusy(), 20000);
        QCOMPARE(int64_t(m.rowCount()), n - 10);
        QCOMPARE(cell(m, 0, 0), QStringLiteral("100"));
        QCOMPARE(m.headerData(0, Qt::Vertical).toString(), QStringLiteral("10"));
        m.sort(0, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!m.isBusy(), 20000);
        QCOMPARE(m.headerData(0, Qt::Vertical).toString(), QString::number(n - 1));
        QCOMPARE(m.headerData(m.rowCount() - 1, Qt::Vertical).toString(), QStringLiteral("10"));
    }

    void gridHasEveryRowPastTheOldCap()
    {
        // A QTableView's int pixel height capped the grid at 50M rows; the GridView scrolls by
        // rows, so every row in view is a grid row (60M here), the last one readable
        const int64_t n = 60000003;
        Value flags = Value::uninitialised(Boolean, n);
        std::memset(flags.mutableData<uint8_t>(), 1, size_t(n));
        flags.mutableData<uint8_t>()[n - 1] = 0;
        ResultTableModel m;
        m.setValue(table({"b"}, {flags}));
        QCOMPARE(int64_t(m.rowCount()), n);
        QCOMPARE(m.viewRowCount(), n);
        QCOMPARE(m.rowView().rowCount(), n);
        QCOMPARE(cell(m, m.rowCount() - 1, 0), QStringLiteral("0"));
        QCOMPARE(m.headerData(m.rowCount() - 1, Qt::Vertical).toString(), QString::number(n - 1));
    }

    void sortsEachStorageClass()
    {
        // One column per way an element is stored; nulls first, ties in source order. Reading a
        // real or a datetime as an integer, or a byte as signed, would give another order.
        std::vector<uint8_t> guids(64, 0);
        std::fill(guids.begin(), guids.begin() + 16, uint8_t(2));
        std::fill(guids.begin() + 32, guids.begin() + 48, uint8_t(1));
        std::fill(guids.begin() + 48, guids.end(), uint8_t(0xff));
        const float rn = std::numeric_limits<float>::quiet_NaN();
        const std::vector<std::pair<Value, std::vector<uint32_t>>> cases = {
            {Value::fromVector<uint8_t>(Boolean, {1, 0, 1, 0}), {1, 3, 0, 2}},
            {Value::fromVector<uint8_t>(Byte, {0xff, 0x01, 0x80, 0x00}), {3, 1, 2, 0}},
            {Value::fromVector<char>(Char, {'c', 'a', 'b', ' '}), {3, 1, 2, 0}},
            {Value::fromVector<int16_t>(Short, {5, qnull::h, -2, 7}), {1, 2, 0, 3}},
            {Value::fromVector<int32_t>(Month, {24, qnull::i, -1, 3}), {1, 2, 3, 0}},
            {Value::fromVector<int32_t>(Minute, {-5, 60, qnull::i, -5}), {2, 0, 3, 1}},
            {Value::fromVector<float>(Real, {2.5f, rn, -1.0f, 0.5f}), {1, 2, 3, 0}},
            {Value::fromVector<double>(Datetime, {1.5, floatNull(), -0.25, 0.0}), {1, 2, 3, 0}},
            {Value::fromVector<int64_t>(Timespan, {qnull::j, 5, -5, 0}), {0, 2, 3, 1}},
            {Value::fromVector<uint8_t>(Guid, guids), {1, 2, 0, 3}},
        };
        for (const auto &[col, want] : cases) {
            const ResultShape shape = ResultShape::of(table({"x"}, {col}));
            QCOMPARE(*computeRowOrder(shape, {0, false}, RowFilter()), want);
            const std::vector<uint32_t> desc(want.rbegin(), want.rend());
            if (col.type() != Boolean && col.type() != Minute) // those have ties
                QCOMPARE(*computeRowOrder(shape, {0, true}, RowFilter()), desc);
        }
    }

    void typedEngineMatchesComparator()
    {
        // Random columns of every radix-sorted storage with nulls, infinities, NaN, -0.0 and
        // many ties: the radix grade and the filters over typed data give exactly the rows
        // (and order) of the comparator engine, ascending and descending.
        std::mt19937_64 rng(20261204);
        const int64_t n = 5000;
        auto pick = [&](int k) { return int(rng() % uint64_t(k)); };
        std::vector<int64_t> j(n), ts(n), k32(n);
        std::vector<int32_t> i(n), d(n);
        std::vector<int16_t> h(n);
        std::vector<double> f(n);
        std::vector<float> e(n);
        std::vector<uint8_t> b(n), x(n);
        std::vector<char> c(n);
        std::vector<QByteArray> sym(n);
        const double specials[] = {floatNull(), INFINITY, -INFINITY, -0.0, 0.0, 1e300, -1e-300};
        for (int64_t r = 0; r < n; ++r) {
            const size_t k = size_t(r);
            j[k] = pick(10) == 0 ? qnull::j
                                 : (pick(10) == 0 ? qnull::jInf : int64_t(rng()) >> pick(60));
            k32[k] = 5000000000LL + pick(100000); // a small spread: sorted as 32-bit keys
            ts[k] =
                pick(10) == 0 ? qnull::j : 800000000000000000LL + int64_t(rng() % 100000000000ULL);
            i[k] = pick(10) == 0 ? qnull::i : int32_t(pick(200)) - 100;
            d[k] = pick(10) == 0 ? qnull::i : 9000 + pick(50);
            h[k] = pick(10) == 0 ? qnull::h : int16_t(pick(60000) - 30000);
            f[k] =
                pick(5) == 0 ? specials[pick(7)] : (double(int64_t(rng() % 2000000)) - 1e6) / 7.0;
            e[k] = pick(5) == 0 ? float(specials[pick(7)]) : float(pick(1000)) / 3.0f - 100.0f;
            b[k] = uint8_t(pick(2));
            x[k] = uint8_t(pick(256));
            c[k] = char(32 + pick(90));
            const char *names[] = {"", "a", "ab", "b", "a b", "AAPL", "z", "a,b", "\xc3\xa9"};
            sym[k] = names[pick(9)];
        }
        const ResultShape shape = ResultShape::of(
            table({"j", "ts", "i", "d", "h", "f", "e", "b", "x", "c", "s", "k32"},
                  {longs(j), Value::fromVector(Timestamp, ts), Value::fromVector(Int, i),
                   Value::fromVector(Date, d), Value::fromVector(Short, h), floats(f),
                   Value::fromVector(Real, e), Value::fromVector(Boolean, b),
                   Value::fromVector(Byte, x), Value::fromVector(Char, c), syms(sym), longs(k32)}));
        for (int col = 0; col < shape.columnCount(); ++col) {
            for (bool desc : {false, true}) {
                const auto typed =
                    computeRowOrder(shape, {col, desc}, RowFilter(), nullptr, OrderEngine::Typed);
                const auto old = computeRowOrder(shape, {col, desc}, RowFilter(), nullptr,
                                                 OrderEngine::Comparator);
                QVERIFY2(*typed == *old,
                         qPrintable(QStringLiteral("column %1 desc %2").arg(col).arg(desc)));
            }
        }
        // filters: conditions on typed columns, symbols, substrings over all columns
        for (const char *text :
             {"j>0",   "j<=0N", "i=5",   "i<>5", "h>=100", "f>0", "f<0n", "f=0",
              "e<1.5", "b=1",   "x>200", "s=a",  "s<>ab",  "s>a", "s~a",  "d>=2024.09.01",
              "a",     "AAPL",  "12",    "0n",   "e+",     "D0",  "0x",   "X1",
              "b",     "1b",    ":",     "T",    "0W",     "-"}) {
            QString error;
            const RowFilter filter = RowFilter::parse(QString::fromUtf8(text), shape, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            const auto typed =
                computeRowOrder(shape, {5, false}, filter, nullptr, OrderEngine::Typed);
            const auto old =
                computeRowOrder(shape, {5, false}, filter, nullptr, OrderEngine::Comparator);
            QVERIFY2(*typed == *old, text);
            const QByteArray none[] = {"e+", "f<0n", "1b", ":", "T"}; // may keep no row
            QVERIFY2(!typed->empty() ||
                         std::find(std::begin(none), std::end(none), text) != std::end(none),
                     text);
        }
    }

    void anyColumnFilterMatchesSlowPath()
    {
        // The any-column substring filter writes typed cells into a stack buffer, over row
        // ranges on several threads. Oracle: the comparator engine's per-cell cellText test.
        // Random columns of every type q shows as text, with nulls, infinities, negatives,
        // floats over 1e-7..1e9 and near-ties of their 7th digit; needles of digits, of q's
        // punctuation and pieces of random cells' own text.
        std::mt19937_64 rng(20261205);
        const int64_t n = 120000; // 2.3M cells: more than one thread's share
        auto pick = [&](int64_t k) { return int64_t(rng() % uint64_t(k)); };
        auto vec = [&](int type, auto gen) {
            using T = decltype(gen());
            std::vector<T> v(static_cast<size_t>(n));
            for (auto &x : v)
                x = gen();
            return Value::fromVector(type, std::move(v));
        };
        const auto rare = [&] { return pick(12) == 0; };
        const auto i64 = [&](int64_t base, int64_t spread) {
            return [&, base, spread]() -> int64_t {
                if (rare()) return pick(3) == 0 ? qnull::j : (pick(2) ? qnull::jInf : -qnull::jInf);
                return base + pick(spread) - spread / 2;
            };
        };
        const auto i32 = [&](int64_t base, int64_t spread) {
            return [&, base, spread]() -> int32_t {
                if (rare()) return pick(3) == 0 ? qnull::i : (pick(2) ? qnull::iInf : -qnull::iInf);
                return int32_t(base + pick(spread) - spread / 2);
            };
        };
        const auto real = [&]() -> double {
            if (rare()) {
                const double specials[] = {floatNull(), INFINITY, -INFINITY, -0.0, 0.0};
                return specials[pick(5)];
            }
            const double mantissa = double(pick(100000000)) / 1e7; // 0..10, 8 digits
            const double scale = std::pow(10.0, double(pick(17)) - 8.0);
            double v = mantissa * scale;
            if (pick(4) == 0) v = std::round(v * 1e6) / 1e6 + 5e-7; // near a tie of digit 7
            return pick(2) ? -v : v;
        };
        std::vector<QByteArray> symbols;
        for (int k = 0; k < 50; ++k)
            symbols.push_back("S" + QByteArray::number(k * 7));
        std::vector<QByteArray> symColumn(static_cast<size_t>(n));
        for (auto &x : symColumn)
            x = symbols[size_t(pick(50))];
        std::vector<Value> strings;
        for (int64_t r = 0; r < n; ++r)
            strings.push_back(Value::string("s" + QByteArray::number(pick(100000))));
        Value guids = Value::uninitialised(Guid, n);
        for (int64_t k = 0; k < n * 16; ++k)
            guids.mutableData<uint8_t>()[k] = uint8_t(pick(256));
        const ResultShape shape = ResultShape::of(table(
            {"b", "x", "h", "i", "j", "e", "f", "c", "s", "p", "m", "d", "z", "n", "u", "v", "t",
             "g", "str"},
            {vec(Boolean, [&] { return uint8_t(pick(2)); }),
             vec(Byte, [&] { return uint8_t(pick(256)); }),
             vec(Short, [&] { return rare() ? qnull::h : int16_t(pick(65535) - 32767); }),
             vec(Int, i32(0, 4000000)), vec(Long, i64(0, 40000000000LL)),
             vec(Real, [&] { return float(real()); }), vec(Float, real),
             vec(Char, [&] { return char(32 + pick(95)); }), syms(symColumn),
             vec(Timestamp, i64(800000000000000000LL, 400000000000000000LL)),
             vec(Month, i32(300, 2000)), vec(Date, i32(9000, 40000)),
             vec(Datetime, [&] { return rare() ? floatNull() : double(pick(2000000)) / 97.0; }),
             vec(Timespan, i64(0, 400000000000000LL)), vec(Minute, i32(0, 5000)),
             vec(Second, i32(0, 400000)), vec(Time, i32(0, 400000000)), guids,
             Value::list(std::move(strings))}));
        std::vector<QByteArray> needles = {"1",   "0",  "12",  "123",  "5",  "99",     "0n",   "0N",
                                           "0w",  "0W", "-0W", "-",    ".",  ":",      "2024", "D0",
                                           "e-0", "e+", "0x1", "x",    "T",  "a",      "00:0", "s1",
                                           "S14", "1e", ".5",  "0.00", "-0", "9999999"};
        for (int k = 0; k < 24; ++k) {
            // pieces of cells' own text: a writer that differs from the grid's text shows here
            const int column = int(pick(shape.columnCount()));
            const QByteArray text = shape.cellText(column, pick(n));
            if (text.isEmpty()) continue;
            const int64_t from = pick(text.size());
            needles.push_back(text.mid(from, 1 + pick(text.size() - from)));
        }
        for (const QByteArray &text : needles) {
            QString error;
            const RowFilter filter = RowFilter::parse(QString::fromUtf8(text), shape, &error);
            QVERIFY2(error.isEmpty() && filter.column < 0, text.constData());
            const auto typed = computeRowOrder(shape, {}, filter, nullptr, OrderEngine::Typed);
            const auto old = computeRowOrder(shape, {}, filter, nullptr, OrderEngine::Comparator);
            QVERIFY(typed && old);
            QVERIFY2(*typed == *old, qPrintable(QStringLiteral("%1: %2 rows, slow path %3")
                                                    .arg(QString::fromUtf8(text))
                                                    .arg(typed->size())
                                                    .arg(old->size())));
        }
    }

    void gradeRowsIsQsOrder()
    {
        // nulls first ascending, last descending; ties keep their order both ways; -0.0 = 0.0
        const Value f = floats({2, floatNull(), -0.0, 0.0, -INFINITY, floatNull(), 2});
        const std::vector<uint32_t> all{0, 1, 2, 3, 4, 5, 6};
        QCOMPARE(*gradeRows(f, all, false), (std::vector<uint32_t>{1, 5, 4, 2, 3, 0, 6}));
        QCOMPARE(*gradeRows(f, all, true), (std::vector<uint32_t>{0, 6, 2, 3, 4, 1, 5}));
        // only the rows given, in their order for ties
        QCOMPARE(*gradeRows(f, {6, 3, 0, 2}, false), (std::vector<uint32_t>{3, 2, 6, 0}));
        QVERIFY(!gradeRows(Value::list({Value::string("a")}), {0}, false));
        std::atomic<bool> stop{true};
        QVERIFY(!gradeRows(longs({3, 1, 2}), {0, 1, 2}, false, &stop));
    }

    void cancelledOrderReturnsNothing()
    {
        const ResultShape shape = ResultShape::of(table({"x"}, {longs({3, 1, 2})}));
        std::atomic<bool> cancel{true};
        QVERIFY(!computeRowOrder(shape, {0, false}, RowFilter(), &cancel).has_value());
        cancel = false;
        QCOMPARE(*computeRowOrder(shape, {0, false}, RowFilter(), &cancel),
                 (std::vector<uint32_t>{1, 2, 0}));
    }

    void rowViewGathersEachKind()
    {
        // the current view (filter + sort) as a value of the result's own kind: what the Text
        // view prints and the chart plots
        ResultTableModel m;
        m.setValue(trades());
        QCOMPARE(m.rowView().isReordered(), false);
        QCOMPARE(m.rowView().shownShape().get(), m.shape().get()); // no copy without a filter
        QCOMPARE(m.setFilterText(QStringLiteral("sym=a")), QString());
        m.sort(2, Qt::DescendingOrder);
        const RowView view = m.rowView();
        QCOMPARE(view.rowCount(), int64_t(2));
        const Value t = view.shownValue();
        QVERIFY(t.isTable());
        QCOMPARE(t.count(), int64_t(2));
        const Value &cols = t.columns();
        QCOMPARE(cols.item(0).symAt(0), QByteArray("a"));
        QCOMPARE(cols.item(2).at<int64_t>(0), int64_t(40)); // descending size
        QCOMPARE(cols.item(2).at<int64_t>(1), int64_t(20));
        QVERIFY(std::isnan(cols.item(1).at<double>(1)));  // the null price kept
        QCOMPARE(cols.item(3).item(0).type(), int(Char)); // general list column
        QCOMPARE(view.shownValue(1).count(), int64_t(1)); // a limit
        // keyed table: keys and values stay apart
        const Value kt = Value::keyedTable(table({"sym"}, {syms({"a", "b", "c"})}),
                                           table({"px"}, {floats({1, 2, 3})}));
        m.setValue(kt);
        QCOMPARE(m.setFilterText(QStringLiteral("px>1")), QString());
        const Value k = m.rowView().shownValue();
        QVERIFY(k.isKeyedTable());
        QCOMPARE(k.keys().count(), int64_t(2));
        QCOMPARE(k.keys().columns().item(0).symAt(0), QByteArray("b"));
        QCOMPARE(k.values().columns().item(0).at<double>(1), 3.0);
        // dict and list
        m.setValue(Value::dict(syms({"x", "y", "z"}), longs({1, 2, 3})));
        QCOMPARE(m.setFilterText(QStringLiteral("value>=2")), QString());
        const Value d = m.rowView().shownValue();
        QVERIFY(d.isDict());
        QCOMPARE(d.keys().symAt(0), QByteArray("y"));
        m.setValue(longs({5, 1, 4}));
        m.sort(0, Qt::AscendingOrder);
        const Value l = m.rowView().shownValue();
        QCOMPARE(l.type(), int(Long));
        QCOMPARE(l.at<int64_t>(0), int64_t(1));
        QCOMPARE(l.at<int64_t>(2), int64_t(5));
    }

    void copyText()
    {
        const ResultShape shape = ResultShape::of(trades());
        QCOMPARE(selectionAsTsv(shape, {0, 2}, {1, 3}), QByteArray("sym\tsize\na\t20\na\t40\n"));
        QCOMPARE(selectionAsQ(shape, {0, 2}, {1, 3}), QByteArray("+`sym`size!(`a`a;20 40)"));
        QCOMPARE(selectionAsQ(shape, {2}, {0, 1}), QByteArray("10 20"));
        QCOMPARE(selectionAsQ(shape, {0}, {2}), QByteArray("`c"));
        QCOMPARE(selectionAsQ(shape, {3}, {1}), QByteArray("\"hello, world\""));
        const ResultShape kt = ResultShape::of(
            Value::keyedTable(table({"k"}, {syms({"a", "b"})}), table({"v"}, {longs({1, 2})})));
        QCOMPARE(selectionAsQ(kt, {0, 1}, {0, 1}), QByteArray("(+(,`k)!,`a`b)!+(,`v)!,1 2"));
        // tabs and newlines in a cell do not break the TSV grid
        const ResultShape s =
            ResultShape::of(table({"t"}, {Value::list({Value::string("a\tb\nc")})}));
        QCOMPARE(selectionAsTsv(s, {0}, {0}), QByteArray("t\na b c\n"));
    }
};

QTEST_MAIN(TestResultModel)
#include "tst_resultmodel.moc"

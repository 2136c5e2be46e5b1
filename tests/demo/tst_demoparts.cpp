// The demo server's parts without sockets: the users file (plain/md5/sha1), the growing RDB
// table (snapshots stay valid while it grows), the tickerplant's u.q behaviour (sub/del/pub/end
// message shapes, sym filters, -t batching) and the feed's prices.

#include "demo/feedgenerator.h"
#include "demo/htmlpage.h"
#include "demo/rdbtable.h"
#include "demo/tickerplant.h"
#include "demo/usersfile.h"

#include <QCryptographicHash>
#include <QtTest>

using namespace qscope;
using namespace qscope::detail;

namespace {

std::unique_ptr<RdbTable> tradeTable()
{
    return std::make_unique<RdbTable>("trade",
                                      std::vector<QByteArray>{"time", "sym", "price", "size"},
                                      std::vector<int>{Timespan, Symbol, Float, Long});
}

Value tradeCols(std::vector<QByteArray> syms, std::vector<double> px)
{
    std::vector<int64_t> sz(px.size(), 100);
    return Value::list({Value::symbols(syms), Value::fromVector(Float, std::move(px)),
                        Value::fromVector(Long, std::move(sz))});
}

struct Sent
{
    int handle;
    Value msg;
};

} // namespace

class TestDemoParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usersFile();
    void rdbGrowsWithoutDisturbingSnapshots();
    void rdbRowsFromUpd();
    void tickSubPubEnd();
    void tickBatching();
    void feedPrices();
    void htmlEscapes();
};

void TestDemoParts::usersFile()
{
    UsersFile u;
    QString err;
    const QByteArray md5 = QCryptographicHash::hash("pw2", QCryptographicHash::Md5).toHex();
    const QByteArray sha = QCryptographicHash::hash("pw3", QCryptographicHash::Sha1).toHex();
    QVERIFY(u.parse("a:pw1\nb:" + md5 + "\r\nc:" + sha.toUpper() + "\n\n", &err));
    QCOMPARE(u.size(), 3);
    QVERIFY(u.verify("a", "pw1"));
    QVERIFY(!u.verify("a", "pw2"));
    QVERIFY(u.verify("b", "pw2"));
    QVERIFY(u.verify("c", "pw3"));
    QVERIFY(!u.verify("c", "pw2"));
    QVERIFY(!u.verify("d", "pw1"));
    QVERIFY(!u.verify("", ""));
    QVERIFY(!u.parse("no colon here\n", &err));
    QVERIFY(err.contains(QStringLiteral("line 1")));
    QVERIFY(u.isEmpty());
    QVERIFY(!u.load(QStringLiteral("/nonexistent/users"), &err));
}

void TestDemoParts::rdbGrowsWithoutDisturbingSnapshots()
{
    auto t = tradeTable();
    QByteArray err;
    const Value rows = t->rowsFromUpd(tradeCols({"A", "B"}, {1, 2}), 5, &err);
    QVERIFY(err.isEmpty());
    QVERIFY(t->append(rows).isEmpty());
    const Value snap = t->snapshot();
    QCOMPARE(snap.count(), int64_t(2));
    // grow well past the first capacity with new symbols
    for (int i = 0; i < 3000; ++i) {
        const Value r =
            t->rowsFromUpd(tradeCols({"S" + QByteArray::number(i % 37)}, {double(i)}), i, &err);
        QVERIFY(t->append(r).isEmpty());
    }
    QCOMPARE(t->count(), int64_t(3002));
    // the old snapshot is unchanged
    QCOMPARE(snap.count(), int64_t(2));
    QCOMPARE(snap.columns().item(1).symAt(1), QByteArray("B"));
    QCOMPARE(snap.columns().item(2).at<double>(1), 2.0);
    const Value now = t->snapshot();
    QCOMPARE(now.columns().item(1).symAt(3001), QByteArray("S" + QByteArray::number(2999 % 37)));
    QCOMPARE(now.columns().item(2).at<double>(3001), 2999.0);
    QCOMPARE(now.columns().item(1).attr(), Attr::Grouped);
    QCOMPARE(now.columns().item(0).at<int64_t>(0), int64_t(5));
    t->clear();
    QCOMPARE(t->snapshot().count(), int64_t(0));
    QCOMPARE(now.count(), int64_t(3002));
    // wrong shapes
    QCOMPARE(t->append(Value::longAtom(1)), QByteArray("type"));
    QCOMPARE(
        t->append(Value::table(Value::symbols({"x"}),
                               Value::list({Value::fromVector(Long, std::vector<int64_t>{1})}))),
        QByteArray("mismatch"));
}

void TestDemoParts::rdbRowsFromUpd()
{
    auto t = tradeTable();
    QByteArray err;
    // a table without time: stamped
    const Value tab = Value::table(
        Value::symbols({"sym", "price", "size"}),
        Value::list({Value::symbols({"X"}), Value::fromVector(Float, std::vector<double>{1}),
                     Value::fromVector(Long, std::vector<int64_t>{2})}));
    Value r = t->rowsFromUpd(tab, 77, &err);
    QVERIFY(err.isEmpty());
    QCOMPARE(r.columns().item(0).at<int64_t>(0), int64_t(77));
    // with time given: kept
    r = t->rowsFromUpd(Value::list({Value::atom(-Timespan, 9), Value::symbol("X"),
                                    Value::floatAtom(1), Value::longAtom(1)}),
                       77, &err);
    QVERIFY(err.isEmpty());
    QCOMPARE(r.count(), int64_t(1));
    QCOMPARE(r.columns().item(0).at<int64_t>(0), int64_t(9));
    // a general list of symbol atoms collapses to a symbol column
    r = t->rowsFromUpd(Value::list({Value::list({Value::symbol("P"), Value::symbol("Q")}),
                                    Value::fromVector(Float, std::vector<double>{1, 2}),
                                    Value::fromVector(Long, std::vector<int64_t>{1, 2})}),
                       0, &err);
    QVERIFY(err.isEmpty());
    QCOMPARE(r.columns().item(1).type(), int(Symbol));
    // errors
    t->rowsFromUpd(Value::longAtom(3), 0, &err);
    QCOMPARE(err, QByteArray("type"));
    err.clear();
    t->rowsFromUpd(Value::list({Value::symbol("X"), Value::floatAtom(1)}), 0, &err);
    QCOMPARE(err, QByteArray("length"));
    err.clear();
    t->rowsFromUpd(Value::list({Value::symbol("X"), Value::real(1), Value::longAtom(1)}), 0, &err);
    QCOMPARE(err, QByteArray("type"));
    err.clear();
    t->rowsFromUpd(Value::list({}), 0, &err);
    QCOMPARE(err, QByteArray("length"));
}

void TestDemoParts::tickSubPubEnd()
{
    std::vector<Sent> sent;
    QHash<QByteArray, int64_t> rdbRows;
    Tickerplant tp(
        [&](int h, const Value &m) {
            sent.push_back({h, m});
        },
        [&](const QByteArray &t, const Value &rows) { rdbRows[t] = rows.count(); });
    tp.addTable(tradeTable());
    tp.setDate(9000);
    // sub returns (t;schema); unknown table 'name; re-sub replaces
    Value r = tp.sub(7, Value::symbol("trade"), Value::symbols({"A"}));
    QCOMPARE(r.count(), int64_t(2));
    QVERIFY(r.item(1).isTable());
    QCOMPARE(tp.sub(7, Value::symbol("nope"), Value::symbol("")).symbolValue(), QByteArray("nope"));
    r = tp.sub(7, Value::symbol("trade"), Value::symbols({"A", "C"}));
    QCOMPARE(tp.subscriptionCount(), 1);
    r = tp.sub(8, Value::symbol(""), Value::symbol(""));
    QCOMPARE(r.count(), int64_t(1)); // one table
    QCOMPARE(r.item(0).item(0).symbolValue(), QByteArray("trade"));
    // .u.w shape
    const Value w = tp.w();
    QCOMPARE(w.values().item(0).count(), int64_t(2));
    QCOMPARE(w.values().item(0).item(0).item(0).intValue(), 7);
    QCOMPARE(w.values().item(0).item(0).item(1).count(), int64_t(2));
    // publish: filtered for 7, whole for 8
    QVERIFY(!tp.upd(Value::symbol("trade"), tradeCols({"A", "B", "C"}, {1, 2, 3}), 1).isError());
    QCOMPARE(sent.size(), size_t(2));
    QCOMPARE(sent[0].handle, 7);
    QCOMPARE(sent[0].msg.item(2).count(), int64_t(2));
    QCOMPARE(sent[0].msg.item(2).columns().item(1).symAt(1), QByteArray("C"));
    QCOMPARE(sent[1].msg.item(2).count(), int64_t(3));
    QCOMPARE(rdbRows.value("trade"), int64_t(3));
    QCOMPARE(tp.i(), int64_t(1));
    // no message when the filter leaves nothing
    sent.clear();
    tp.upd(Value::symbol("trade"), tradeCols({"B"}, {4}), 1);
    QCOMPARE(sent.size(), size_t(1));
    QCOMPARE(sent[0].handle, 8);
    // end of day: once per handle, (`.u.end;date), RDB cleared, date moves on
    sent.clear();
    tp.endOfDay();
    QCOMPARE(sent.size(), size_t(2));
    QCOMPARE(sent[0].msg.item(0).symbolValue(), QByteArray(".u.end"));
    QCOMPARE(sent[0].msg.item(1).type(), -int(Date));
    QCOMPARE(sent[0].msg.item(1).rawInt(), int64_t(9000));
    QCOMPARE(rdbRows.value("trade"), int64_t(0));
    QCOMPARE(tp.date(), 9001);
    // .z.pc clean-up
    tp.removeHandle(7);
    QCOMPARE(tp.subscriptionCount(), 1);
    tp.removeHandle(8);
    sent.clear();
    tp.upd(Value::symbol("trade"), tradeCols({"A"}, {1}), 1);
    QVERIFY(sent.empty());
}

void TestDemoParts::tickBatching()
{
    std::vector<Sent> sent;
    Tickerplant tp(
        [&](int h, const Value &m) {
            sent.push_back({h, m});
        },
        [](const QByteArray &, const Value &) {});
    tp.addTable(tradeTable());
    tp.setTimerMode(true);
    tp.sub(3, Value::symbol(""), Value::symbol(""));
    tp.upd(Value::symbol("trade"), tradeCols({"A"}, {1}), 1);
    tp.upd(Value::symbol("trade"), tradeCols({"B", "C"}, {2, 3}), 2);
    QVERIFY(sent.empty());
    QCOMPARE(tp.j(), int64_t(2));
    QCOMPARE(tp.i(), int64_t(0));
    tp.flush();
    QCOMPARE(sent.size(), size_t(1));
    const Value t = sent[0].msg.item(2);
    QCOMPARE(t.count(), int64_t(3));
    QCOMPARE(t.columns().item(1).symAt(2), QByteArray("C"));
    QCOMPARE(t.columns().item(0).at<int64_t>(2), int64_t(2));
    QCOMPARE(tp.i(), int64_t(2));
    tp.flush();
    QCOMPARE(sent.size(), size_t(1)); // nothing buffered, nothing sent
}

void TestDemoParts::feedPrices()
{
    FeedGenerator f({"X", "Y"});
    double last = -1;
    for (int i = 0; i < 200; ++i) {
        const Value t = f.tradeBatch(10);
        QCOMPARE(t.count(), int64_t(3));
        QCOMPARE(t.item(0).count(), int64_t(10));
        for (int r = 0; r < 10; ++r) {
            const double p = t.item(1).at<double>(r);
            QVERIFY(p > 0);
            QCOMPARE(std::round(p * 100) / 100, p); // cents
            QVERIFY(t.item(2).at<int64_t>(r) % 100 == 0);
            if (t.item(0).symAt(r) == "X") {
                if (last > 0) QVERIFY(std::abs(p / last - 1) < 0.05); // a walk, not a jump
                last = p;
            }
        }
        const Value q = f.quoteBatch(4);
        for (int r = 0; r < 4; ++r)
            QVERIFY(q.item(1).at<double>(r) < q.item(2).at<double>(r));
    }
    QCOMPARE(FeedGenerator({}).syms().size(), size_t(FeedGenerator::defaultSyms().size()));
}

void TestDemoParts::htmlEscapes()
{
    QCOMPARE(htmlEscape("<a href=\"x\">&</a>"),
             QByteArray("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"));
    const QByteArray page = htmlPage("x<y", Value::error("type"));
    QVERIFY(page.contains("'type"));
    QVERIFY(page.contains("x&lt;y"));
    QVERIFY(!page.contains("x<y"));
    QVERIFY(httpError(400, "Bad Request").startsWith("HTTP/1.1 400 Bad Request\r\n"));
}

QTEST_GUILESS_MAIN(TestDemoParts)
#include "tst_demoparts.moc"

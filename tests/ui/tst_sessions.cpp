// Sessions you can trust (issue 14, the query side): the real MainWindow against two FakeQServers,
// one that answers each sync message after a delay (echoing the query text, so a result names the
// query it answers) and one that completes the login and never answers. The named cases are the
// issue's exact sequences; a seeded random sequence of run / run again / cancel / switch tab /
// close tab / new tab / disconnect checks after every step what the servers saw: every cancel of
// a request on the wire closed its socket within a second, every result landed in the tab that
// asked, a closed tab sends nothing more, and at the end nothing waits.
#include "app/confirm.h"
#include "charts/chartpanel.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/messagebar.h"
#include "editor/queryrunner.h"
#include "editor/querystatus.h"
#include "export/exportjob.h"
#include "fakeqserver.h"
#include "mainwindow.h"
#include "results/gridview.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "windowfixture.h"

#include <QApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;
using qscope::test::WindowFixture;
using Event = FakeQServer::Event;

namespace {

/// A FakeQServer that answers every sync message `delayMs` later (or never, -1) with the query
/// text itself, or with a 100-row table for the query "table100". Remembers what it answered.
struct Server
{
    FakeQServer fake;
    int delayMs = -1;
    QSet<QByteArray> answered;
    QElapsedTimer clock; ///< started with the fake, so event times compare with it

    explicit Server(int delay) : delayMs(delay)
    {
        clock.start();
        fake.onMessage = [this](QIODevice *io, const MessageHeader &h, const Value &v,
                                const QByteArray &) {
            if (h.type != MessageType::Sync || delayMs < 0) return;
            const QByteArray text = queryText(v);
            QTimer::singleShot(delayMs, &fake, [this, io = QPointer<QIODevice>(io), text] {
                if (!io) return; // the client went away: nobody to answer
                answered.insert(text);
                FakeQServer::reply(io, answer(text));
            });
        };
    }
    static Value answer(const QByteArray &text)
    {
        if (text != "table100") return Value::string(text);
        std::vector<int64_t> x(100);
        std::vector<double> y(100);
        for (int i = 0; i < 100; ++i) {
            x[size_t(i)] = i;
            y[size_t(i)] = i * 1.5;
        }
        return Value::table(Value::symbols({QByteArray("x"), QByteArray("y")}),
                            Value::list({Value::fromVector(Long, std::move(x)),
                                         Value::fromVector(Float, std::move(y))}));
    }
    /// The client that received `text`, 0 if none did.
    int clientOf(const QByteArray &text) const
    {
        for (const Event &e : fake.events)
            if (e.kind == Event::Message && queryText(e.value) == text) return e.client;
        return 0;
    }
    /// When (server clock) the client disconnected, -1 if it has not.
    qint64 disconnectedAt(int client) const
    {
        for (const Event &e : fake.events)
            if (e.kind == Event::Disconnected && e.client == client) return e.atMs;
        return -1;
    }
};

} // namespace

class TestSessions : public QObject
{
    Q_OBJECT

    WindowFixture m_fx;
    Server *m_slow = nullptr;   // answers after 1.5 s
    Server *m_silent = nullptr; // never answers
    QString m_slowProfile, m_silentProfile;
    /// Every finished job: the tab that asked (null if gone) and the result.
    struct Landed
    {
        QueryRunner::Ticket ticket;
        QPointer<QObject> owner;
        QueryResult result;
        bool shownInOwnersPane = false;
    };
    QList<Landed> m_landed;

    EditorTab *newTab(const QString &profile)
    {
        EditorTab *t = m_fx.openTab(profile);
        t->setModified(false);
        return t;
    }
    void closeAllButOne()
    {
        EditorArea *e = m_fx.window->editors();
        for (int i = 0; i < e->count(); ++i)
            e->tab(i)->setModified(false);
        while (e->count() > 1)
            QVERIFY(e->closeTab(e->count() - 1));
    }
    const Landed *landedFor(const QByteArray &query) const
    {
        for (const Landed &l : m_landed)
            if (l.result.query == query) return &l;
        return nullptr;
    }
    /// Waits until every job is done, cancelling what the silent server holds.
    void settle()
    {
        EditorArea *e = m_fx.window->editors();
        for (int i = 0; i < e->count(); ++i)
            if (QueryRunner::Ticket t = m_fx.window->runner()->activeFor(e->tab(i)))
                m_fx.window->runner()->cancel(t);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->runner()->running(), 0, 10000);
    }
    void shot(const QString &name) { QVERIFY(m_fx.shot(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_sessions")), QString());
        m_slow = m_fx.addServer<Server>(1500);
        m_silent = m_fx.addServer<Server>(-1);
        QVERIFY(m_slow && m_silent);
        const auto patient = [](ConnectionProfile &p) { p.connectTimeoutMs = 3000; };
        m_slowProfile = m_fx.addProfile(QStringLiteral("slow"), m_slow->fake, patient);
        m_silentProfile = m_fx.addProfile(QStringLiteral("silent"), m_silent->fake, patient);
        QVERIFY(m_fx.open(m_slowProfile, QSize(1280, 860)));
        // after MainWindow's own handler: the result is already in the owner's pane
        connect(
            m_fx.window->runner(), &QueryRunner::finished, this,
            [this](QueryRunner::Ticket t, const QueryResult &r, const QString &, QObject *owner) {
                Landed l{t, owner, r, false};
                if (auto *tab = qobject_cast<EditorTab *>(owner))
                    if (ResultPane *p = m_fx.window->resultsFor(tab))
                        l.shownInOwnersPane = p->currentView()->result().query == r.query;
                m_landed << l;
            });
    }

    void cleanup()
    {
        settle();
        closeAllButOne();
        m_fx.window->messageBar()->showMessage(MessageBar::Info, QString()); // no stale text
        m_fx.window->messageBar()->hide();
    }

    void cleanupTestCase() { m_fx.close(); }

    // Issue item 1, the delayed server: run, run again 0.7 s later, Cancel.
    void cancelAfterRunningTwiceDelayed()
    {
        EditorTab *tab = m_fx.window->editors()->current();
        tab->setProfileId(m_slowProfile);
        m_fx.runIn(tab, QStringLiteral("slow1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_slow->clientOf("slow1") != 0, 10000);
        const QueryRunner::Ticket first = m_fx.window->runner()->activeFor(tab);
        QVERIFY(first);
        QTest::qWait(700);
        m_fx.runIn(tab, QStringLiteral("slow1"));
        // refused with a message; the first run keeps its clock and its ticket
        QVERIFY2(m_fx.window->messageBar()->text().contains(QStringLiteral("still running")),
                 qPrintable(m_fx.window->messageBar()->text()));
        QCOMPARE(m_fx.window->runner()->activeFor(tab), first);
        QVERIFY(m_fx.window->runner()->job(first)->elapsedMs >= 700);
        QCOMPARE(m_fx.window->queryStatus()->current(), first);
        QVERIFY(m_fx.window->queryStatus()->isVisible());
        QVERIFY(m_fx.window->queryStatus()->text().startsWith(QStringLiteral("Running")));
        QCOMPARE(m_slow->fake.queriesSeen("slow1"), 1);
        // the tab's title says it runs
        QTabWidget *tabs = m_fx.window->editors()->tabWidget();
        QVERIFY(tabs->tabText(tabs->indexOf(tab)).startsWith(QStringLiteral("\u25B6 ")));

        const int client = m_slow->clientOf("slow1");
        const qint64 cancelAt = m_slow->clock.elapsed();
        m_fx.window->queryStatus()->cancelButton()->click();
        // the socket the request went out on is closed, within a second
        QTRY_VERIFY_WITH_TIMEOUT(m_slow->disconnectedAt(client) >= 0, 5000);
        QVERIFY2(m_slow->disconnectedAt(client) - cancelAt <= 1000,
                 qPrintable(QString::number(m_slow->disconnectedAt(client) - cancelAt)));
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("slow1"), 2000);
        const Landed *l = landedFor("slow1");
        QCOMPARE(l->owner.data(), tab);
        QVERIFY(l->shownInOwnersPane);
        QCOMPARE(l->result.error->kind, NetError::Cancelled);
        // the engine's own words, not a claim made up by the UI
        QVERIFY2(l->result.error->message.contains(QStringLiteral("dropped the connection")),
                 qPrintable(l->result.error->message));
        QVERIFY(m_fx.window->results()->currentView()->errorLabel()->text().contains(
            QStringLiteral("cancelled")));
        QVERIFY(!m_fx.window->queryStatus()->isVisible());
        QVERIFY(!tabs->tabText(tabs->indexOf(tab)).startsWith(QStringLiteral("\u25B6 ")));
        shot(QStringLiteral("sessions-cancelled"));
        // the late answer (due 1.5 s after the run) never replaces the message
        QTest::qWait(1500);
        QCOMPARE(m_fx.window->results()->runCount(), 1);
        QCOMPARE(m_fx.window->results()->currentView()->result().error->kind, NetError::Cancelled);
        // the next run goes out on a fresh connection and is answered
        m_fx.runIn(tab, QStringLiteral("slow2"));
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("slow2"), 10000);
        QVERIFY(landedFor("slow2")->result.ok());
        QCOMPARE(queryText(m_fx.window->results()->currentView()->result().value),
                 QByteArray("slow2"));
        QVERIFY(m_slow->clientOf("slow2") != client);
    }

    // Issue item 1, the server that never answers: the same steps must not wedge anything, and a
    // second Cancel acts on what then runs.
    void cancelAfterRunningTwiceSilent()
    {
        EditorTab *tab = m_fx.window->editors()->current();
        tab->setProfileId(m_silentProfile);
        m_fx.runIn(tab, QStringLiteral("silent1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("silent1") != 0, 10000);
        QTest::qWait(700);
        m_fx.runIn(tab, QStringLiteral("silent1b"));
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("still running")));
        const int client = m_silent->clientOf("silent1");
        const qint64 cancelAt = m_silent->clock.elapsed();
        m_fx.window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->disconnectedAt(client) >= 0, 5000);
        QVERIFY(m_silent->disconnectedAt(client) - cancelAt <= 1000);
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("silent1"), 2000);
        QCOMPARE(landedFor("silent1")->result.error->kind, NetError::Cancelled);
        QCOMPARE(m_silent->fake.queriesSeen("silent1b"), 0);

        // other tabs on the same server are not wedged: their queries go out
        EditorTab *other = newTab(m_silentProfile);
        m_fx.runIn(other, QStringLiteral("silent2"));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("silent2") != 0, 10000);
        // a second Cancel acts on what runs now
        const int client2 = m_silent->clientOf("silent2");
        QVERIFY(client2 != client);
        m_fx.window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->disconnectedAt(client2) >= 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("silent2"), 2000);
        QCOMPARE(landedFor("silent2")->owner.data(), other);
        // Cancel twice before the engine confirms: the second stops waiting at once, and the
        // first still drops the socket
        m_fx.runIn(other, QStringLiteral("silent3"));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("silent3") != 0, 10000);
        const QueryRunner::Ticket t3 = m_fx.window->runner()->activeFor(other);
        m_fx.window->cancelQuery();
        QCOMPARE(m_fx.window->runner()->job(t3)->phase, QueryRunner::Phase::Cancelling);
        QCOMPARE(m_fx.window->queryStatus()->cancelButton()->text(),
                 QStringLiteral("Stop waiting"));
        m_fx.window->cancelQuery();
        QVERIFY(!m_fx.window->runner()->isRunning(t3));
        QVERIFY(landedFor("silent3")->result.error->message.contains(QStringLiteral("twice")));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->disconnectedAt(m_silent->clientOf("silent3")) >= 0,
                                 5000);
        // with nothing running, Cancel says so
        m_fx.window->cancelQuery();
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("Nothing is running")));
        QCOMPARE(m_fx.window->runner()->running(), 0);
    }

    // Issue item 2: switching tabs never detaches a tab from its running request.
    void switchingTabsKeepsTheStrip()
    {
        EditorTab *a = m_fx.window->editors()->current();
        a->setProfileId(m_silentProfile);
        EditorTab *b = newTab(m_silentProfile);
        m_fx.runIn(a, QStringLiteral("tabA1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("tabA1") != 0, 10000);
        const QueryRunner::Ticket ta = m_fx.window->runner()->activeFor(a);
        m_fx.runIn(b, QStringLiteral("tabB1"));
        const QueryRunner::Ticket tb = m_fx.window->runner()->activeFor(b);
        QVERIFY(ta && tb && ta != tb);
        // B's strip is B's: queued behind A's query on the one connection
        QCOMPARE(m_fx.window->queryStatus()->current(), tb);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->queryStatus()->text().startsWith(QStringLiteral("Queued behind")), 5000);
        QCOMPARE(m_fx.window->queryStatus()->cancelButton()->text(),
                 QStringLiteral("Cancel (not sent yet)"));
        shot(QStringLiteral("sessions-queued-strip"));
        // back to A: A's strip, and its Cancel ends A's request
        m_fx.window->editors()->tabWidget()->setCurrentWidget(a);
        QVERIFY(m_fx.window->queryStatus()->isVisible());
        QCOMPARE(m_fx.window->queryStatus()->current(), ta);
        QVERIFY(m_fx.window->queryStatus()->text().startsWith(QStringLiteral("Running")));
        shot(QStringLiteral("sessions-running-strip"));
        const int client = m_silent->clientOf("tabA1");
        m_fx.window->queryStatus()->cancelButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->disconnectedAt(client) >= 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("tabA1"), 2000);
        QCOMPARE(landedFor("tabA1")->owner.data(), a);
        // B's query, queued in the engine, goes out on the new connection
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("tabB1") != 0, 10000);
        QVERIFY(m_silent->clientOf("tabB1") != client);
        // the next query in A is sent... after B's, which holds the connection: it is queued,
        // visibly, and cancelling B lets it out
        m_fx.runIn(a, QStringLiteral("tabA2"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->queryStatus()->text().startsWith(QStringLiteral("Queued behind")), 5000);
        // cancelling a queued query withdraws it: the engine says so, and B's socket stays
        const int clientB = m_silent->clientOf("tabB1");
        m_fx.window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("tabA2"), 2000);
        QCOMPARE(landedFor("tabA2")->result.error->kind, NetError::Cancelled);
        QVERIFY2(landedFor("tabA2")->result.error->message.contains(
                     QStringLiteral("cancelled before it was sent")),
                 qPrintable(landedFor("tabA2")->result.error->message));
        QTest::qWait(300);
        QCOMPARE(m_silent->disconnectedAt(clientB), qint64(-1));
        QCOMPARE(m_silent->fake.queriesSeen("tabA2"), 0);
        m_fx.runIn(a, QStringLiteral("tabA3"));
        m_fx.window->editors()->tabWidget()->setCurrentWidget(b);
        m_fx.window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->clientOf("tabA3") != 0, 10000);
        QCOMPARE(landedFor("tabB1")->owner.data(), b);
        QCOMPARE(m_silent->fake.queriesSeen("tabA2"), 0); // withdrawn for good
        // closing a tab ends its query, and nothing more of it reaches the server
        const int clientA3 = m_silent->clientOf("tabA3");
        a->setModified(false);
        QVERIFY(m_fx.window->editors()->closeTab(m_fx.window->editors()->tabWidget()->indexOf(a)));
        QTRY_VERIFY_WITH_TIMEOUT(m_silent->disconnectedAt(clientA3) >= 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->runner()->running(), 0, 2000);
    }

    // Issue item 6: results per tab, the last runs browsable, pins kept across a restart.
    void resultsArePerTab()
    {
        m_slow->delayMs = 100;
        EditorTab *a = newTab(m_slowProfile);
        EditorTab *b = newTab(m_slowProfile);
        m_fx.runIn(a, QStringLiteral("resA1"));
        m_fx.runIn(b, QStringLiteral("table100"));
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("resA1") && landedFor("table100"), 10000);
        QCOMPARE(landedFor("resA1")->owner.data(), a);
        QCOMPARE(landedFor("table100")->owner.data(), b);
        ResultPane *pa = m_fx.window->resultsFor(a), *pb = m_fx.window->resultsFor(b);
        QVERIFY(pa && pb && pa != pb);
        QCOMPARE(queryText(pa->currentView()->result().value), QByteArray("resA1"));
        QVERIFY(pb->currentView()->result().value.isTable());
        // switching tabs switches the pane shown
        QCOMPARE(m_fx.window->results(), pb);
        shot(QStringLiteral("sessions-tab-b-results"));
        m_fx.window->editors()->tabWidget()->setCurrentWidget(a);
        QCOMPARE(m_fx.window->results(), pa);
        QVERIFY(pa->isVisible() && !pb->isVisible());
        // the last runs are kept: step back
        for (const char *q : {"resA2", "resA3"}) {
            m_fx.runIn(a, QString::fromLatin1(q));
            QTRY_VERIFY_WITH_TIMEOUT(landedFor(q), 10000);
        }
        QCOMPARE(pa->runCount(), 3);
        QCOMPARE(pa->runText(), QStringLiteral("run 3 of 3"));
        pa->showRun(0);
        QCOMPARE(queryText(pa->currentView()->result().value), QByteArray("resA1"));
        QCOMPARE(pa->runText(), QStringLiteral("run 1 of 3"));
        shot(QStringLiteral("sessions-tab-a-results"));
        for (int i = 0; i < ResultPane::kKeptRuns + 2; ++i) {
            const QByteArray q = "more" + QByteArray::number(i);
            m_fx.runIn(a, QString::fromLatin1(q));
            QTRY_VERIFY_WITH_TIMEOUT(landedFor(q), 10000);
        }
        QCOMPARE(pa->runCount(), ResultPane::kKeptRuns);
        // pin in each tab; a new window restores them into the same tabs
        pa->pinCurrent();
        m_fx.window->editors()->tabWidget()->setCurrentWidget(b);
        pb->pinCurrent();
        QCOMPARE(pa->pinnedCount(), 1);
        m_fx.window->saveState();
        QVERIFY(QDir(PinStore::directory()).exists(a->tabId()));
        MainWindow second(m_fx.manager.get(), m_fx.store.get(), m_fx.history.get());
        second.restoreState(QString());
        // read off the GUI thread: restoreState returns before the pins are back
        QVERIFY(second.pinsRestoring());
        // a save meanwhile (the window closed at once) keeps them rather than writing none
        second.saveState();
        QVERIFY(QDir(PinStore::directory()).exists(a->tabId()));
        QTRY_VERIFY_WITH_TIMEOUT(!second.pinsRestoring(), 10000);
        int restored = 0;
        for (int i = 0; i < second.editors()->count(); ++i) {
            EditorTab *t = second.editors()->tab(i);
            ResultPane *p = second.resultsFor(t);
            QVERIFY(p);
            if (t->tabId() == a->tabId()) {
                QCOMPARE(p->pinnedCount(), 1);
                QCOMPARE(queryText(p->pinnedResults().at(0).first.value),
                         queryText(pa->pinnedResults().at(0).first.value));
                ++restored;
            } else if (t->tabId() == b->tabId()) {
                QCOMPARE(p->pinnedCount(), 1);
                const Value v = p->pinnedResults().at(0).first.value;
                QVERIFY(v.isTable());
                QCOMPARE(v.count(), int64_t(100));
                QCOMPARE(p->pinnedResults().at(0).second, QStringLiteral("slow"));
                ++restored;
            }
        }
        QCOMPARE(restored, 2);
        m_slow->delayMs = 1500;
    }

    // Issue item 7: one current view (filter + sort) for grid, text, chart, copy and export.
    void filterHoldsInEveryView()
    {
        m_slow->delayMs = 50;
        EditorTab *tab = m_fx.window->editors()->current();
        tab->setProfileId(m_slowProfile);
        m_landed.clear();
        m_fx.runIn(tab, QStringLiteral("table100"));
        QTRY_VERIFY_WITH_TIMEOUT(landedFor("table100"), 10000);
        ResultView *view = m_fx.window->results()->currentView();
        QCOMPARE(view->applyFilter(QStringLiteral("x<10")), QString());
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->viewRowCount(), int64_t(10), 5000);
        view->model()->sort(0, Qt::DescendingOrder);
        QVERIFY(view->infoLabel()->text().startsWith(QStringLiteral("10 / 100 rows")));
        // Text: q's console of the ten rows in view order (header, rule, rows)
        view->setMode(ResultView::Mode::Text);
        const QStringList lines =
            view->textView()->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 12);
        QVERIFY2(lines.at(2).startsWith(QStringLiteral("9 ")), qPrintable(lines.at(2)));
        QVERIFY(lines.at(11).startsWith(QStringLiteral("0 ")));
        // a new filter reaches the text at once
        view->applyFilter(QStringLiteral("x<3"));
        QCOMPARE(
            view->textView()->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts).size(), 5);
        // Chart: the rows in view, not all of them
        view->setMode(ResultView::Mode::Chart);
        QCOMPARE(view->chartPanel()->rowCount(), int64_t(3));
        QVERIFY(view->chartPanel()->seriesCount() >= 1);
        view->applyFilter(QStringLiteral("x<10"));
        QCOMPARE(view->chartPanel()->rowCount(), int64_t(10));
        QTest::qWait(300); // the chart repaints its scene on the event loop
        shot(QStringLiteral("sessions-chart-filtered"));
        // copy and export read the same view
        view->setMode(ResultView::Mode::Grid);
        view->grid()->clearSelection();
        const QByteArray tsv = view->copySelection(false);
        QCOMPARE(tsv.count('\n') + (tsv.endsWith('\n') ? 0 : 1), 11);
        const QString csv = m_fx.dir.filePath(QStringLiteral("view.csv"));
        ExportJob *job = view->startExport(ExportFormat::Csv, csv);
        QVERIFY(job);
        QTRY_VERIFY_WITH_TIMEOUT(!view->currentExport(), 10000);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = f.readAll().trimmed().split('\n');
        QCOMPARE(rows.size(), 11);
        QVERIFY(rows.at(1).startsWith("9,"));
        m_slow->delayMs = 1500;
    }

    // Random sequences of what a user does, checked against what the servers saw.
    void randomSequences()
    {
        m_slow->delayMs = 300;
        const quint32 seed = qEnvironmentVariableIsSet("QSCOPE_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("QSCOPE_SEED"))
                                 : quint32(QDateTime::currentMSecsSinceEpoch());
        qInfo("randomSequences seed %u (rerun with QSCOPE_SEED=%u)", seed, seed);
        QRandomGenerator rng(seed);
        EditorArea *editors = m_fx.window->editors();
        m_landed.clear();
        QHash<QByteArray, QPointer<EditorTab>> askedBy; // query -> tab
        QHash<QByteArray, Server *> sentTo;
        // queries that must never reach a server: withdrawn by a cancel ("before it was sent"),
        // or not yet handed to the engine when their tab closed
        QSet<QByteArray> neverSent;
        struct Cancel
        {
            QByteArray query;
            Server *server;
            qint64 atMs;
        };
        QList<Cancel> cancels;
        qint64 worstCancelMs = 0;
        int steps = 0, runs = 0, refused = 0, cancelCount = 0;
        const auto serverOf = [&](EditorTab *t) {
            return t->profileId() == m_slowProfile ? m_slow : m_silent;
        };
        const auto randomTab = [&] { return editors->tab(int(rng.bounded(editors->count()))); };
        const auto check = [&](const QString &where) {
            for (const Landed &l : std::as_const(m_landed)) {
                const QByteArray q = l.result.query;
                if (!askedBy.contains(q)) continue;
                // (c) the result landed in the tab that asked (if it is still open)
                if (askedBy[q]) {
                    QVERIFY2(l.owner == askedBy[q].data(),
                             qPrintable(where + QString::fromUtf8(q)));
                    QVERIFY2(l.shownInOwnersPane, qPrintable(where + QString::fromUtf8(q)));
                }
                if (l.result.ok()) QCOMPARE(queryText(l.result.value), q);
            }
            for (const Landed &l : std::as_const(m_landed))
                if (l.result.error &&
                    l.result.error->message.contains(QStringLiteral("before it was sent")))
                    neverSent.insert(l.result.query);
            // (a) nothing reached a server for a closed tab after it closed, nor anything withdrawn
            for (Server *s : {m_slow, m_silent})
                for (const Event &e : s->fake.events)
                    if (e.kind == Event::Message)
                        QVERIFY2(!neverSent.contains(queryText(e.value)),
                                 qPrintable(where + QString::fromUtf8(queryText(e.value))));
        };
        for (int step = 0; step < 200; ++step, ++steps) {
            if (editors->count() == 0) newTab(m_silentProfile);
            const int action = int(rng.bounded(100));
            const QString where = QStringLiteral("seed %1 step %2: ").arg(seed).arg(step);
            if (action < 35) { // run (or run again in a busy tab)
                EditorTab *t = randomTab();
                const QByteArray q = "r" + QByteArray::number(step);
                const bool busy = m_fx.window->runner()->activeFor(t) != 0;
                m_fx.runIn(t, QString::fromLatin1(q));
                if (busy) {
                    ++refused;
                    QVERIFY2(
                        m_fx.window->messageBar()->text().contains(QStringLiteral("still running")),
                        qPrintable(where));
                } else {
                    ++runs;
                    askedBy.insert(q, t);
                    sentTo.insert(q, serverOf(t));
                }
            } else if (action < 55) { // cancel the current tab's query
                EditorTab *t = editors->current();
                const QueryRunner::Ticket k = m_fx.window->runner()->activeFor(t);
                if (k) {
                    const QByteArray q = m_fx.window->runner()->job(k)->what.toUtf8();
                    Server *s = serverOf(t);
                    if (askedBy.contains(q)) cancels << Cancel{q, s, s->clock.elapsed()};
                    ++cancelCount;
                }
                m_fx.window->cancelQuery();
            } else if (action < 70) { // switch tab
                editors->tabWidget()->setCurrentIndex(int(rng.bounded(editors->count())));
                QCOMPARE(m_fx.window->queryStatus()->current(),
                         m_fx.window->runner()->activeFor(editors->current()));
            } else if (action < 78) { // close a tab
                EditorTab *t = randomTab();
                t->setModified(false);
                // a query still waiting for its connection must never go out once the tab is
                // closed; one handed to the engine is either on the wire already (the server
                // may read it, then sees the disconnect) or withdrawn ("before it was sent")
                if (const auto k = m_fx.window->runner()->activeFor(t))
                    if (m_fx.window->runner()->job(k)->phase == QueryRunner::Phase::Connecting)
                        neverSent.insert(m_fx.window->runner()->job(k)->what.toUtf8());
                QVERIFY(editors->closeTab(editors->tabWidget()->indexOf(t)));
                QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->runner()->activeFor(t), 3000);
            } else if (action < 90) { // a new tab on either server
                newTab(rng.bounded(2) ? m_slowProfile : m_silentProfile);
            } else { // disconnect a server
                m_fx.window->sessions()->disconnectProfile(rng.bounded(2) ? m_slowProfile
                                                                          : m_silentProfile);
            }
            QTest::qWait(int(rng.bounded(120)));
            check(where);
            // (b) every cancel of a request a server received closed that socket within 1 s
            for (qsizetype i = 0; i < cancels.size();) {
                const Cancel c = cancels[i];
                const Landed *l = landedFor(c.query);
                if (!l && c.server->clock.elapsed() - c.atMs < 3000) {
                    ++i;
                    continue; // not finished yet (the runner gives up after a second)
                }
                QVERIFY2(l, qPrintable(where + QString::fromUtf8(c.query) +
                                       QStringLiteral(" never finished after its cancel")));
                const int client = c.server->clientOf(c.query);
                if (client && l->result.error && l->result.error->kind == NetError::Cancelled) {
                    QTRY_VERIFY_WITH_TIMEOUT(c.server->disconnectedAt(client) >= 0, 3000);
                    const qint64 ms = c.server->disconnectedAt(client) - c.atMs;
                    worstCancelMs = std::max(worstCancelMs, ms);
                    QVERIFY2(
                        ms <= 1000,
                        qPrintable(where + QString::fromUtf8(c.query) +
                                   QStringLiteral(" socket closed %1 ms after cancel").arg(ms)));
                }
                if (l->result.error &&
                    l->result.error->message.contains(QStringLiteral("before it was sent")))
                    QVERIFY2(!client, qPrintable(where + QString::fromUtf8(c.query) +
                                                 QStringLiteral(" withdrawn but sent")));
                cancels.removeAt(i);
            }
        }
        // (d) nothing waits forever: cancel what the silent server holds, then all is idle
        settle();
        check(QStringLiteral("end: "));
        for (const Cancel &c : std::as_const(cancels))
            QVERIFY2(landedFor(c.query), c.query.constData());
        // every run was answered, cancelled or failed: none is lost
        for (auto it = askedBy.cbegin(); it != askedBy.cend(); ++it)
            QVERIFY2(landedFor(it.key()), it.key().constData());
        qInfo("randomSequences: %d steps, %d runs, %d refused as busy, %d cancels, worst cancel "
              "to disconnect %lld ms",
              steps, runs, refused, cancelCount, worstCancelMs);
        m_slow->delayMs = 1500;
    }
};

QTEST_MAIN(TestSessions)
#include "tst_sessions.moc"

// The workbench's message bar: the "Not run: this tab is still running" note says something
// true only while that job runs. The real MainWindow (WindowFixture) against FakeQServers that
// hold each answer until the test releases it: the note shows when a busy tab is asked to run
// again (the server never sees the second query), and goes when the job it names ends, answered
// or cancelled; a message shown after it is left alone.

#include "editor/messagebar.h"
#include "windowfixture.h"

#include <QPointer>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

/// Answers each sync query with its own text, but only when the test says so (release()); or,
/// if `silent`, never. No timer decides what the test sees.
struct Server
{
    FakeQServer fake;
    bool silent = false;
    struct Held
    {
        QPointer<QIODevice> io;
        QByteArray text;
    };
    std::vector<Held> held;

    explicit Server(bool silent_) : silent(silent_)
    {
        fake.onMessage = [this](QIODevice *io, const MessageHeader &h, const Value &v,
                                const QByteArray &) {
            if (h.type == MessageType::Sync && !silent) held.push_back({io, queryText(v)});
        };
    }
    /// Answers every query held so far.
    void release()
    {
        for (const Held &h : std::exchange(held, {}))
            if (h.io) FakeQServer::reply(h.io, Value::string(h.text));
    }
};

const QString kNote = QStringLiteral("still running");

} // namespace

class TestMessageBar : public QObject
{
    Q_OBJECT

    test::WindowFixture m_fx;
    Server *m_slow = nullptr;
    Server *m_silent = nullptr;
    QString m_slowProfile, m_silentProfile;

    QString bar() const { return m_fx.window->messageBar()->text(); }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_messagebar")), QString());
        m_slow = m_fx.addServer<Server>(false);
        m_silent = m_fx.addServer<Server>(true);
        QVERIFY(m_slow && m_silent);
        const auto timeout = [](ConnectionProfile &p) { p.connectTimeoutMs = 3000; };
        m_slowProfile = m_fx.addProfile(QStringLiteral("slow"), m_slow->fake, timeout);
        m_silentProfile = m_fx.addProfile(QStringLiteral("silent"), m_silent->fake, timeout);
        QVERIFY(m_fx.open(m_slowProfile, QSize(1280, 860)));
    }

    void cleanup()
    {
        m_slow->release();
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->runner()->running(), 0, 10000);
        m_fx.window->messageBar()->hide();
    }

    void cleanupTestCase() { m_fx.close(); }

    void noteGoesWhenTheJobIsAnswered()
    {
        EditorTab *tab = m_fx.tab();
        tab->setProfileId(m_slowProfile);
        m_fx.runIn(tab, QStringLiteral("first"));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("first"), 1, 10000);
        const QueryRunner::Ticket job = m_fx.window->runner()->activeFor(tab);
        QVERIFY(job);
        m_fx.runIn(tab, QStringLiteral("second"));
        QVERIFY2(bar().contains(kNote), qPrintable(bar()));
        QVERIFY(m_fx.shot(QStringLiteral("messagebar-while-running")));
        // still held: the job runs and the note stays, however long the test took to get here
        QVERIFY(m_fx.window->runner()->job(job));
        QVERIFY(bar().contains(kNote));
        // the job answers: the note is gone with it
        m_slow->release();
        QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->runner()->job(job), 10000);
        QVERIFY2(!bar().contains(kNote), qPrintable(bar()));
        QVERIFY(m_fx.window->messageBar()->isHidden());
        QVERIFY(m_fx.shot(QStringLiteral("messagebar-after-run")));
        QCOMPARE(m_slow->fake.queriesSeen("second"), 0); // refused, never sent
        // the tab runs again at once, with no note
        m_fx.runIn(tab, QStringLiteral("third"));
        QVERIFY(!bar().contains(kNote));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("third"), 1, 10000);
    }

    void noteGoesWhenTheJobIsCancelled()
    {
        EditorTab *tab = m_fx.tab();
        tab->setProfileId(m_silentProfile);
        m_fx.runIn(tab, QStringLiteral("never"));
        QTRY_COMPARE_WITH_TIMEOUT(m_silent->fake.queriesSeen("never"), 1, 10000);
        m_fx.runIn(tab, QStringLiteral("again"));
        QVERIFY2(bar().contains(kNote), qPrintable(bar()));
        const QueryRunner::Ticket job = m_fx.window->runner()->activeFor(tab);
        m_fx.window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->runner()->job(job), 10000);
        QVERIFY2(!bar().contains(kNote), qPrintable(bar()));
        QCOMPARE(m_silent->fake.queriesSeen("again"), 0);
    }

    void aLaterMessageStays()
    {
        EditorTab *tab = m_fx.tab();
        tab->setProfileId(m_slowProfile);
        m_fx.runIn(tab, QStringLiteral("busy"));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("busy"), 1, 10000);
        const QueryRunner::Ticket job = m_fx.window->runner()->activeFor(tab);
        m_fx.runIn(tab, QStringLiteral("refused"));
        QVERIFY(bar().contains(kNote));
        const QString other = QStringLiteral("something else to say");
        m_fx.window->messageBar()->showMessage(MessageBar::Warning, other);
        m_slow->release();
        QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->runner()->job(job), 10000);
        QCOMPARE(bar(), other); // not the note's to hide
    }
};

QTEST_MAIN(TestMessageBar)
#include "tst_messagebar.moc"

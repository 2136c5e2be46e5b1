// The workbench's message bar: the "Not run: this tab is still running" note says something
// true only while that job runs. The real MainWindow against FakeQServers: the note shows when a
// busy tab is asked to run again (the server never sees the second query), and goes when the
// job it names ends, answered or cancelled; a message shown after it is left alone.

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/messagebar.h"
#include "editor/queryrunner.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "theme/theme.h"

#include <QPointer>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

/// Answers each sync query with its own text `delayMs` later, or never (-1).
struct Server
{
    FakeQServer fake;
    int delayMs;

    explicit Server(int delay) : delayMs(delay)
    {
        fake.onMessage = [this](QIODevice *io, const MessageHeader &h, const Value &v,
                                const QByteArray &) {
            if (h.type != MessageType::Sync || delayMs < 0) return;
            const QByteArray text = queryText(v);
            QTimer::singleShot(delayMs, &fake, [io = QPointer<QIODevice>(io), text] {
                if (io) FakeQServer::reply(io, Value::string(text));
            });
        };
    }
};

const QString kNote = QStringLiteral("still running");

} // namespace

class TestMessageBar : public QObject
{
    Q_OBJECT

    std::unique_ptr<Server> m_slow, m_silent;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<HistoryStore> m_history;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
    QString m_slowProfile, m_silentProfile;

    QString addProfile(const QString &name, quint16 port)
    {
        ConnectionProfile p;
        p.name = name;
        p.host = QStringLiteral("127.0.0.1");
        p.port = port;
        p.connectTimeoutMs = 3000;
        return m_store->add(p);
    }
    /// Puts `text` in the current tab and runs it as Ctrl+Return does.
    void run(EditorTab *tab, const QString &text)
    {
        m_window->editors()->tabWidget()->setCurrentWidget(tab);
        tab->setText(text);
        tab->setModified(false);
        tab->setCursorPosition(0, 0);
        m_window->runCurrent();
    }
    QString bar() const { return m_window->messageBar()->text(); }
    void shot(const QString &name)
    {
        // /work/shots where the team looks at screenshots; elsewhere the build tree
        QString dir = QStringLiteral("/work/shots");
        if (!QFileInfo(dir).isDir()) dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/shots");
        QVERIFY(QDir().mkpath(dir));
        QCoreApplication::processEvents();
        QVERIFY(m_window->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_messagebar"));
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        QDir(SessionJournal::defaultDirectory()).removeRecursively();
        PinStore::clear();
        Q_INIT_RESOURCE(resources);
        Theme::apply(Theme::Light);
        m_slow = std::make_unique<Server>(1200);
        m_silent = std::make_unique<Server>(-1);
        QVERIFY(m_slow->fake.listenTcp());
        QVERIFY(m_silent->fake.listenTcp());
        m_manager = std::make_unique<ConnectionManager>();
        m_store = std::make_unique<ConnectionStore>();
        QCOMPARE(m_store->load(ConnectionStore::defaultPath()), QString());
        m_history = std::make_unique<HistoryStore>();
        m_history->load(m_dir.filePath(QStringLiteral("history.jsonl")));
        m_slowProfile = addProfile(QStringLiteral("slow"), m_slow->fake.port());
        m_silentProfile = addProfile(QStringLiteral("silent"), m_silent->fake.port());
        m_window = std::make_unique<MainWindow>(m_manager.get(), m_store.get(), m_history.get());
        m_window->passwords()->setKeychainEnabled(false);
        m_window->restoreState(m_slowProfile);
        m_window->resize(1280, 860);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_window->runner()->running(), 0, 10000);
        m_window->messageBar()->hide();
    }

    void cleanupTestCase()
    {
        if (m_window) m_window->sessions()->disconnectAll();
        m_window.reset();
        m_manager.reset();
    }

    void noteGoesWhenTheJobIsAnswered()
    {
        EditorTab *tab = m_window->editors()->current();
        tab->setProfileId(m_slowProfile);
        run(tab, QStringLiteral("first"));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("first"), 1, 10000);
        const QueryRunner::Ticket job = m_window->runner()->activeFor(tab);
        QVERIFY(job);
        run(tab, QStringLiteral("second"));
        QVERIFY2(bar().contains(kNote), qPrintable(bar()));
        shot(QStringLiteral("messagebar-while-running"));
        // the job answers: the note is gone with it
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->runner()->job(job), 10000);
        QVERIFY2(!bar().contains(kNote), qPrintable(bar()));
        QVERIFY(m_window->messageBar()->isHidden());
        shot(QStringLiteral("messagebar-after-run"));
        QCOMPARE(m_slow->fake.queriesSeen("second"), 0); // refused, never sent
        // the tab runs again at once, with no note
        run(tab, QStringLiteral("third"));
        QVERIFY(!bar().contains(kNote));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("third"), 1, 10000);
    }

    void noteGoesWhenTheJobIsCancelled()
    {
        EditorTab *tab = m_window->editors()->current();
        tab->setProfileId(m_silentProfile);
        run(tab, QStringLiteral("never"));
        QTRY_COMPARE_WITH_TIMEOUT(m_silent->fake.queriesSeen("never"), 1, 10000);
        run(tab, QStringLiteral("again"));
        QVERIFY2(bar().contains(kNote), qPrintable(bar()));
        const QueryRunner::Ticket job = m_window->runner()->activeFor(tab);
        m_window->cancelQuery();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->runner()->job(job), 10000);
        QVERIFY2(!bar().contains(kNote), qPrintable(bar()));
        QCOMPARE(m_silent->fake.queriesSeen("again"), 0);
    }

    void aLaterMessageStays()
    {
        EditorTab *tab = m_window->editors()->current();
        tab->setProfileId(m_slowProfile);
        run(tab, QStringLiteral("busy"));
        QTRY_COMPARE_WITH_TIMEOUT(m_slow->fake.queriesSeen("busy"), 1, 10000);
        const QueryRunner::Ticket job = m_window->runner()->activeFor(tab);
        run(tab, QStringLiteral("refused"));
        QVERIFY(bar().contains(kNote));
        const QString other = QStringLiteral("something else to say");
        m_window->messageBar()->showMessage(MessageBar::Warning, other);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->runner()->job(job), 10000);
        QCOMPARE(bar(), other); // not the note's to hide
    }
};

QTEST_MAIN(TestMessageBar)
#include "tst_messagebar.moc"

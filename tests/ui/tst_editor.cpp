// The editor through the real main window, against a scriptable q server that records what it
// was sent: Ctrl+Return on any line of a multi-line statement sends all of it (issue #15), a
// line typed at column 0 under an indented line is its own statement (auto-indent keeps q's
// meaning), Ctrl+A then typing then Ctrl+Return runs what was typed (#20), the application's
// chords act with the editor focused and leave the text alone (no QScintilla command shares
// them), comment toggle, go to line, the find bar's match count and Escape, highlighting of
// restored tabs and of lines typed later, history double-click inserting a statement on its
// own line, and completion from each tab's own server (names asked once per connection, also
// from qscope-demo). Screenshots of a highlighted script, the find bar and the completion list.
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "demo/demoserver.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/findbar.h"
#include "editor/messagebar.h"
#include "editor/namecatalog.h"
#include "editor/qlexer.h"
#include "editor/servernames.h"
#include "fakeqserver.h"
#include "history/historymodel.h"
#include "history/historystore.h"
#include "history/historyview.h"
#include "mainwindow.h"
#include "theme/theme.h"
#include "windowfixture.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

#include <Qsci/qscicommandset.h>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::WindowFixture;

class TestEditor : public QObject
{
    Q_OBJECT

    WindowFixture m_fx;
    FakeQServer *m_server = nullptr;
    FakeQServer *m_other = nullptr; ///< a second server with other names
    QString m_profile;
    QString m_otherProfile;

    /// A server's answer to NameCatalog::query(): (names; kinds; extras).
    static Value namesAnswer(const QList<std::tuple<QByteArray, char, QByteArrayList>> &names)
    {
        std::vector<QByteArray> n;
        QByteArray kinds;
        std::vector<Value> extras;
        for (const auto &[name, kind, extra] : names) {
            n.push_back(name);
            kinds += kind;
            extras.push_back(Value::symbols(std::vector<QByteArray>(extra.begin(), extra.end())));
        }
        return Value::list({Value::symbols(n), Value::string(kinds), Value::list(extras)});
    }

    /// Answers the names request with `names` (pushed back async, as q's neg[.z.w] does), any
    /// sync query with 42.
    static void serve(FakeQServer &server, const Value &names)
    {
        server.onMessage = [names](QIODevice *io, const MessageHeader &h, const Value &v,
                                   const QByteArray &) {
            const QByteArray text = qscope::test::queryText(v);
            const QByteArray head = "neg[.z.w](`" + NameCatalog::answerTag() + ';';
            if (h.type == MessageType::Async && text.startsWith(head) &&
                text.endsWith(QByteArray(NameCatalog::query() + ')'))) {
                const qint64 token =
                    text.mid(head.size(), text.indexOf(';', head.size()) - head.size())
                        .toLongLong();
                FakeQServer::send(io, Value::list({Value::symbol(NameCatalog::answerTag()),
                                                   Value::longAtom(token), names}));
            } else if (h.type == MessageType::Sync) {
                FakeQServer::reply(io, Value::longAtom(42));
            }
        };
    }

    /// How many times a server was asked for its names.
    static int namesAsked(const FakeQServer &server)
    {
        int n = 0;
        for (const FakeQServer::Event &e : server.events)
            n += e.kind == FakeQServer::Event::Message &&
                 qscope::test::queryText(e.value).contains(NameCatalog::query());
        return n;
    }

    /// Types `text` into a fresh line of `tab` and returns what the completion list offers.
    static QStringList offered(EditorTab *tab, const QString &text)
    {
        tab->SendScintilla(QsciScintillaBase::SCI_AUTOCCANCEL);
        tab->setText(QString());
        QTest::keyClicks(tab, text);
        if (!tab->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE)) return {};
        return tab->lastCompletions();
    }

    FindBar *findBar() const { return m_fx.window->findChild<FindBar *>(); }

    /// A fresh tab on the fake server holding `text`, focused, with the cursor at (line, 0).
    EditorTab *tabWith(const QString &text, int line = 0)
    {
        EditorTab *t = m_fx.openTab(m_profile, text);
        t->setCursorPosition(line, 0);
        if (!m_fx.activate()) qWarning("the window is not active");
        t->setFocus();
        return t;
    }

    /// Presses Ctrl+Return in the editor; true once the server got `expected` (once) and its
    /// answer is back in the tab. Waiting for the answer too matters: a tab runs one query at a
    /// time, so a Ctrl+Return pressed while the last answer is still on its way is refused
    /// ("still running"), which under load (the answer a few ms behind the server) it was.
    bool runSends(EditorTab *tab, const QByteArray &expected)
    {
        const int before = m_server->queriesSeen(expected);
        if (!m_fx.pressRun(tab)) return false;
        QueryRunner *runner = m_fx.window->runner();
        const bool done = QTest::qWaitFor(
            [&] { return m_server->queriesSeen(expected) > before && !runner->activeFor(tab); },
            20000);
        if (done && m_server->queriesSeen(expected) == before + 1) return true;
        // say what the server did see, and what the window said, for the failure's report
        for (const FakeQServer::Event &e : m_server->events)
            if (e.kind == FakeQServer::Event::Message)
                qWarning("server saw: %s", qscope::test::queryText(e.value).constData());
        qWarning("message bar: %s; strip: %s; still running: %s",
                 qPrintable(m_fx.window->messageBar()->text()), qPrintable(tab->statusTip()),
                 runner->activeFor(tab) ? "yes" : "no");
        return false;
    }

    static int styleAt(EditorTab *tab, int line, const QByteArray &token)
    {
        const QByteArray l = tab->text(line).toUtf8();
        const int at = int(l.indexOf(token));
        if (at < 0) return -1;
        const long pos = tab->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line) + at;
        return int(tab->SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, pos));
    }

    /// Every line of `tab` whose keyword, string and comment are not styled as such; each line
    /// of the checked scripts carries all three.
    static QStringList unstyledLines(EditorTab *tab)
    {
        tab->SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
        QStringList bad;
        for (int l = 0; l < tab->lines(); ++l) {
            if (tab->text(l).trimmed().isEmpty()) continue;
            const int k = styleAt(tab, l, "select");
            const int s = styleAt(tab, l, "\"");
            const int c = styleAt(tab, l, "/ c");
            if (k != QLexer::Keyword || s != QLexer::String || c != QLexer::Comment)
                bad << QStringLiteral("line %1 (%2 %3 %4): %5")
                           .arg(l)
                           .arg(k)
                           .arg(s)
                           .arg(c)
                           .arg(tab->text(l).trimmed());
        }
        return bad;
    }

    static QString styledScript(int lines, const QString &tag)
    {
        QString s;
        for (int i = 0; i < lines; ++i)
            s += QStringLiteral("%1%2:select from t where s like \"a%2*\" / c%2\n").arg(tag).arg(i);
        return s;
    }

    void screenshot(QWidget *w, const QString &name)
    {
        QCoreApplication::processEvents();
        QVERIFY(qscope::test::saveShot(w->grab().toImage(), name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_editor")), QString());
        m_server = m_fx.addServer();
        m_other = m_fx.addServer();
        QVERIFY(m_server && m_other);
        serve(*m_server, namesAnswer({{"trade", 't', {"time", "sym", "price", "size"}},
                                      {"quote", 't', {"sym", "bid", "ask"}},
                                      {"vwap", 'f', {"t", "s"}},
                                      {"rate", 'v', {}},
                                      {".u", 'n', {}},
                                      {".u.upd", 'f', {"t", "x"}},
                                      {".u.sub", 'f', {"t", "s"}},
                                      {".u.w", 'v', {}}}));
        serve(*m_other, namesAnswer({{"trace_fn", 'f', {"x"}}, {"other_t", 't', {"a", "b"}}}));
        m_profile = m_fx.addProfile(QStringLiteral("Fake"), *m_server);
        QVERIFY(!m_profile.isEmpty());
        m_otherProfile = m_fx.addProfile(QStringLiteral("Other"), *m_other);
        QVERIFY(!m_otherProfile.isEmpty());
        QVERIFY(m_fx.open(m_profile, QSize(80, 45), true));
        QVERIFY(m_fx.activate());
    }

    void cleanupTestCase() { m_fx.close(); }

    void ctrlReturnSendsTheWholeStatement()
    {
        // issue #15: line 1 of a multi-line lambda sent `f:{[x]` alone
        EditorTab *t = tabWith(QStringLiteral("f:{[x]\n  x+1 / add one\n  }\nf 41\n"));
        QVERIFY(runSends(t, "f:{[x] x+1 }"));
        t->setCursorPosition(1, 3);
        QVERIFY(runSends(t, "f:{[x] x+1 }"));
        t->setCursorPosition(2, 0);
        QVERIFY(runSends(t, "f:{[x] x+1 }"));
        t->setCursorPosition(3, 2);
        QVERIFY(runSends(t, "f 41"));
        QCOMPARE(m_server->queriesSeen("f:{[x]"), 0);
        // a blank line runs nothing and says so
        t->setCursorPosition(4, 0);
        QCOMPARE(t->currentStatement(), QByteArray());
        m_fx.window->runCurrent();
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("Nothing to run")));
        // a one-line buffer holding a system command: the text sent outlives later edits
        EditorTab *c = tabWith(QStringLiteral("\\t count t"));
        const QByteArray command = c->currentStatement();
        c->setText(QStringLiteral("something else entirely, and longer than before"));
        QCOMPARE(command, QByteArray("\\t count t"));
        c->setModified(false);
        m_fx.window->editors()->tabWidget()->setCurrentWidget(t);
        t->setFocus();
        // a selection runs as it stands
        t->setSelection(3, 0, 3, 1);
        QVERIFY(runSends(t, "f"));
    }

    void autoIndentKeepsMeaning()
    {
        EditorTab *t = tabWith(QString());
        // Return inside an open bracket indents; after a complete statement it goes to column 0
        WindowFixture::type(t, QStringLiteral("f:{[x]\nx+1}\nf 41"));
        QCOMPARE(t->text(), QStringLiteral("f:{[x]\n  x+1}\nf 41"));
        QCOMPARE(t->currentStatement(), QByteArray("f 41"));
        QVERIFY(runSends(t, "f 41"));
        t->setCursorPosition(0, 0);
        QCOMPARE(t->currentStatement(), QByteArray("f:{[x] x+1}"));

        // issue #15: `f 41` typed under an indented continuation line was joined to it
        EditorTab *u = tabWith(QString());
        WindowFixture::type(u, QStringLiteral("g:1+\n"));
        QCOMPARE(u->text(), QStringLiteral("g:1+\n")); // a complete line at column 0: no indent
        QTest::keyClicks(u, QStringLiteral("  2"));
        QTest::keyClick(u, Qt::Key_Return);
        QTest::keyClicks(u, QStringLiteral("f 41"));
        QCOMPARE(u->text(), QStringLiteral("g:1+\n  2\nf 41"));
        QCOMPARE(u->currentStatement(), QByteArray("f 41"));
        QVERIFY(runSends(u, "f 41"));

        // a line that opens brackets indents the next a level more, closing them comes back
        EditorTab *v = tabWith(QString());
        WindowFixture::type(v, QStringLiteral("t:([]a:(1;\n2);\nb:{[x]\nx}[3 4])\ncount t"));
        QCOMPARE(v->text(), QStringLiteral("t:([]a:(1;\n  2);\n  b:{[x]\n    x}[3 4])\ncount t"));
        QCOMPARE(v->currentStatement(), QByteArray("count t"));
        v->setCursorPosition(1, 0);
        QCOMPARE(v->currentStatement(), QByteArray("t:([]a:(1; 2); b:{[x] x}[3 4])"));

        // a newline inside a string is text: no indent is added to it
        EditorTab *w = tabWith(QString());
        WindowFixture::type(w, QStringLiteral("s:\"a\ncd\""));
        QCOMPARE(w->text(), QStringLiteral("s:\"a\ncd\""));
        // brackets inside a comment or a string do not open anything
        EditorTab *x = tabWith(QString());
        WindowFixture::type(x, QStringLiteral("a:1 / {\nb:\"(\"\nc:3"));
        QCOMPARE(x->text(), QStringLiteral("a:1 / {\nb:\"(\"\nc:3"));
        // Return in the middle of a line inside a lambda
        EditorTab *y = tabWith(QStringLiteral("h:{x+y}"));
        y->setCursorPosition(0, 5);
        QTest::keyClick(y, Qt::Key_Return);
        QCOMPARE(y->text(), QStringLiteral("h:{x+\n  y}"));
        QCOMPARE(y->currentStatement(), QByteArray("h:{x+ y}"));
    }

    void selectAllTypeAndRun()
    {
        // issue #20: click, Ctrl+A, type, Ctrl+Return said "Nothing to run on this line"
        EditorTab *t = tabWith(QStringLiteral("old query\nmore"));
        QTest::mouseClick(t->viewport(), Qt::LeftButton, {}, QPoint(40, 5));
        QTest::keyClick(t, Qt::Key_A, Qt::ControlModifier);
        QVERIFY(t->hasLiveSelection());
        QTest::keyClicks(t, QStringLiteral("til 5"));
        QCOMPARE(t->text(), QStringLiteral("til 5"));
        QVERIFY(!t->hasLiveSelection());
        QCOMPARE(t->currentStatement(), QByteArray("til 5"));
        QVERIFY(runSends(t, "til 5"));
    }

    void appChordsBeatEditorCommands()
    {
        // the chords that compete with the editor: window-wide ones (a view's own shortcut, as
        // the connection tree's Delete, acts only where that view has the focus)
        QList<QAction *> actions;
        for (QAction *a : m_fx.window->findChildren<QAction *>())
            if (a->shortcutContext() == Qt::WindowShortcut ||
                a->shortcutContext() == Qt::ApplicationShortcut)
                actions << a;
        int checked = 0;
        for (int i = 0; i < m_fx.window->editors()->count(); ++i) {
            EditorTab *t = m_fx.window->editors()->tab(i);
            for (QAction *a : actions)
                for (const QKeySequence &k : a->shortcuts()) {
                    ++checked;
                    QVERIFY2(!t->standardCommands()->boundTo(k[0].toCombined()),
                             qPrintable(a->text() + QStringLiteral(": ") + k.toString()));
                }
        }
        QVERIFY(checked > 20);
        // and no two of the application's actions share a chord (an ambiguous chord fires none)
        QHash<int, QString> owner;
        for (QAction *a : actions)
            for (const QKeySequence &k : a->shortcuts()) {
                const int key = k[0].toCombined();
                QVERIFY2(!owner.contains(key) || owner.value(key) == a->text(),
                         qPrintable(k.toString() + QStringLiteral(": ") + owner.value(key) +
                                    QStringLiteral(" and ") + a->text()));
                owner.insert(key, a->text());
            }
        // a tab made after the window reserved its chords releases them too
        EditorTab *t = tabWith(QStringLiteral("a:1\nb:2"));
        QVERIFY(
            !t->standardCommands()->boundTo(QKeyCombination(Qt::CTRL, Qt::Key_Slash).toCombined()));

        // Ctrl+Shift+L, QScintilla's "delete line", is no application chord any more: the
        // editor keeps its own command
        const QKeySequence deleteLine(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
        for (QAction *a : actions)
            QVERIFY2(!a->shortcuts().contains(deleteLine), qPrintable(a->text()));
        QTest::keyClick(t, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(t->text(), QStringLiteral("b:2"));
        t->undo();
        QCOMPARE(t->text(), QStringLiteral("a:1\nb:2"));

        // "load a .q file into the server" moved to Ctrl+Shift+E and acts from the editor
        QAction *load = nullptr;
        for (QAction *a : actions)
            if (a->text().startsWith(QStringLiteral("Load a local"))) load = a;
        QVERIFY(load);
        QCOMPARE(load->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        bool dialogShown = false;
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [&] {
            if (auto *d = qobject_cast<QFileDialog *>(QApplication::activeModalWidget())) {
                dialogShown = true;
                d->reject();
            }
        });
        poll->start(20);
        QTest::keyClick(t, Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY_WITH_TIMEOUT(dialogShown, 10000);
        delete poll;
        QCOMPARE(t->text(), QStringLiteral("a:1\nb:2"));
        QVERIFY(m_fx.activate()); // the dialog had it

        // Ctrl+/ was "move left one word part"; now it toggles the comment
        t->setFocus();
        t->setCursorPosition(0, 1);
        QTest::keyClick(t, Qt::Key_Slash, Qt::ControlModifier);
        QCOMPARE(t->text(), QStringLiteral("/ a:1\nb:2"));
        QTest::keyClick(t, Qt::Key_Slash, Qt::ControlModifier);
        QCOMPARE(t->text(), QStringLiteral("a:1\nb:2"));

        // Ctrl+G opens "go to line" in the bar; the text is untouched
        QTest::keyClick(t, Qt::Key_G, Qt::ControlModifier);
        QVERIFY(findBar()->isVisible());
        QVERIFY(findBar()->lineEdit()->hasFocus());
        findBar()->lineEdit()->setText(QStringLiteral("9"));
        QTest::keyClick(findBar()->lineEdit(), Qt::Key_Return);
        QVERIFY(findBar()->isVisible()); // out of range: says so, stays
        QCOMPARE(findBar()->statusText(), QStringLiteral("Type a line from 1 to 2"));
        findBar()->lineEdit()->setText(QStringLiteral("2"));
        QTest::keyClick(findBar()->lineEdit(), Qt::Key_Return);
        QVERIFY(!findBar()->isVisible());
        int line = -1, index = -1;
        t->getCursorPosition(&line, &index);
        QCOMPARE(line, 1);
        QVERIFY(t->hasFocus());
        QCOMPARE(t->text(), QStringLiteral("a:1\nb:2"));
    }

    void commentToggle()
    {
        EditorTab *t = tabWith(QStringLiteral("a:1\n\n/ note\n  b:2\nc:3"));
        t->setSelection(0, 0, 4, 0); // ends at line 4's start: lines 0 to 3
        t->toggleComment();
        QCOMPARE(t->text(), QStringLiteral("/ a:1\n\n/ / note\n/   b:2\nc:3"));
        // all commented now: the toggle takes exactly the added marks away
        t->setSelection(0, 0, 3, 2);
        t->toggleComment();
        QCOMPARE(t->text(), QStringLiteral("a:1\n\n/ note\n  b:2\nc:3"));
        // one undo step each
        t->toggleComment();
        t->undo();
        QCOMPARE(t->text(), QStringLiteral("a:1\n\n/ note\n  b:2\nc:3"));
        // a commented line is not part of the statement any more
        t->setCursorPosition(4, 0);
        t->toggleComment();
        QCOMPARE(t->text(), QStringLiteral("a:1\n\n/ note\n  b:2\n/ c:3"));
        QCOMPARE(t->currentStatement(), QByteArray());
        t->setModified(false);
    }

    void findBarCountsAndEscapes()
    {
        QString text;
        for (int i = 0; i < 12; ++i)
            text += QStringLiteral("select from trade where i=%1 / trade %1\n").arg(i);
        EditorTab *t = tabWith(text);
        QTest::keyClick(t, Qt::Key_F, Qt::ControlModifier);
        FindBar *bar = findBar();
        QVERIFY(bar->isVisible());
        QVERIFY(bar->findEdit()->hasFocus());
        QTest::keyClicks(bar->findEdit(), QStringLiteral("from trade"));
        QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QCOMPARE(bar->statusText(), QStringLiteral("1 of 12"));
        QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QCOMPARE(bar->statusText(), QStringLiteral("3 of 12"));
        QVERIFY(bar->findNext(true));
        QCOMPARE(bar->statusText(), QStringLiteral("2 of 12"));
        bar->findEdit()->setText(QStringLiteral("trade"));
        QVERIFY(bar->findNext());
        QVERIFY(bar->statusText().endsWith(QStringLiteral(" of 24")));
        bar->findEdit()->setText(QStringLiteral("nowhere"));
        QVERIFY(!bar->findNext());
        QCOMPARE(bar->statusText(), QStringLiteral("No matches"));
        bar->findEdit()->setText(QStringLiteral("i=1[01]"));
        bar->findChildren<QCheckBox *>().at(2)->setChecked(true); // Regex
        QVERIFY(bar->findNext());
        QCOMPARE(bar->statusText(), QStringLiteral("1 of 2"));
        bar->findChildren<QCheckBox *>().at(2)->setChecked(false);
        bar->findEdit()->setText(QStringLiteral("trade"));
        t->setCursorPosition(0, 0);
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QCOMPARE(bar->statusText(), QStringLiteral("3 of 24"));
        m_fx.window->messageBar()->hide();
        screenshot(m_fx.window.get(), QStringLiteral("editor-findbar-count"));

        // Escape in the bar closes it and gives the editor the focus
        QTest::keyClick(bar->findEdit(), Qt::Key_Escape);
        QVERIFY(!bar->isVisible());
        QVERIFY(t->hasFocus());
        // Escape in the editor closes it too, and leaves the text alone
        QTest::keyClick(t, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(bar->isVisible());
        t->setFocus();
        QTest::keyClick(t, Qt::Key_Escape);
        QVERIFY(!bar->isVisible());
        QCOMPARE(t->text(), text);
    }

    void highlightingOfRestoredAndTypedLines()
    {
        // Tabs shared one lexer, which styles only the editor it was set on last: restored tabs
        // came up without colours and lines typed into an earlier tab stayed plain.
        const QString a = styledScript(300, QStringLiteral("a"));
        const QString b = styledScript(5, QStringLiteral("b"));
        EditorTab *ta = tabWith(a);
        EditorTab *tb = tabWith(b);
        QCOMPARE(unstyledLines(ta), QStringList());
        QCOMPARE(unstyledLines(tb), QStringList());
        // type into the earlier tab after the later one was opened
        ta->setCursorPosition(ta->lines() - 1, 0);
        ta->setFocus();
        WindowFixture::type(
            ta,
            QStringLiteral("z:select from t where s like \"q\" / c\ny:select 1 from \"x\" / c"));
        QCOMPARE(unstyledLines(ta), QStringList());
        // restart: every restored tab is styled on every line
        m_fx.window->saveState();
        MainWindow second(m_fx.manager.get(), m_fx.store.get(), m_fx.history.get());
        second.restoreState(m_profile);
        second.resize(m_fx.window->size());
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        int checked = 0;
        for (int i = 0; i < second.editors()->count(); ++i) {
            EditorTab *t = second.editors()->tab(i);
            if (!t->text().startsWith(QStringLiteral("a0:")) &&
                !t->text().startsWith(QStringLiteral("b0:")))
                continue;
            ++checked;
            QCOMPARE(unstyledLines(t), QStringList());
            // and typing into it after the restart is styled as well
            t->setCursorPosition(t->lines() - 1, 0);
            WindowFixture::type(t, QStringLiteral("w:select from t where s like \"r\" / c"));
            QCOMPARE(unstyledLines(t), QStringList());
            t->setModified(false);
        }
        QCOMPARE(checked, 2);
        // a picture of the styled script (a multi-line lambda, comments, strings, symbols)
        EditorTab *shot = tabWith(QStringLiteral(
            "/ VWAP per symbol over the last hour, with a multi-line lambda\n"
            "vwap:{[t;s]\n"
            "  r:select v:size wavg price by sym from t where sym in s, time>.z.p-0D01;\n"
            "  `v xdesc r / best first\n"
            "  }\n"
            "vwap[trade;`IBM`MSFT]\n"
            "\\t count quote\n"
            "/\n"
            "a block comment: nothing here runs\n"
            "\\\n"
            "s:\"a string / not a comment\"; d:2024.01.31D10:00:00.000; n:1.5e-05\n"));
        shot->setCursorPosition(2, 4);
        m_fx.window->messageBar()->hide();
        screenshot(m_fx.window.get(), QStringLiteral("editor-highlighted-script"));
        for (EditorTab *t : {ta, tb, shot})
            t->setModified(false);
    }

    void historyInsertsAStatementOnItsOwnLine()
    {
        HistoryEntry e;
        e.time = QDateTime::currentDateTimeUtc();
        e.server = QStringLiteral("Fake");
        e.profileId = m_profile;
        e.query = QStringLiteral("count trade");
        m_fx.history->add(e);
        HistoryView *view = m_fx.window->historyView();
        qobject_cast<QDockWidget *>(view->parentWidget())->show();
        QTRY_VERIFY(view->table()->isVisible());
        const auto doubleClickNewest = [&] {
            const QModelIndex first = view->table()->model()->index(0, 0);
            QTRY_VERIFY(view->table()->model()->rowCount() > 0);
            QCOMPARE(first.data(HistoryModel::QueryRole).toString(), QStringLiteral("count trade"));
            const QPoint at = view->table()->visualRect(first).center();
            QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, at);
            QTest::mouseDClick(view->table()->viewport(), Qt::LeftButton, {}, at);
        };
        // the cursor in the middle of a lambda's first line: the query goes after the lambda
        EditorTab *t = tabWith(QStringLiteral("f:{[x]\n  x+1}\nf 41"));
        t->setCursorPosition(0, 3);
        doubleClickNewest();
        QCOMPARE(t->text(), QStringLiteral("f:{[x]\n  x+1}\ncount trade\nf 41"));
        int line = -1, index = -1;
        t->getCursorPosition(&line, &index);
        QCOMPARE(line, 2);
        QCOMPARE(t->currentStatement(), QByteArray("count trade"));
        // on a blank line it takes that line
        EditorTab *u = tabWith(QStringLiteral("a:1\n\nb:2"), 1);
        doubleClickNewest();
        QCOMPARE(u->text(), QStringLiteral("a:1\ncount trade\nb:2"));
        u->setFocus();
        QVERIFY(runSends(u, "count trade"));
        for (EditorTab *x : {t, u})
            x->setModified(false);
    }

    void completionFromTheTabsServer()
    {
        // the first test opened the connection: its names were asked for once, in one query,
        // however many statements ran since
        QTRY_COMPARE(namesAsked(*m_server), 1);
        EditorTab *t = tabWith(QString());
        QTRY_VERIFY(offered(t, QStringLiteral("quo")).contains(QStringLiteral("quote")));
        const QStringList tr = offered(t, QStringLiteral("tra"));
        QVERIFY2(tr.contains(QStringLiteral("trade")), qPrintable(tr.join(u' ')));
        QVERIFY(!tr.contains(QStringLiteral("trace_fn"))); // the other server's
        QCOMPARE(offered(t, QStringLiteral(".u.")),
                 (QStringList{QStringLiteral(".u.sub"), QStringLiteral(".u.upd"),
                              QStringLiteral(".u.w")}));
        QVERIFY(offered(t, QStringLiteral(".z.p")).contains(QStringLiteral(".z.pg")));
        QVERIFY(offered(t, QStringLiteral("sel")).contains(QStringLiteral("select")));
        // columns of the table after `from`, and after `table.`
        const QStringList pr = offered(t, QStringLiteral("select from trade where pr"));
        QVERIFY2(pr.contains(QStringLiteral("price")), qPrintable(pr.join(u' ')));
        QVERIFY(pr.contains(QStringLiteral("prev"))); // and the keywords
        QVERIFY(!offered(t, QStringLiteral("exec si")).contains(QStringLiteral("size")));
        QCOMPARE(offered(t, QStringLiteral("trade.s")),
                 (QStringList{QStringLiteral("trade.size"), QStringLiteral("trade.sym")}));
        // nothing inside strings and comments, nor for numbers
        QCOMPARE(offered(t, QStringLiteral("s:\"tra")), QStringList());
        QCOMPARE(offered(t, QStringLiteral("a:1 / tra")), QStringList());
        QCOMPARE(offered(t, QStringLiteral("x:12")), QStringList());
        // Return takes the chosen name
        offered(t, QStringLiteral("quo"));
        QTest::keyClick(t, Qt::Key_Return);
        QCOMPARE(t->text(), QStringLiteral("quote"));
        // a function's parameters as a call tip
        t->setText(QString());
        QTest::keyClicks(t, QStringLiteral("vwap["));
        QVERIFY(t->SendScintilla(QsciScintillaBase::SCI_CALLTIPACTIVE));
        QCOMPARE(t->lastCallTip(), QStringLiteral("vwap[t;s]"));
        QTest::keyClicks(t, QStringLiteral("trade;`IBM]"));
        QVERIFY(!t->SendScintilla(QsciScintillaBase::SCI_CALLTIPACTIVE));
        // Ctrl+Space offers names for what is typed, however short
        t->setText(QStringLiteral("q"));
        t->setCursorPosition(0, 1);
        QTest::keyClick(t, Qt::Key_Space, Qt::ControlModifier);
        QVERIFY(t->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE));
        QVERIFY(t->lastCompletions().contains(QStringLiteral("quote")));
        // running the line closes the list
        QVERIFY(!offered(t, QStringLiteral("rat")).isEmpty());
        QVERIFY(runSends(t, "rat"));
        QVERIFY(!t->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE));

        // a tab on another server completes from that server's names only
        EditorTab *o = m_fx.window->editors()->newTab(m_otherProfile);
        m_fx.window->sessions()->connectProfile(m_otherProfile);
        QTRY_COMPARE_WITH_TIMEOUT(namesAsked(*m_other), 1, 10000);
        o->setFocus();
        QTRY_VERIFY(offered(o, QStringLiteral("tra")).contains(QStringLiteral("trace_fn")));
        QVERIFY(!offered(o, QStringLiteral("tra")).contains(QStringLiteral("trade")));

        // a new connection asks again, once
        m_fx.window->sessions()->disconnectProfile(m_profile);
        QTRY_VERIFY(!m_fx.window->sessions()->isOpen(m_profile));
        m_fx.window->sessions()->connectProfile(m_profile);
        QTRY_COMPARE_WITH_TIMEOUT(namesAsked(*m_server), 2, 10000);
        QTest::qWait(200);
        QCOMPARE(namesAsked(*m_server), 2);

        // a picture of the list with the server's columns and names
        m_fx.window->editors()->tabWidget()->setCurrentWidget(t);
        t->setFocus();
        t->setText(QStringLiteral("/ the server's columns and names\n"));
        t->setCursorPosition(1, 0);
        QTest::keyClicks(t, QStringLiteral("select from trade where pr"));
        QTRY_VERIFY(t->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE));
        m_fx.window->messageBar()->hide();
        QImage img = m_fx.window->grab().toImage();
        // the list is a window of its own: paint it where it shows
        for (QListWidget *list : t->findChildren<QListWidget *>())
            if (list->isVisible() && list->count() > 0) {
                QPainter p(&img);
                p.drawPixmap(m_fx.window->mapFromGlobal(list->mapToGlobal(QPoint(0, 0))),
                             list->grab());
            }
        QVERIFY(qscope::test::saveShot(img, QStringLiteral("editor-completion")));
        for (EditorTab *x : {t, o})
            x->setModified(false);
    }

    void completionWithoutTheServersNames()
    {
        // a server that cannot answer the names query: keywords and .z names, and the reason
        auto *names = m_fx.window->findChild<ServerNames *>();
        QVERIFY(names);
        QString error;
        const NameCatalog c = NameCatalog::fromServer(Value::longAtom(42), &error);
        QVERIFY(!error.isEmpty());
        QCOMPARE(c.size(), NameCatalog::builtIn().size());
        const NameCatalog e = NameCatalog::fromServer(Value::error("access"), &error);
        QVERIFY(error.contains(QStringLiteral("access")));
        QVERIFY(e.find("select"));
        QVERIFY(!e.find("trade"));
    }

    void namesFromTheDemoServer()
    {
        // the names query as a real q-protocol server evaluates it (qscope-demo)
        DemoServer demo;
        DemoOptions o;
        o.port = 0;
        o.unixSocket = false;
        o.bindAddress = QStringLiteral("127.0.0.1");
        QString error;
        QVERIFY2(demo.start(o, &error), qPrintable(error));
        ConnectionProfile p;
        p.name = QStringLiteral("Demo");
        p.host = QStringLiteral("127.0.0.1");
        p.port = demo.port();
        const QString id = m_fx.store->add(p);
        auto *names = m_fx.window->findChild<ServerNames *>();
        QVERIFY(names);
        QSignalSpy changed(names, &ServerNames::catalogChanged);
        m_fx.window->sessions()->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty() && changed.last()[0].toString() == id, 10000);
        QCOMPARE(names->lastError(id), QString());
        const NameCatalog::Entry *trade = names->catalog(id)->find("trade");
        QVERIFY(trade);
        QCOMPARE(trade->kind, NameCatalog::Table);
        QVERIFY(trade->extras.contains("price"));
        QVERIFY(names->catalog(id)->find(".u"));
        m_fx.window->sessions()->disconnectProfile(id);
        QTRY_VERIFY(!m_fx.window->sessions()->isOpen(id));
        m_fx.store->remove(id);
    }
};

QTEST_MAIN(TestEditor)
#include "tst_editor.moc"

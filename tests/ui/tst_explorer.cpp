// The server explorer against a real in-process DemoServer and against a scripted server that
// answers with replies of the wrong shape: namespaces as kdb+'s key` lists them (the user's
// first, then kdb+'s own), tables with row counts and meta, functions with source, variables,
// views; the q sent is plain kdb+ q (no lambda applied by [] and nothing assigned on the
// server); a table preview is bounded; and whatever cannot be listed shows inline as a Message
// child, never as a silently empty branch. QAbstractItemModelTester watches the model throughout.
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "demo/demoserver.h"
#include "editor/qlexer.h"
#include "editor/qsci.h"
#include "explorer/callformdialog.h"
#include "explorer/explorermodel.h"
#include "explorer/explorerview.h"
#include "protocol/codec.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QMimeData>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTreeView>
#include <QtTest>

#include <functional>
#include <memory>

using namespace qscope;

namespace {

/// A kdb+-speaking server that answers each sync query with what `reply` returns for its text.
class ScriptedServer : public QObject
{
public:
    std::function<Value(const QByteArray &)> reply;
    QList<QByteArray> queries;

    bool start()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                auto reader = std::make_shared<FrameReader>();
                auto greeted = std::make_shared<bool>(false);
                connect(s, &QTcpSocket::readyRead, s, [this, s, reader, greeted] {
                    QByteArray bytes = s->readAll();
                    if (!*greeted) {
                        const int end = int(bytes.indexOf('\0'));
                        if (end < 0) return; // the handshake arrives in one piece here
                        *greeted = true;
                        s->write(QByteArray(1, '\3'));
                        bytes = bytes.mid(end + 1);
                    }
                    reader->feed(bytes);
                    while (const auto message = reader->next()) {
                        const Decoded d = decodeMessage(*message);
                        if (!d.ok() || d.header.type != MessageType::Sync) continue;
                        const QByteArray text =
                            d.value.type() == Char
                                ? QByteArray(d.value.rawData(), int(d.value.count()))
                                : QByteArray("(not text)");
                        queries << text;
                        EncodeOptions o;
                        o.type = MessageType::Response;
                        s->write(encodeMessage(reply(text), o));
                    }
                });
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

QStringList childNames(const QAbstractItemModel *m, const QModelIndex &parent)
{
    QStringList out;
    for (int i = 0; i < m->rowCount(parent); ++i)
        out << m->index(i, 0, parent).data(ExplorerModel::QualifiedNameRole).toString();
    return out;
}

QModelIndex childNamed(const QAbstractItemModel *m, const QModelIndex &parent,
                       const QString &qualified)
{
    for (int i = 0; i < m->rowCount(parent); ++i) {
        const QModelIndex c = m->index(i, 0, parent);
        if (c.data(ExplorerModel::QualifiedNameRole).toString() == qualified) return c;
    }
    return {};
}

/// The category child whose label starts with `label` ("Tables", "Functions", ...).
QModelIndex category(const QAbstractItemModel *m, const QModelIndex &ns, const QString &label)
{
    for (int i = 0; i < m->rowCount(ns); ++i) {
        const QModelIndex c = m->index(i, 0, ns);
        if (c.data(ExplorerModel::KindRole).toInt() == ExplorerModel::Category &&
            c.data().toString().startsWith(label))
            return c;
    }
    return {};
}

bool hasMessageChild(const QAbstractItemModel *m, const QModelIndex &parent, QString *text)
{
    for (int i = 0; i < m->rowCount(parent); ++i) {
        const QModelIndex c = m->index(i, 0, parent);
        if (c.data(ExplorerModel::KindRole).toInt() == ExplorerModel::Message) {
            if (text) *text = c.data().toString();
            return true;
        }
    }
    return false;
}

} // namespace

class TestExplorer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<DemoServer> m_demo;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<PasswordStore> m_passwords;
    std::unique_ptr<ServerSessions> m_sessions;

    QString addProfile(const QString &name, quint16 port)
    {
        ConnectionProfile p;
        p.name = name;
        p.host = QStringLiteral("127.0.0.1");
        p.port = port;
        p.connectTimeoutMs = 5000;
        return m_store->add(p);
    }

    /// Runs q on the demo directly (not through the explorer).
    Value q(const QString &profile, const QByteArray &text)
    {
        QSignalSpy spy(m_manager.get(), &ConnectionManager::resultReady);
        const RequestId id = m_manager->query(m_sessions->connectionOf(profile), text);
        for (int i = 0; i < 100; ++i) {
            for (const auto &args : spy) {
                const auto r = args[0].value<QueryResult>();
                if (r.id == id) return r.ok() ? r.value : Value::error("failed");
            }
            spy.wait(100);
        }
        return Value::error("timeout");
    }

    /// Expands a node as the view would (the model tester may have started the fetch already)
    /// and waits for its children: every fetch gives at least one (a Message when it failed).
    void fetchAndWait(ExplorerModel *model, const QModelIndex &index)
    {
        if (model->canFetchMore(index)) model->fetchMore(index);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount(index) > 0 &&
                                     !index.data().toString().contains(QStringLiteral("loading")),
                                 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_demo = std::make_unique<DemoServer>();
        DemoOptions o;
        o.port = 0;
        o.unixSocket = false;
        o.bindAddress = QStringLiteral("127.0.0.1");
        o.feedRowsPerSecond = 10;
        QString error;
        QVERIFY2(m_demo->start(o, &error), qPrintable(error));
        m_manager = std::make_unique<ConnectionManager>();
        m_store = std::make_unique<ConnectionStore>();
        QCOMPARE(m_store->load(m_dir.filePath(QStringLiteral("connections.json"))), QString());
        m_passwords = std::make_unique<PasswordStore>(QStringLiteral("qscope-tests"));
        m_passwords->setKeychainEnabled(false);
        m_sessions =
            std::make_unique<ServerSessions>(m_manager.get(), m_store.get(), m_passwords.get());
    }

    void cleanupTestCase()
    {
        if (m_sessions) m_sessions->disconnectAll();
        m_sessions.reset();
        m_manager.reset();
        m_demo.reset();
    }

    void queriesArePlainKdbQ()
    {
        // the namespace listing: each listing trapped on its own, no lambda applied with [],
        // nothing assigned on the server (a `:` would leave a global behind on a real kdb+)
        const QByteArray root = ExplorerModel::namespaceQuery(QStringLiteral("."));
        QCOMPARE(root, QByteArray("`t`f`v`b!(@[tables;`.;{x}];@[system;\"f\";{x}];"
                                  "@[system;\"v\";{x}];@[system;\"b\";{x}])"));
        const QByteArray u = ExplorerModel::namespaceQuery(QStringLiteral(".u"));
        QCOMPARE(u, QByteArray("`t`f`v`b!(@[tables;`.u;{x}];@[system;\"f .u\";{x}];"
                               "@[system;\"v .u\";{x}];@[system;\"b .u\";{x}])"));
        QVERIFY(!u.contains(":") && !u.contains("}[]"));
        // previews are bounded: never the bare name
        QCOMPARE(ExplorerModel::previewQuery(QStringLiteral("trade")),
                 QByteArray("select[100] from trade"));
        QCOMPARE(ExplorerModel::valueQuery(QStringLiteral(".u.w")),
                 QByteArray("{$[(type x) within 0 99;100 sublist x;x]}.u.w"));
    }

    void demoServerTree()
    {
        const QString id = addProfile(QStringLiteral("Demo"), m_demo->port());
        m_sessions->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_sessions->isOpen(id), 10000);
        QVERIFY(q(id, ".wbns.f:{[a;b] a+b}; .wbns.v:42; wbtab:([]p:1 2 3f;s:`a`b`c); "
                      "wbfn:{[x;y] x*y}; wbvar:7; 1")
                    .rawInt() == 1);

        ExplorerModel model(m_sessions.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QModelIndex server = model.serverIndex(id);
        QVERIFY(server.isValid());
        fetchAndWait(&model, server);

        // namespaces: the root first, then the user's (.wbns), then kdb+'s own, as key` gives
        const QStringList spaces = childNames(&model, server);
        QVERIFY2(spaces.size() >= 2, qPrintable(spaces.join(QLatin1Char(' '))));
        QCOMPARE(spaces.first(), QStringLiteral("."));
        QVERIFY2(spaces.contains(QStringLiteral(".wbns")),
                 qPrintable(spaces.join(QLatin1Char(' '))));
        const Value keyAll = q(id, "key`");
        QCOMPARE(spaces.size(), int(keyAll.count()) + 1); // nothing hidden, nothing invented
        bool seenSystem = false;
        for (int i = 1; i < model.rowCount(server); ++i) {
            const QModelIndex ns = model.index(i, 0, server);
            const bool system =
                ns.data(Qt::ToolTipRole).toString().contains(QStringLiteral("system namespace"));
            QVERIFY2(!(seenSystem && !system), "a user namespace listed after a system one");
            seenSystem = seenSystem || system;
        }

        // the root namespace: tables, functions, variables, views
        const QModelIndex root = childNamed(&model, server, QStringLiteral("."));
        fetchAndWait(&model, root);
        QString message;
        QVERIFY2(!hasMessageChild(&model, root, &message), qPrintable(message));
        const QModelIndex tables = category(&model, root, QStringLiteral("Tables"));
        const QModelIndex functions = category(&model, root, QStringLiteral("Functions"));
        const QModelIndex variables = category(&model, root, QStringLiteral("Variables"));
        const QModelIndex views = category(&model, root, QStringLiteral("Views"));
        QVERIFY(tables.isValid() && functions.isValid() && variables.isValid() && views.isValid());
        QVERIFY(childNames(&model, tables).contains(QStringLiteral("wbtab")));
        QVERIFY(childNames(&model, tables).contains(QStringLiteral("trade")));
        QVERIFY(childNames(&model, functions).contains(QStringLiteral("wbfn")));
        QVERIFY(childNames(&model, variables).contains(QStringLiteral("wbvar")));
        QVERIFY2(!childNames(&model, variables).contains(QStringLiteral("wbtab")),
                 "a table is listed under Variables too");
        QVERIFY2(!childNames(&model, variables).contains(QStringLiteral("wbfn")),
                 "a function is listed under Variables too");
        // Views: listed, or (where the server refuses \b) q's error in its place, never blank
        if (views.data().toString().contains(QStringLiteral("not listed"))) {
            QVERIFY(hasMessageChild(&model, views, &message));
            QVERIFY2(message.contains(QStringLiteral("\\b")) && message.contains(QLatin1Char('\'')),
                     qPrintable(message));
        } else {
            QVERIFY2(views.data().toString().contains(QLatin1Char('(')),
                     qPrintable(views.data().toString()));
        }

        // a table: row count and meta (column, type letter and name)
        const QModelIndex wbtab = childNamed(&model, tables, QStringLiteral("wbtab"));
        fetchAndWait(&model, wbtab);
        QCOMPARE(wbtab.data(ExplorerModel::RowCountRole).toLongLong(), 3LL);
        QVERIFY2(wbtab.data().toString().contains(QStringLiteral("3 rows")),
                 qPrintable(wbtab.data().toString()));
        QCOMPARE(model.rowCount(wbtab), 2);
        QVERIFY(
            model.index(0, 0, wbtab).data().toString().startsWith(QStringLiteral("p  f float")));
        QVERIFY(
            model.index(1, 0, wbtab).data().toString().startsWith(QStringLiteral("s  s symbol")));

        // a function: its source
        const QModelIndex wbfn = childNamed(&model, functions, QStringLiteral("wbfn"));
        QSignalSpy source(&model, &ExplorerModel::sourceReady);
        model.fetchSource(wbfn);
        QTRY_COMPARE_WITH_TIMEOUT(source.size(), 1, 10000);
        QCOMPARE(source[0][1].toString(), QStringLiteral("{[x;y] x*y}"));

        // a namespace of the user's: its function and variable, where the server lists a
        // namespace's names (\f .ns, \v .ns) as kdb+ does
        const QModelIndex wbns = childNamed(&model, server, QStringLiteral(".wbns"));
        fetchAndWait(&model, wbns);
        const Value fns = q(id, "system \"f .wbns\"");
        const QModelIndex nsFunctions = category(&model, wbns, QStringLiteral("Functions"));
        QVERIFY(nsFunctions.isValid());
        if (fns.type() == Symbol && fns.count() == 1 && fns.symAt(0) == "f") {
            QCOMPARE(childNames(&model, nsFunctions), QStringList{QStringLiteral(".wbns.f")});
            const QModelIndex f = model.index(0, 0, nsFunctions);
            model.fetchSource(f);
            QTRY_COMPARE_WITH_TIMEOUT(source.size(), 2, 10000);
            QCOMPARE(source[1][1].toString(), QStringLiteral("{[a;b] a+b}"));
        } else {
            qWarning("the demo's \\f ignores its namespace argument (kdb+ gives ,`f for "
                     "system \"f .wbns\"): the .wbns listing is not checked");
        }
        QVERIFY(!hasMessageChild(&model, wbns, nullptr));

        // nothing the explorer sent assigned anything on the server (the locals of the old
        // listing lambda, s and t, are not globals)
        const Value leaked = q(id, "`s`t in key`.");
        QVERIFY(leaked.type() == Boolean && leaked.count() == 2);
        QVERIFY(!leaked.at<uint8_t>(0) && !leaked.at<uint8_t>(1));
        m_sessions->disconnectProfile(id);
    }

    void refreshDropsTheEarlierReply()
    {
        // Refresh while a listing is still on its way: only the new request's reply fills the
        // node; the earlier one, arriving after, must not replace the children under the user's
        // hands (a view holding an index to them would be left with a dangling one).
        const QString id = addProfile(QStringLiteral("Demo refresh"), m_demo->port());
        m_sessions->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_sessions->isOpen(id), 10000);
        ExplorerModel model(m_sessions.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QPersistentModelIndex server = model.serverIndex(id);
        QVERIFY(server.isValid());
        // The first key` request (the model tester may have asked already) ...
        if (model.canFetchMore(server)) model.fetchMore(server);
        QCOMPARE(model.rowCount(server), 0); // ... not answered yet
        model.refresh(server);               // and the second
        int removedUnderServer = 0;
        connect(&model, &QAbstractItemModel::rowsRemoved, this,
                [&](const QModelIndex &parent, int, int) {
                    if (parent == server) ++removedUnderServer;
                });
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount(server) > 0, 10000);
        const QPersistentModelIndex first = model.index(0, 0, server);
        QTest::qWait(300); // room for a late reply
        QCOMPARE(removedUnderServer, 0);
        QVERIFY(first.isValid());
        m_sessions->disconnectProfile(id);
    }

    // The view: the selected function's source highlighted by the q lexer, its name dragged
    // into an editor lands at the drop point, "Copy name" puts it on the clipboard, and the call
    // form is titled with the function and its parameters.
    void viewDragCopyHighlightCall()
    {
        const QString id = addProfile(QStringLiteral("DemoView"), m_demo->port());
        m_sessions->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_sessions->isOpen(id), 10000);
        QVERIFY(q(id, "wbview:{[price;qty] sum price*qty*2}; 1").rawInt() == 1);

        ExplorerView view(m_sessions.get());
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(420, 520);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        ExplorerModel *model = view.model();
        const QModelIndex server = model->serverIndex(id);
        fetchAndWait(model, server);
        const QModelIndex root = childNamed(model, server, QStringLiteral("."));
        fetchAndWait(model, root);
        const QModelIndex functions = category(model, root, QStringLiteral("Functions"));
        const QModelIndex fn = childNamed(model, functions, QStringLiteral("wbview"));
        QVERIFY(fn.isValid());
        view.tree()->expand(server);
        view.tree()->expand(root);
        view.tree()->expand(functions);
        view.tree()->setCurrentIndex(fn);

        // highlighted source: the lexer styled the keyword, the names and the number
        const QString src = QStringLiteral("{[price;qty] sum price*qty*2}");
        QTRY_COMPARE_WITH_TIMEOUT(view.sourceView()->text(), src, 10000);
        QsciScintilla *sv = view.sourceView();
        QVERIFY(sv->isReadOnly());
        QVERIFY(qobject_cast<QLexer *>(sv->lexer()));
        const auto styleAt = [sv](int pos) {
            return int(sv->SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, pos));
        };
        QTRY_COMPARE_WITH_TIMEOUT(styleAt(int(src.indexOf(QStringLiteral("sum")))),
                                  int(QLexer::Keyword), 5000);
        QCOMPARE(styleAt(int(src.indexOf(QStringLiteral("price")))), int(QLexer::Identifier));
        QCOMPARE(styleAt(int(src.lastIndexOf(QLatin1Char('2')))), int(QLexer::Number));
        QDir().mkpath(QStringLiteral("/work/shots"));
        QVERIFY(view.grab().save(QStringLiteral("/work/shots/explorer.png")));

        // drag: the qualified name as text; servers and categories do not drag
        QVERIFY(model->flags(fn) & Qt::ItemIsDragEnabled);
        QVERIFY(!(model->flags(server) & Qt::ItemIsDragEnabled));
        QVERIFY(!(model->flags(functions) & Qt::ItemIsDragEnabled));
        std::unique_ptr<QMimeData> mime(model->mimeData({fn}));
        QVERIFY(mime);
        QCOMPARE(mime->text(), QStringLiteral("wbview"));
        QVERIFY(model->mimeTypes().contains(QStringLiteral("text/plain")));

        // ... dropped into a q editor between "select " and " from t": inserted there
        QsciScintilla editor;
        editor.setText(QStringLiteral("select  from t"));
        editor.resize(400, 100);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const long dropPos = 7;
        const QPoint at(
            int(editor.SendScintilla(QsciScintillaBase::SCI_POINTXFROMPOSITION, 0UL, dropPos)),
            int(editor.SendScintilla(QsciScintillaBase::SCI_POINTYFROMPOSITION, 0UL, dropPos)) + 2);
        QWidget *vp = editor.viewport();
        QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &enter);
        QDragMoveEvent move(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &move);
        QDropEvent drop(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &drop);
        QCOMPARE(editor.text(), QStringLiteral("select wbview from t"));

        // copy name
        QGuiApplication::clipboard()->clear();
        view.copyName(fn);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("wbview"));

        // the call form names the function and its parameters
        view.callFunction(fn);
        CallFormDialog *form = view.findChild<CallFormDialog *>();
        QVERIFY(form);
        QCOMPARE(form->windowTitle(), QStringLiteral("Call wbview[price;qty]"));
        QCOMPARE(form->argumentEdits().size(), 2);
        form->reject();
        m_sessions->disconnectProfile(id);
    }

    void wrongRepliesShowInline()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.reply = [](const QByteArray &text) -> Value {
            if (text == "key`") return Value::symbols({"good", "bad"});
            if (text.contains("`.good")) // a listing whose \b is refused, as under -u
                return Value::dict(
                    Value::symbols({"t", "f", "v", "b"}),
                    Value::list({Value::symbols({"tt"}), Value::symbols({}),
                                 Value::symbols({"tt", "vv"}), Value::string("access")}));
            if (text.startsWith("(count")) return Value::symbols({"oops"});
            return Value::composite(Projection, {Value::lambda({}, "{x}"), Value::elided()});
        };
        const QString id = addProfile(QStringLiteral("Scripted"), server.port());
        m_sessions->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_sessions->isOpen(id), 10000);
        ExplorerModel model(m_sessions.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy failed(&model, &ExplorerModel::fetchFailed);
        const QModelIndex top = model.serverIndex(id);
        fetchAndWait(&model, top);
        QCOMPARE(childNames(&model, top), QStringList({QStringLiteral("."), QStringLiteral(".bad"),
                                                       QStringLiteral(".good")}));

        // a reply of the wrong shape (a projection, as a small interpreter gave for {..}[])
        const QModelIndex bad = childNamed(&model, top, QStringLiteral(".bad"));
        fetchAndWait(&model, bad);
        QString message;
        QVERIFY(hasMessageChild(&model, bad, &message));
        QVERIFY2(message.contains(QStringLiteral("unexpected reply")) &&
                     message.contains(QStringLiteral("not a dictionary")),
                 qPrintable(message));
        // and the failure is reported (for the message bar); the model tester may have
        // expanded other nodes meanwhile, so look for this one
        bool reported = false;
        for (const auto &args : failed)
            reported = reported || args[1].toString() == QLatin1String(".bad");
        QVERIFY(reported);

        // one listing refused: the others are shown, the refused one says so with q's word
        const QModelIndex good = childNamed(&model, top, QStringLiteral(".good"));
        fetchAndWait(&model, good);
        QCOMPARE(childNames(&model, category(&model, good, QStringLiteral("Tables"))),
                 QStringList{QStringLiteral(".good.tt")});
        QCOMPARE(childNames(&model, category(&model, good, QStringLiteral("Variables"))),
                 QStringList{QStringLiteral(".good.vv")});
        const QModelIndex views = category(&model, good, QStringLiteral("Views"));
        QVERIFY(views.data().toString().contains(QStringLiteral("not listed")));
        QVERIFY(hasMessageChild(&model, views, &message));
        QVERIFY2(message.contains(QStringLiteral("'access")), qPrintable(message));

        // table info of the wrong shape
        const QModelIndex tt = model.index(0, 0, category(&model, good, QStringLiteral("Tables")));
        fetchAndWait(&model, tt);
        QVERIFY(hasMessageChild(&model, tt, &message));
        QVERIFY2(message.contains(QStringLiteral("unexpected reply")), qPrintable(message));

        // Refresh asks again: a good reply then replaces the message
        server.reply = [](const QByteArray &) -> Value {
            return Value::dict(Value::symbols({"t", "f", "v", "b"}),
                               Value::list({Value::symbols({}), Value::symbols({"g"}),
                                            Value::symbols({}), Value::symbols({})}));
        };
        model.refresh(bad);
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount(bad) == 4, 10000);
        QVERIFY(!hasMessageChild(&model, bad, nullptr));
        QCOMPARE(childNames(&model, category(&model, bad, QStringLiteral("Functions"))),
                 QStringList{QStringLiteral(".bad.g")});
        m_sessions->disconnectProfile(id);
    }
};

QTEST_MAIN(TestExplorer)
#include "tst_explorer.moc"

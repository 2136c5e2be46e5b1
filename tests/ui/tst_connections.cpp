// Saved connections: JSON save/restore in the test config location, imports of Studio for kdb+
// (both file formats), qStudio (its serverlist XML and prefs.xml), CSV (RFC 4180 quoting) and
// host:port lists, bad files, colours to tags by hue, re-importing with each choice (through the
// connections dock and its dialog seam: one save), deleting a multi-selection and a folder with
// its connections (passwords forgotten), the tree model (with QAbstractItemModelTester) including
// drag and drop between folders, the dialog's validation, unix://PORT typed in the dialog and
// connected through the app's own path (ServerSessions) to a demo server on kdb+'s abstract
// socket, and the password store without a keychain service (nothing in plain text). Screenshots
// of the re-import dialog and of the tree with a multi-selection go to /work/shots when it exists.
#include "app/confirm.h"
#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordstore.h"
#include "connections/reimportdialog.h"
#include "connections/serverlistimporter.h"
#include "connections/serversessions.h"
#include "demo/demoserver.h"
#include "net/connectionargs.h"
#include "protocol/csv.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeView>
#include <QtTest>

using namespace qscope;

class TestConnections : public QObject
{
    Q_OBJECT

    /// QStringList from UTF-8 literals (the build forbids the implicit conversion).
    static QStringList strings(std::initializer_list<const char *> items)
    {
        QStringList out;
        for (const char *i : items)
            out << QString::fromUtf8(i);
        return out;
    }

    static ConnectionProfile make(const QString &name, const QString &folder = {}, int port = 5000)
    {
        ConnectionProfile p;
        p.name = name;
        p.folder = folder;
        p.port = port;
        return p;
    }

    /// The connections dock over a store, with no keychain (passwords in session memory).
    struct Dock
    {
        ConnectionManager manager;
        PasswordStore passwords{QStringLiteral("qscope-test")};
        ServerSessions sessions;
        ConnectionsView view;
        explicit Dock(ConnectionStore *store)
            : sessions(&manager, store, &passwords), view(&sessions)
        {
            passwords.setKeychainEnabled(false);
        }
    };

    static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &b)
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(b);
        return path;
    }

    /// Imports through the dock (worker thread, then the GUI thread); returns the summary.
    static QString importThrough(ConnectionsView &view, const QString &path)
    {
        QSignalSpy done(&view, &ConnectionsView::importFinished);
        view.importFile(path);
        if (!done.wait(20000)) return QStringLiteral("(no answer)");
        return done[0][0].toString();
    }

    static void shoot(QWidget *w, const QString &name)
    {
        // /work/shots is where the team looks at screenshots; elsewhere the build tree
        QString dir = QStringLiteral("/work/shots");
        if (!QFileInfo(dir).isDir()) dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/shots");
        QDir().mkpath(dir);
        const QImage img = w->grab().toImage();
        QVERIFY(!img.isNull());
        QVERIFY(img.save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
    }

    static const QByteArray &studioThree()
    {
        static const QByteArray props = "version=1.3\n"
                                        "serverTree.0folder=Prod\n"
                                        "serverTree.0.0=rdb\n"
                                        "serverTree.0.1=hdb\n"
                                        "serverTree.1=local\n"
                                        "server.0.host=rdb.example.com\n"
                                        "server.0.port=5011\n"
                                        "server.0.user=bob\n"
                                        "server.0.password=filepw\n"
                                        "server.0.backgroundColor=ffcccc\n"
                                        "server.1.host=hdb.example.com\n"
                                        "server.1.port=5012\n"
                                        "server.2.host=localhost\n"
                                        "server.2.port=5000\n";
        return props;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_connections"));
        QFile::remove(ConnectionStore::defaultPath());
    }

    void saveAndRestore()
    {
        const QString path = ConnectionStore::defaultPath();
        QVERIFY2(path.contains(QStringLiteral("qttest")), qPrintable(path));
        {
            ConnectionStore store;
            QCOMPARE(store.load(path), QString()); // missing file: empty, no error
            ConnectionProfile p =
                make(QStringLiteral("London RDB"), QStringLiteral("Prod/London"), 5011);
            p.host = QStringLiteral("rdb.example.com");
            p.tag = QStringLiteral("prod");
            p.user = QStringLiteral("alice");
            p.tls = true;
            p.trustedCertSha256 = QByteArray(32, '\x5a');
            p.reconnectAttempts = -1;
            p.queryTimeoutMs = 30000;
            store.add(p);
            ConnectionProfile u = make(QStringLiteral("sock"));
            u.unixSocket = QStringLiteral("@/tmp/kx.5000");
            store.add(u);
            store.addFolder(QStringLiteral("Empty/Folder"));
            QCOMPARE(store.lastSaveError(), QString());
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY(json.contains("\"London RDB\"")); // readable
        QVERIFY(json.contains("\n"));             // indented
        QVERIFY(!json.contains("\"password\""));

        ConnectionStore again;
        QCOMPARE(again.load(path), QString());
        QCOMPARE(again.profiles().size(), 2);
        const ConnectionProfile *p = again.findByName(QStringLiteral("London RDB"));
        QVERIFY(p);
        QCOMPARE(p->host, QStringLiteral("rdb.example.com"));
        QCOMPARE(p->port, 5011);
        QCOMPARE(p->folder, QStringLiteral("Prod/London"));
        QCOMPARE(p->tag, QStringLiteral("prod"));
        QCOMPARE(p->user, QStringLiteral("alice"));
        QVERIFY(p->tls);
        QCOMPARE(p->trustedCertSha256, QByteArray(32, '\x5a'));
        QCOMPARE(p->reconnectAttempts, -1);
        QCOMPARE(p->queryTimeoutMs, 30000);
        QCOMPARE(again.findByName(QStringLiteral("sock"))->unixSocket,
                 QStringLiteral("@/tmp/kx.5000"));
        QVERIFY(again.folders().contains(QStringLiteral("Empty/Folder")));
        QVERIFY(again.folders().contains(QStringLiteral("Prod")));
        const ConnectionOptions o = p->toOptions(QStringLiteral("pw"));
        QCOMPARE(o.address.port, quint16(5011));
        QCOMPARE(o.password, QStringLiteral("pw"));
        QCOMPARE(o.reconnect.attempts, -1);
    }

    void brokenFileIsKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ \"connections\": [ {\"name\": ");
        f.close();
        ConnectionStore store;
        const QString err = store.load(path);
        QVERIFY2(err.contains(QStringLiteral("JSON")), qPrintable(err));
        QCOMPARE(store.profiles().size(), 0);
        store.add(make(QStringLiteral("new")));
        QVERIFY(QFile::exists(path + QStringLiteral(".unreadable")));
    }

    void editOperations()
    {
        ConnectionStore store; // no file
        const QString a = store.add(make(QStringLiteral("a")));
        const QString a2 = store.add(make(QStringLiteral("a")));
        QCOMPARE(store.profile(a2)->name, QStringLiteral("a (2)"));
        const QString dup = store.duplicate(a);
        QVERIFY(!dup.isEmpty() && dup != a);
        QCOMPARE(store.profile(dup)->name, QStringLiteral("a copy"));
        QVERIFY(store.moveToFolder(a, QStringLiteral(" X / Y ")));
        QCOMPARE(store.profile(a)->folder, QStringLiteral("X/Y"));
        store.renameFolder(QStringLiteral("X"), QStringLiteral("Z"));
        QCOMPARE(store.profile(a)->folder, QStringLiteral("Z/Y"));
        store.removeFolder(QStringLiteral("Z"));
        QCOMPARE(store.profile(a)->folder, QStringLiteral("Y"));
        QVERIFY(store.remove(a));
        QVERIFY(!store.profile(a));
        QVERIFY(!store.remove(a));
    }

    void importStudioTree()
    {
        const QByteArray props = "#Auto-generated by Studio for kdb+\n"
                                 "version=1.3\n"
                                 "serverTree.0=local\n"
                                 "serverTree.1folder=Prod\n"
                                 "serverTree.1.0=rdb\n"
                                 "serverTree.1.1folder=London\n"
                                 "serverTree.1.1.0=hdb\n"
                                 "server.0.host=localhost\n"
                                 "server.0.port=5010\n"
                                 "server.0.user=\n"
                                 "server.0.password=\n"
                                 "server.0.backgroundColor=ffffff\n"
                                 "server.1.host=rdb.example.com\n"
                                 "server.1.port=5011\n"
                                 "server.1.user=bob\n"
                                 "server.1.password=s3cr\\=t\n"
                                 "server.1.backgroundColor=ff6666\n"
                                 "server.1.useTLS=true\n"
                                 "server.2.host=hdb.example.com\n"
                                 "server.2.port=5012\n"
                                 "server.2.user=carol\n";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("studio.properties"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(props);
        f.close();
        const ServerListImport r = ServerListImporter::importFile(path);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("Studio for kdb+"));
        QCOMPARE(r.profiles.size(), 3);
        QCOMPARE(r.profiles[0].name, QStringLiteral("local"));
        QCOMPARE(r.profiles[0].folder, QString());
        QCOMPARE(r.profiles[1].name, QStringLiteral("rdb"));
        QCOMPARE(r.profiles[1].folder, QStringLiteral("Prod"));
        QCOMPARE(r.profiles[1].host, QStringLiteral("rdb.example.com"));
        QCOMPARE(r.profiles[1].port, 5011);
        QCOMPARE(r.profiles[1].user, QStringLiteral("bob"));
        QVERIFY(r.profiles[1].tls);
        QCOMPARE(r.profiles[1].tag, QStringLiteral("prod"));
        QCOMPARE(r.passwords.value(r.profiles[1].id), QStringLiteral("s3cr=t"));
        QCOMPARE(r.profiles[2].folder, QStringLiteral("Prod/London"));
        QCOMPARE(r.profiles[2].port, 5012);
        QVERIFY(!r.passwords.contains(r.profiles[0].id));
    }

    void importStudioOldFormat()
    {
        const QByteArray props = "Servers=dev1,broken\n"
                                 "server.dev1.host=devbox\n"
                                 "server.dev1.port=7000\n"
                                 "server.broken.host=x\n"
                                 "server.broken.port=notaport\n";
        const ServerListImport r = ServerListImporter::parse(props, ServerListImporter::Auto);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.profiles.size(), 1);
        QCOMPARE(r.profiles[0].name, QStringLiteral("dev1"));
        QCOMPARE(r.profiles[0].port, 7000);
        QCOMPARE(r.warnings.size(), 1);
        QVERIFY(r.warnings[0].contains(QStringLiteral("broken")));
    }

    void importQStudio()
    {
        // qStudio's own XML (see tests/ui/data/README.md for where the format comes from)
        const QString dataDir = QStringLiteral(QSCOPE_SOURCE_DIR "/tests/ui/data/");
        ServerListImport r =
            ServerListImporter::importFile(dataDir + QStringLiteral("qstudio-serverlist.xml"));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("qStudio"));
        QCOMPARE(r.profiles.size(), 4);
        QCOMPARE(r.profiles[0].name, QStringLiteral("localhost:5000"));
        QCOMPARE(r.profiles[0].folder, QString());
        QCOMPARE(r.profiles[0].tag, QString());              // clr -1: white, no colour
        QCOMPARE(r.profiles[1].name, QStringLiteral("rdb")); // "Prod/EU/rdb": folders first
        QCOMPARE(r.profiles[1].folder, QStringLiteral("Prod/EU"));
        QCOMPARE(r.profiles[1].host, QStringLiteral("rdb.example.com"));
        QCOMPARE(r.profiles[1].port, 5011);
        QCOMPARE(r.profiles[1].user, QStringLiteral("alice"));
        QCOMPARE(r.profiles[1].tag, QStringLiteral("prod")); // clr -39322 = #ff6666
        QCOMPARE(r.passwords.value(r.profiles[1].id), QStringLiteral("s3cr&t"));
        QCOMPARE(r.profiles[2].name, QStringLiteral("hdb")); // "Dev//hdb/" cleaned as qStudio does
        QCOMPARE(r.profiles[2].folder, QStringLiteral("Dev"));
        QCOMPARE(r.profiles[2].tag, QStringLiteral("dev")); // clr -10027060 = #66ffcc
        QVERIFY(!r.passwords.contains(r.profiles[2].id));
        QCOMPARE(r.profiles[3].name, QStringLiteral("tp")); // the old separate folder attribute
        QCOMPARE(r.profiles[3].folder, QStringLiteral("Old/Style"));
        QCOMPARE(r.warnings.size(), 1); // the Postgres entry
        QVERIFY(r.warnings[0].contains(QStringLiteral("POSTGRES")));

        // qStudio's Java preferences, the list deflated, base64-encoded and split over slots
        r = ServerListImporter::importFile(dataDir + QStringLiteral("qstudio-prefs.xml"));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("qStudio"));
        QCOMPARE(r.profiles.size(), 500);
        QCOMPARE(r.profiles[0].name, QStringLiteral("rdb"));
        QCOMPARE(r.profiles[0].folder, QStringLiteral("Prod"));
        QCOMPARE(r.profiles[0].tag, QStringLiteral("prod"));
        QCOMPARE(r.passwords.value(r.profiles[0].id), QStringLiteral("pw1"));
        QCOMPARE(r.profiles[499].name, QStringLiteral("node498"));
        QCOMPARE(r.profiles[499].folder, QStringLiteral("Farm"));

        // a cut-off preferences value says so, it does not import half a list
        QFile f(dataDir + QStringLiteral("qstudio-prefs.xml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray cut = f.readAll();
        cut.replace("key=\"CONNECTIONS0\"", "key=\"OTHER\"");
        r = ServerListImporter::parse(cut, ServerListImporter::Auto);
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains(QStringLiteral("qStudio")), qPrintable(r.error));

        // a CSV with a header (not a qStudio format, but a common spreadsheet export)
        const QByteArray csv = "name,host,port,username\nhdb,hh,6000,me\n,nameless,6001,\n";
        r = ServerListImporter::parse(csv, ServerListImporter::Auto);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("CSV list"));
        QCOMPARE(r.profiles.size(), 2);
        QCOMPARE(r.profiles[1].name, QStringLiteral("nameless:6001"));

        r = ServerListImporter::parse("<serverlist><ServerConfig>", ServerListImporter::QStudio);
        QVERIFY(!r.ok());
        r = ServerListImporter::parse("PK\3\4zipped", ServerListImporter::Auto);
        QVERIFY(!r.ok());
        QVERIFY(r.error.contains(QStringLiteral("app.xml")));
    }

    void tagForColour_data()
    {
        QTest::addColumn<QString>("colour");
        QTest::addColumn<QString>("tag");
        // reds, pale to full, and pinks: production (#ffcccc is Studio users' usual marker)
        QTest::newRow("pastel red") << "ffcccc"
                                    << "prod";
        QTest::newRow("light red") << "ff6666"
                                   << "prod";
        QTest::newRow("red") << "ff0000"
                             << "prod";
        QTest::newRow("faint pink") << "ffe6e6"
                                    << "prod";
        QTest::newRow("pink") << "ffc0cb"
                              << "prod";
        QTest::newRow("dark red") << "8b0000"
                                  << "prod";
        QTest::newRow("with #") << "#FFCCCC"
                                << "prod";
        QTest::newRow("with alpha") << "ffffcccc"
                                    << "prod";
        // oranges, ambers, yellows: uat
        QTest::newRow("moccasin") << "ffe4b5"
                                  << "uat";
        QTest::newRow("amber") << "ffbf00"
                               << "uat";
        QTest::newRow("orange") << "ffcc66"
                                << "uat";
        QTest::newRow("pale yellow") << "ffff99"
                                     << "uat";
        // greens to teal: dev
        QTest::newRow("pale green") << "ccffcc"
                                    << "dev";
        QTest::newRow("light green") << "90ee90"
                                     << "dev";
        QTest::newRow("mint") << "66ffcc"
                              << "dev";
        // no shared meaning, or no colour at all: no tag
        QTest::newRow("light blue") << "add8e6"
                                    << "";
        QTest::newRow("lavender") << "ccccff"
                                  << "";
        QTest::newRow("cyan") << "ccffff"
                              << "";
        QTest::newRow("white") << "ffffff"
                               << "";
        QTest::newRow("light grey") << "f0f0f0"
                                    << "";
        QTest::newRow("ivory") << "fffff0"
                               << "";
        QTest::newRow("black") << "000000"
                               << "";
        QTest::newRow("not hex") << "tomato"
                                 << "";
        QTest::newRow("short") << "fcc"
                               << "";
    }

    void tagForColour()
    {
        QFETCH(QString, colour);
        QFETCH(QString, tag);
        QCOMPARE(ServerListImporter::tagForColourText(colour), tag);
        QVERIFY(tag.isEmpty() || ConnectionProfile::tags().contains(tag)); // a tag the app knows
        // the same through Studio's file
        const QByteArray props = "serverTree.0=s\nserver.0.host=h\nserver.0.port=5000\n"
                                 "server.0.backgroundColor=" +
                                 colour.toLatin1() + "\n";
        const ServerListImport r = ServerListImporter::parse(props, ServerListImporter::Studio);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.profiles.value(0).tag, tag);
    }

    void csvReader()
    {
        CsvTable t = parseCsv(u"a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",,x\n");
        QVERIFY2(t.ok(), qPrintable(t.error));
        QCOMPARE(t.records.size(), 2); // the blank line is left out
        QCOMPARE(t.records[0], strings({"a", "b,c", "say \"hi\""}));
        QCOMPARE(t.records[1], strings({"two\nlines", "", "x"}));
        const QString withBom = QString(QChar(0xfeff)) + QStringLiteral("h1,h2\nv1,");
        t = parseCsv(withBom);
        QCOMPARE(t.records, (QList<QStringList>{strings({"h1", "h2"}), strings({"v1", ""})}));
        t = parseCsv(u"ok,1\n\"never closed,2\n3,4\n");
        QVERIFY(!t.ok());
        QVERIFY2(t.error.contains(QStringLiteral("line 2")), qPrintable(t.error));
        QCOMPARE(t.records.size(), 1);
        t = parseCsv(u"a\tb \"c\"\t d", QLatin1Char('\t'));
        QCOMPARE(t.records.value(0), strings({"a", "b \"c\"", " d"}));
    }

    void importCsvQuoted()
    {
        // a spreadsheet's export: quoted names and passwords holding commas, quotes, a newline
        const QByteArray csv =
            "name,host,port,username,password,folder\r\n"
            "\"London, RDB\",rdb.example.com,5011,alice,\"p,w\"\"1\",\"Prod, EU\"\r\n"
            "plain,hh,6000,me,simple,\r\n"
            "\"multi\nline\",mm,6001,,\" spaced \",\r\n";
        const ServerListImport r = ServerListImporter::parse(csv, ServerListImporter::Auto);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("CSV list"));
        QCOMPARE(r.profiles.size(), 3);
        QCOMPARE(r.profiles[0].name, QStringLiteral("London, RDB"));
        QCOMPARE(r.profiles[0].host, QStringLiteral("rdb.example.com"));
        QCOMPARE(r.profiles[0].port, 5011);
        QCOMPARE(r.profiles[0].user, QStringLiteral("alice"));
        QCOMPARE(r.profiles[0].folder, QStringLiteral("Prod, EU"));
        QCOMPARE(r.passwords.value(r.profiles[0].id), QStringLiteral("p,w\"1"));
        QCOMPARE(r.profiles[1].name, QStringLiteral("plain"));
        QCOMPARE(r.passwords.value(r.profiles[1].id), QStringLiteral("simple"));
        QCOMPARE(r.profiles[2].name, QStringLiteral("multi\nline"));
        QCOMPARE(r.passwords.value(r.profiles[2].id), QStringLiteral(" spaced ")); // as quoted
        // an unterminated quote fails the file with its line, it does not import half of it
        const ServerListImport bad = ServerListImporter::parse("name,host,port\n\"open,h,5000\n",
                                                               ServerListImporter::QStudio);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error.contains(QStringLiteral("line 2")), qPrintable(bad.error));
    }

    void reimport_data()
    {
        QTest::addColumn<int>("choice"); // -1: cancel
        QTest::newRow("merge") << int(ReimportChoice::Merge);
        QTest::newRow("skip") << int(ReimportChoice::Skip);
        QTest::newRow("duplicate") << int(ReimportChoice::Duplicate);
        QTest::newRow("cancel") << -1;
    }

    void reimport()
    {
        QFETCH(int, choice);
        QTemporaryDir dir;
        ConnectionStore store;
        QCOMPARE(store.load(dir.filePath(QStringLiteral("connections.json"))), QString());
        Dock dock(&store);
        const QString path = writeFile(dir, QStringLiteral("studio.properties"), studioThree());
        const int asked = ReimportDialog::askedCount();
        QString summary = importThrough(dock.view, path);
        QVERIFY2(summary.contains(QStringLiteral("Imported 3")), qPrintable(summary));
        QCOMPARE(ReimportDialog::askedCount(), asked); // nothing was there: no question
        QCOMPARE(store.profiles().size(), 3);
        const ConnectionProfile rdb = *store.findByName(QStringLiteral("rdb"));
        QCOMPARE(rdb.tag, QStringLiteral("prod"));
        QCOMPARE(dock.passwords.sessionPassword(rdb.id).value_or(QString()),
                 QStringLiteral("filepw"));

        // the user edits one entry (its address and their own timeout and tag), and the
        // password changed since; then imports the same file again, plus one new entry
        ConnectionProfile edited = rdb;
        edited.host = QStringLiteral("moved.example.com");
        edited.queryTimeoutMs = 42000;
        store.update(edited);
        dock.passwords.rememberForSession(rdb.id, QStringLiteral("newer"));
        QByteArray again = studioThree();
        again.replace("serverTree.1=local\n", "serverTree.1=local\nserverTree.2=fresh\n");
        again += "server.3.host=fresh.example.com\nserver.3.port=7000\n";
        const QString path2 = writeFile(dir, QStringLiteral("again.properties"), again);

        QSignalSpy changed(&store, &ConnectionStore::changed);
        if (choice < 0)
            ReimportDialog::setNextAnswer(std::nullopt);
        else
            ReimportDialog::setNextAnswer(ReimportChoice(choice));
        summary = importThrough(dock.view, path2);
        QCOMPARE(ReimportDialog::askedCount(), asked + 1);
        const ConnectionProfile *now = store.profile(rdb.id);
        QVERIFY(now);
        if (choice < 0) {
            QVERIFY2(summary.contains(QStringLiteral("cancelled")), qPrintable(summary));
            QCOMPARE(store.profiles().size(), 3);
            QCOMPARE(changed.size(), 0);
            QCOMPARE(now->host, QStringLiteral("moved.example.com"));
            return;
        }
        QCOMPARE(changed.size(), 1); // one batch: one save, one tree rebuild
        QVERIFY(store.findByName(QStringLiteral("fresh")));
        switch (ReimportChoice(choice)) {
        case ReimportChoice::Merge:
            QCOMPARE(store.profiles().size(), 4);
            QCOMPARE(now->host, QStringLiteral("rdb.example.com")); // the file's address
            QCOMPARE(now->queryTimeoutMs, 42000);                   // the user's own setting
            QCOMPARE(dock.passwords.sessionPassword(rdb.id).value_or(QString()),
                     QStringLiteral("filepw"));
            QVERIFY2(summary.contains(QStringLiteral("updated 3")), qPrintable(summary));
            break;
        case ReimportChoice::Skip:
            QCOMPARE(store.profiles().size(), 4);
            QCOMPARE(now->host, QStringLiteral("moved.example.com"));
            QCOMPARE(dock.passwords.sessionPassword(rdb.id).value_or(QString()),
                     QStringLiteral("newer"));
            QVERIFY2(summary.contains(QStringLiteral("left 3")), qPrintable(summary));
            break;
        case ReimportChoice::Duplicate:
            QCOMPARE(store.profiles().size(), 7);
            QVERIFY(store.findByName(QStringLiteral("rdb (2)")));
            QCOMPARE(now->host, QStringLiteral("moved.example.com"));
            QCOMPARE(dock.passwords.sessionPassword(store.findByName(QStringLiteral("rdb (2)"))->id)
                         .value_or(QString()),
                     QStringLiteral("filepw"));
            break;
        }
        // what was written is what the store holds (one save, after the batch)
        ConnectionStore reread;
        QCOMPARE(reread.load(store.path()), QString());
        QCOMPARE(reread.profiles().size(), store.profiles().size());
    }

    void reimportPlanDirect()
    {
        // the importer's API alone: plan() against a list, for each choice
        ServerListImport file = ServerListImporter::parse(studioThree(), ServerListImporter::Auto);
        QVERIFY2(file.ok(), qPrintable(file.error));
        QList<ConnectionProfile> existing;
        ConnectionProfile old = make(QStringLiteral("rdb"), QStringLiteral(" Prod / "), 1);
        old.id = QStringLiteral("old-id");
        old.tag = QStringLiteral("uat");
        existing << old << make(QStringLiteral("elsewhere"));
        QCOMPARE(ServerListImporter::alreadyListed(file, existing),
                 QStringList{QStringLiteral("Prod/rdb")});
        ImportPlan p = ServerListImporter::plan(file, existing, ReimportChoice::Merge);
        QCOMPARE(p.toAdd.size(), 2);
        QCOMPARE(p.toUpdate.size(), 1);
        QCOMPARE(p.toUpdate[0].id, QStringLiteral("old-id"));
        QCOMPARE(p.toUpdate[0].port, 5011);
        QCOMPARE(p.toUpdate[0].tag, QStringLiteral("prod")); // the file's colour
        QCOMPARE(p.passwords.value(QStringLiteral("old-id")), QStringLiteral("filepw"));
        p = ServerListImporter::plan(file, existing, ReimportChoice::Skip);
        QCOMPARE(p.toAdd.size(), 2);
        QCOMPARE(p.skipped, 1);
        QVERIFY(p.toUpdate.isEmpty());
        QVERIFY(!p.passwords.contains(QStringLiteral("old-id")));
        p = ServerListImporter::plan(file, existing, ReimportChoice::Duplicate);
        QCOMPARE(p.toAdd.size(), 3);
        QCOMPARE(p.passwords.size(), 1);
    }

    void reimportDialogScreenshot()
    {
        ReimportDialog dialog(
            {QStringLiteral("Prod/rdb"), QStringLiteral("Prod/hdb"), QStringLiteral("local")}, 4,
            QStringLiteral("Studio for kdb+"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.choice(), ReimportChoice::Merge); // the default
        shoot(&dialog, QStringLiteral("reimport-dialog"));
    }

    void multiSelectDelete()
    {
        ConnectionStore store;
        Dock dock(&store);
        const QString a = store.add(make(QStringLiteral("a")));
        const QString b = store.add(make(QStringLiteral("b")));
        const QString keep = store.add(make(QStringLiteral("keep")));
        const QString inF = store.add(make(QStringLiteral("inF"), QStringLiteral("F")));
        const QString deep = store.add(make(QStringLiteral("deep"), QStringLiteral("F/G")));
        const QString other = store.add(make(QStringLiteral("other"), QStringLiteral("Other")));
        for (const QString &id : {a, b, inF, deep, keep})
            dock.passwords.store(id, QStringLiteral("pw-") + id);
        dock.view.resize(320, 360);
        dock.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock.view));
        QTreeView *tree = dock.view.tree();
        QCOMPARE(tree->selectionMode(), QAbstractItemView::ExtendedSelection);
        ConnectionModel *model = dock.view.model();
        QItemSelection sel;
        for (const QModelIndex &i : {model->indexOfProfile(a), model->indexOfProfile(b),
                                     model->indexOfFolder(QStringLiteral("F"))})
            sel.select(i, i);
        tree->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
        QCOMPARE(dock.view.selectedProfiles().size(), 2);
        QCOMPARE(dock.view.selectedFolders(), QStringList{QStringLiteral("F")});
        shoot(&dock.view, QStringLiteral("connections-multiselect"));

        const int asked = Confirm::askedCount();
        QSignalSpy changed(&store, &ConnectionStore::changed);
        Confirm::setNextAnswer(Confirm::No);
        QVERIFY(!dock.view.deleteSelection());
        QCOMPARE(store.profiles().size(), 6);
        QCOMPARE(changed.size(), 0);

        // the Delete key on the tree asks once and deletes the whole selection in one batch
        Confirm::setNextAnswer(Confirm::Yes);
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_Delete);
        QTRY_COMPARE(store.profiles().size(), 2);
        QCOMPARE(Confirm::askedCount(), asked + 2);
        QCOMPARE(changed.size(), 1);
        for (const QString &gone : {a, b, inF, deep}) {
            QVERIFY(!store.profile(gone));
            QVERIFY(!dock.passwords.sessionPassword(gone)); // the secret went with it
        }
        QVERIFY(store.profile(keep));
        QVERIFY(store.profile(other));
        QCOMPARE(dock.passwords.sessionPassword(keep).value_or(QString()),
                 QStringLiteral("pw-") + keep);
        QVERIFY(!store.folders().contains(QStringLiteral("F")));
        QVERIFY(!store.folders().contains(QStringLiteral("F/G")));
        QVERIFY(!model->indexOfFolder(QStringLiteral("F")).isValid());
    }

    void removeFolderWithConnections()
    {
        ConnectionStore store;
        Dock dock(&store);
        store.addFolder(QStringLiteral("Prod/Empty"));
        const QString r1 = store.add(make(QStringLiteral("r1"), QStringLiteral("Prod")));
        const QString r2 = store.add(make(QStringLiteral("r2"), QStringLiteral("Prod/London")));
        const QString near = store.add(make(QStringLiteral("near"), QStringLiteral("Production")));
        const QString top = store.add(make(QStringLiteral("top")));
        dock.passwords.store(r2, QStringLiteral("secret"));
        Confirm::setNextAnswer(Confirm::No);
        QVERIFY(!dock.view.removeFolderWithConnections(QStringLiteral("Prod")));
        QVERIFY(store.profile(r1));
        Confirm::setNextAnswer(Confirm::Yes);
        QVERIFY(dock.view.removeFolderWithConnections(QStringLiteral("Prod")));
        QVERIFY(!store.profile(r1));
        QVERIFY(!store.profile(r2));
        QVERIFY(!dock.passwords.sessionPassword(r2));
        QVERIFY(store.profile(near)); // "Production" is not inside "Prod"
        QVERIFY(store.profile(top));
        QCOMPARE(store.folders(), QStringList{QStringLiteral("Production")});
        // the store's own call, and the top level is not a folder to remove
        QCOMPARE(store.removeFolderWithConnections(QStringLiteral("Production")), 1);
        QCOMPARE(store.removeFolderWithConnections(QString()), 0);
        QCOMPARE(store.profiles().size(), 1);
    }

    void unixSocketNames_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("name"); // empty: not a socket
        QTest::newRow("unix://PORT") << "unix://5030"
                                     << "@/tmp/kx.5030";
        QTest::newRow("PORT") << " 5030 "
                              << "@/tmp/kx.5030";
        QTest::newRow("abstract") << "@/tmp/kx.5030"
                                  << "@/tmp/kx.5030";
        QTest::newRow("unix://@name") << "unix://@qsock"
                                      << "@qsock";
        QTest::newRow("path") << "/run/q.sock"
                              << "/run/q.sock";
        QTest::newRow("unix:///path") << "unix:///run/q.sock"
                                      << "/run/q.sock";
        QTest::newRow("port 0") << "unix://0"
                                << "";
        QTest::newRow("port too big") << "unix://70000"
                                      << "";
        QTest::newRow("words") << "unix://abc"
                               << "";
        QTest::newRow("relative") << "kx.5030"
                                  << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void unixSocketNames()
    {
        QFETCH(QString, typed);
        QFETCH(QString, name);
        QString why;
        const auto got = unixSocketName(typed, &why);
        QCOMPARE(got.value_or(QString()), name);
        QCOMPARE(why.isEmpty(), !name.isEmpty());
        ConnectionProfile p = make(QStringLiteral("s"));
        p.unixSocket = typed;
        if (typed.trimmed().isEmpty()) return;
        QCOMPARE(p.validate().isEmpty(), !name.isEmpty());
        if (!name.isEmpty()) QCOMPARE(p.toOptions({}).address.unixSocket, name);
    }

    void unixPortThroughTheApp()
    {
        // the demo server listens on kdb+'s abstract socket @/tmp/kx.PORT, as q -p PORT does
        DemoServer demo;
        DemoOptions o;
        o.port = 0;
        o.bindAddress = QStringLiteral("127.0.0.1");
        o.unixSocket = true;
        o.feed = false;
        QString error;
        QVERIFY2(demo.start(o, &error), qPrintable(error));
        const QString typed = QStringLiteral("unix://%1").arg(demo.port());

        // typed into the dialog's socket field, as a user would
        ConnectionDialog dialog(ConnectionProfile(), {}, QString());
        dialog.nameEdit()->setText(QStringLiteral("over unix"));
        dialog.unixRadio()->setChecked(true);
        dialog.socketEdit()->setText(typed);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        ConnectionProfile p = dialog.profile();
        QCOMPARE(p.unixSocket, QStringLiteral("@/tmp/kx.%1").arg(demo.port()));
        QCOMPARE(p.addressText(), typed);

        // or pasted whole into the host field
        ConnectionDialog pasted(ConnectionProfile(), {}, QString());
        pasted.nameEdit()->setText(QStringLiteral("pasted"));
        pasted.hostEdit()->setText(typed);
        Q_EMIT pasted.hostEdit()->editingFinished();
        QVERIFY(pasted.unixRadio()->isChecked());
        QCOMPARE(pasted.profile().unixSocket, p.unixSocket);
        pasted.unixRadio()->setChecked(false);
        pasted.hostEdit()->setText(QStringLiteral("tls://db.example.com:5001"));
        Q_EMIT pasted.hostEdit()->editingFinished();
        QCOMPARE(pasted.profile().host, QStringLiteral("db.example.com"));
        QCOMPARE(pasted.profile().port, 5001);
        QVERIFY(pasted.profile().tls);

        // a saved file written by hand with the typed form connects as well
        ConnectionStore store;
        ConnectionProfile typedAsIs = p;
        typedAsIs.name = QStringLiteral("typed as is");
        typedAsIs.unixSocket = typed;
        const QString ids[] = {store.add(p), store.add(typedAsIs)};
        ConnectionManager manager;
        PasswordStore passwords(QStringLiteral("qscope-test"));
        passwords.setKeychainEnabled(false);
        ServerSessions sessions(&manager, &store, &passwords);
        for (const QString &id : ids) {
            sessions.connectProfile(id); // the app's own connect path
            QTRY_COMPARE_WITH_TIMEOUT(sessions.state(id), ConnectionState::Open, 10000);
            // what the server saw: a Unix domain socket ('u' in -38!)
            QSignalSpy results(&manager, &ConnectionManager::resultReady);
            const RequestId rid = manager.query(sessions.connectionOf(id), "(-38!.z.w)`f");
            QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty(), 10000);
            const QueryResult r = results[0][0].value<QueryResult>();
            QCOMPARE(r.id, rid);
            QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
            QCOMPARE(r.value.symbolValue(), QByteArray("u"));
            sessions.disconnectProfile(id);
        }
        demo.stop();
    }

    void importQPadList()
    {
        const QByteArray list = "# my servers\n"
                                "Prod\\London\\rdb  `:rdb.example.com:5011:alice:pw:with:colons\n"
                                "local = `:localhost:5000\n"
                                ":5002\n"
                                "garbage line without port\n";
        const ServerListImport r = ServerListImporter::parse(list, ServerListImporter::Auto);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.profiles.size(), 3);
        QCOMPARE(r.profiles[0].name, QStringLiteral("rdb"));
        QCOMPARE(r.profiles[0].folder, QStringLiteral("Prod/London"));
        QCOMPARE(r.profiles[0].user, QStringLiteral("alice"));
        QCOMPARE(r.passwords.value(r.profiles[0].id), QStringLiteral("pw:with:colons"));
        QCOMPARE(r.profiles[1].name, QStringLiteral("local"));
        QCOMPARE(r.profiles[2].host, QStringLiteral("localhost"));
        QCOMPARE(r.profiles[2].port, 5002);
        QCOMPARE(r.warnings.size(), 1);
    }

    void importUnixHandles()
    {
        // a host:port list may name kdb+'s Unix socket as the CLI takes it: unix://PORT
        const QByteArray list = "local-sock unix://5030:me:p:w\n"
                                "`:unix://5031\n"
                                "bad unix://0\n";
        const ServerListImport r = ServerListImporter::parse(list, ServerListImporter::QPad);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.profiles.size(), 2);
        QCOMPARE(r.profiles[0].name, QStringLiteral("local-sock"));
        QCOMPARE(r.profiles[0].unixSocket, QStringLiteral("@/tmp/kx.5030"));
        QCOMPARE(r.profiles[0].user, QStringLiteral("me"));
        QCOMPARE(r.passwords.value(r.profiles[0].id), QStringLiteral("p:w"));
        QCOMPARE(r.profiles[1].name, QStringLiteral("unix://5031")); // named by its address
        QCOMPARE(r.profiles[1].toOptions({}).address.unixSocket, QStringLiteral("@/tmp/kx.5031"));
        QCOMPARE(r.warnings.size(), 1);
    }

    void importGarbage()
    {
        QByteArray junk;
        for (int i = 0; i < 2000; ++i)
            junk.append(char((i * 131) % 256));
        for (auto fmt :
             {ServerListImporter::Auto, ServerListImporter::Studio, ServerListImporter::QStudio,
              ServerListImporter::QPad, ServerListImporter::Qscope}) {
            const ServerListImport r = ServerListImporter::parse(junk, fmt);
            for (const auto &p : r.profiles) // whatever came out is usable
                QVERIFY(p.validate().isEmpty());
        }
        QVERIFY(!ServerListImporter::parse(junk, ServerListImporter::Studio).ok());
        QVERIFY(!ServerListImporter::parse(junk, ServerListImporter::Qscope).ok());
        QVERIFY(!ServerListImporter::importFile(QStringLiteral("/nonexistent/x.properties")).ok());
    }

    void exportLeavesPasswordsOut()
    {
        ConnectionStore store;
        ConnectionProfile p = make(QStringLiteral("with pw"));
        p.passwordInKeychain = true;
        p.user = QStringLiteral("u");
        store.add(p);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("export.json"));
        QCOMPARE(store.exportTo(out, {store.profiles()[0].id}), QString());
        const ServerListImport r = ServerListImporter::importFile(out);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.format, QStringLiteral("qscope"));
        QCOMPARE(r.profiles.size(), 1);
        QVERIFY(!r.profiles[0].passwordInKeychain);
        QVERIFY(r.profiles[0].id != store.profiles()[0].id); // fresh ids on import
    }

    void treeModel()
    {
        ConnectionStore store;
        store.add(make(QStringLiteral("b"), QStringLiteral("F1")));
        store.add(make(QStringLiteral("a"), QStringLiteral("F1/G")));
        const QString top = store.add(make(QStringLiteral("top")));
        store.addFolder(QStringLiteral("Empty"));
        ConnectionModel model(&store, nullptr);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 3); // Empty, F1, top
        QVERIFY(model.index(0, 0).data(ConnectionModel::IsFolderRole).toBool());
        const QModelIndex f1 = model.indexOfFolder(QStringLiteral("F1"));
        QVERIFY(f1.isValid());
        QCOMPARE(model.rowCount(f1), 2); // G, b
        const QModelIndex topIndex = model.indexOfProfile(top);
        QVERIFY(topIndex.isValid());
        QCOMPARE(topIndex.parent(), QModelIndex());
        QVERIFY(model.flags(topIndex) & Qt::ItemIsDragEnabled);

        // drag "top" onto F1/G
        std::unique_ptr<QMimeData> mime(model.mimeData({topIndex}));
        QVERIFY(mime);
        const QModelIndex g = model.indexOfFolder(QStringLiteral("F1/G"));
        QVERIFY(model.canDropMimeData(mime.get(), Qt::MoveAction, -1, 0, g));
        QVERIFY(model.dropMimeData(mime.get(), Qt::MoveAction, -1, 0, g));
        QTRY_COMPARE(store.profile(top)->folder, QStringLiteral("F1/G"));
        QCOMPARE(model.indexOfProfile(top).parent(), model.indexOfFolder(QStringLiteral("F1/G")));

        // a folder cannot go inside itself
        std::unique_ptr<QMimeData> folderMime(
            model.mimeData({model.indexOfFolder(QStringLiteral("F1"))}));
        QVERIFY(!model.canDropMimeData(folderMime.get(), Qt::MoveAction, -1, 0,
                                       model.indexOfFolder(QStringLiteral("F1/G"))));
        // but can move under another
        QVERIFY(model.dropMimeData(folderMime.get(), Qt::MoveAction, -1, 0,
                                   model.indexOfFolder(QStringLiteral("Empty"))));
        QTRY_COMPARE(store.profile(top)->folder, QStringLiteral("Empty/F1/G"));
    }

    void dialogValidation()
    {
        ConnectionProfile p;
        p.host.clear();
        ConnectionDialog dialog(p, {QStringLiteral("Prod")}, QStringLiteral("no secret service"));
        QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // no name
        QVERIFY(!dialog.problem().isEmpty());
        dialog.nameEdit()->setText(QStringLiteral("n"));
        QVERIFY(!ok->isEnabled()); // no host
        dialog.hostEdit()->setText(QStringLiteral("h"));
        dialog.portSpin()->setValue(5001);
        QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
        dialog.tagCombo()->setCurrentIndex(dialog.tagCombo()->findData(QStringLiteral("uat")));
        dialog.passwordEdit()->setText(QStringLiteral("pw"));
        QVERIFY(!dialog.savePassword()); // no keychain: cannot be ticked
        const ConnectionProfile out = dialog.profile();
        QCOMPARE(out.tag, QStringLiteral("uat"));
        QCOMPARE(out.port, 5001);
    }

    void passwordsWithoutKeychain()
    {
        PasswordStore store(QStringLiteral("qscope-test"));
        QSignalSpy stored(&store, &PasswordStore::stored);
        store.store(QStringLiteral("id1"), QStringLiteral("TopSecret-123"));
        QTRY_COMPARE_WITH_TIMEOUT(stored.size(), 1, 20000);
        const bool inKeychain = stored[0][1].toBool();
        QCOMPARE(store.sessionPassword(QStringLiteral("id1")).value_or(QString()),
                 QStringLiteral("TopSecret-123"));
        if (!inKeychain) {
            QVERIFY(!stored[0][2].toString().isEmpty()); // says why
            QVERIFY(!store.keychainAvailable());
        }
        // never written in plain text under the config / data locations
        for (const auto loc : {QStandardPaths::AppConfigLocation, QStandardPaths::AppDataLocation,
                               QStandardPaths::GenericConfigLocation}) {
            QDirIterator it(QStandardPaths::writableLocation(loc), QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                if (f.size() < (4 << 20) && f.open(QIODevice::ReadOnly))
                    QVERIFY2(!f.readAll().contains("TopSecret-123"), qPrintable(f.fileName()));
            }
        }
        QSignalSpy fetched(&store, &PasswordStore::fetched);
        store.clearSession(QStringLiteral("id1"));
        store.fetch(QStringLiteral("id1"));
        QTRY_COMPARE_WITH_TIMEOUT(fetched.size(), 1, 20000);
        if (!inKeychain) QVERIFY(!fetched[0][2].toBool());
        store.forget(QStringLiteral("id1"));
    }
};

QTEST_MAIN(TestConnections)
#include "tst_connections.moc"

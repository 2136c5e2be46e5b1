// Saved connections: JSON save/restore in the test config location, imports of Studio for kdb+
// (both file formats), qStudio (its serverlist XML and prefs.xml), CSV and host:port lists, bad
// files, the tree model (with QAbstractItemModelTester) including drag and drop between folders,
// the dialog's validation, and the password store without a keychain service (nothing in plain
// text).
#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serverlistimporter.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

using namespace qscope;

class TestConnections : public QObject
{
    Q_OBJECT

    static ConnectionProfile make(const QString &name, const QString &folder = {}, int port = 5000)
    {
        ConnectionProfile p;
        p.name = name;
        p.folder = folder;
        p.port = port;
        return p;
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

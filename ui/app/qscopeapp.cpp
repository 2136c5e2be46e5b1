#include "app/qscopeapp.h"

#include "app/firstrun.h"
#include "app/stdinreader.h"
#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/messagebar.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "net/descriptorlimit.h"
#include "theme/theme.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>

#include <cstdio>

static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace qscope {

namespace {

struct AppOptions
{
    QCommandLineOption demo{
        QStringLiteral("demo"),
        QStringLiteral("Start the embedded demo (a kdb-tick plant: tickerplant, RDBs, an engine, a "
                       "chained tickerplant, a gateway), open its tickerplant and its estate.")};
    QCommandLineOption port{QStringLiteral("demo-port"),
                            QStringLiteral("Port for --demo (default 5010)."),
                            QStringLiteral("port"), QStringLiteral("5010")};
    QCommandLineOption theme{QStringLiteral("theme"), QStringLiteral("light or dark."),
                             QStringLiteral("theme")};
    QCommandLineOption reset{QStringLiteral("reset-layout"),
                             QStringLiteral("Forget window layout and open tabs.")};
    QCommandLineOption noKeychain{
        QStringLiteral("no-keychain"),
        QStringLiteral("Do not use the OS keychain (passwords are asked once per session).")};
    QCommandLineOption stdinTab{
        QStringLiteral("stdin"),
        QStringLiteral("Open what is piped into standard input in a new unsaved tab.")};

    void addTo(QCommandLineParser &cli) const
    {
        cli.setApplicationDescription(
            QStringLiteral("Desktop workbench and live monitor for kdb+/q"));
        cli.addHelpOption();
        cli.addVersionOption();
        cli.addOptions({demo, port, theme, reset, noKeychain, stdinTab});
    }
};

void describeApp()
{
    QCoreApplication::setApplicationName(QStringLiteral("qscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("qscope"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(qscope::version()));
}

/// --help, --version and a command line qscope cannot use are answered without a display: a
/// QApplication would die in the platform plugin first on a machine with no X or Wayland.
bool answeredWithoutDisplay(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const AppOptions options;
    QCommandLineParser cli;
    options.addTo(cli);
    const bool parsed = cli.parse(args);
    if (parsed && !cli.isSet(QStringLiteral("help")) && !cli.isSet(QStringLiteral("version")) &&
        !cli.isSet(QStringLiteral("help-all")))
        return false;
    QCoreApplication core(argc, argv);
    describeApp();
    cli.process(core); // prints help, version or the parse error, and exits
    return true;
}

} // namespace

int runQscopeApp(int argc, char **argv)
{
    if (answeredWithoutDisplay(argc, argv)) return 0;
    // Before any socket: 1,000 connections need more descriptors than Linux's default 1,024.
    const DescriptorLimit fds = raiseDescriptorLimit();
    if (!fds.ok()) std::fprintf(stderr, "qscope: %s\n", qPrintable(fds.error));
    QApplication app(argc, argv);
    describeApp();
    initResources();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/qscope/icons/qscope.svg")));

    const AppOptions opts;
    QCommandLineParser cli;
    opts.addTo(cli);
    cli.process(app);
    const QCommandLineOption &demoOpt = opts.demo, &portOpt = opts.port, &themeOpt = opts.theme,
                             &resetOpt = opts.reset, &noKeychainOpt = opts.noKeychain;

    QSettings settings;
    if (cli.isSet(resetOpt)) {
        settings.remove(QStringLiteral("window"));
        settings.remove(QStringLiteral("session"));
    }
    const QString themeName = cli.isSet(themeOpt)
                                  ? cli.value(themeOpt)
                                  : settings.value(QStringLiteral("theme")).toString();
    Theme::apply(Theme::fromName(themeName, Theme::Light));

    bool portOk = false;
    const int demoPort = cli.value(portOpt).toInt(&portOk);
    if (!portOk || demoPort < 0 || demoPort > 65535) {
        qCritical("qscope: --demo-port must be 0..65535");
        return 2;
    }

    ConnectionManager manager;
    ConnectionStore store;
    const QString loadError = store.load(ConnectionStore::defaultPath());
    HistoryStore history;
    const QString historyNote = history.load(HistoryStore::defaultPath());
    const bool firstRun = !settings.value(QStringLiteral("firstRunDone")).toBool();

    FirstRun first(&store);
    MainWindow window(&manager, &store, &history);
    if (cli.isSet(noKeychainOpt))
        window.passwords()->setKeychainEnabled(false);
    else
        window.passwords()->retryPendingDeletions(); // secrets of connections deleted earlier

    QString demoId;
    if (firstRun || cli.isSet(demoOpt)) demoId = first.ensureDemoConnection(demoPort);

    window.restoreState(demoId);
    window.show();
    if (cli.isSet(opts.stdinTab)) {
        auto *reader =
            new StdinReader(window.editors()->newTab(window.currentProfile()), 0, &window);
        QObject::connect(reader, &StdinReader::finished, &window, [&window](const QString &e) {
            if (!e.isEmpty()) window.messageBar()->showMessage(MessageBar::Error, e);
        });
    }

    if (!loadError.isEmpty())
        window.messageBar()->showMessage(MessageBar::Error, loadError);
    else if (!historyNote.isEmpty())
        window.messageBar()->showMessage(MessageBar::Warning, historyNote);
    else if (!fds.ok())
        window.messageBar()->showMessage(MessageBar::Warning, fds.error);

    // The plant starts on its own thread: the window is up and responsive meanwhile, and the Demo
    // connection opens once its tickerplant listens (or the message bar says why it did not).
    const bool demoFlag = cli.isSet(demoOpt);
    QObject::connect(&first, &FirstRun::demoFailed, &window, [&window](const QString &error) {
        window.messageBar()->showMessage(MessageBar::Error, error);
    });
    QObject::connect(&first, &FirstRun::demoReady, &window, [&window, &first, demoId, demoFlag] {
        window.connectionsView()->selectProfile(demoId);
        if (EditorTab *t = window.editors()->current(); t && t->profileId().isEmpty())
            t->setProfileId(demoId);
        window.sessions()->connectProfile(demoId);
        if (demoFlag)
            window.showEstate(first.demoPlantAddresses()); // the plant around the Demo tickerplant
    });
    if (demoFlag) {
        first.startDemo(demoPort);
    } else if (firstRun) {
        window.messageBar()->showMessage(
            MessageBar::Info,
            QObject::tr(
                "Welcome to qscope. A \"Demo\" connection is ready: start the built-in "
                "demo server (a q process with a live tickerplant feed) to try things out."),
            QObject::tr("Start demo server"), [&first, demoPort] { first.startDemo(demoPort); });
    }
    settings.setValue(QStringLiteral("firstRunDone"), true);

    const int rc = app.exec();
    window.sessions()->disconnectAll();
    return rc;
}

} // namespace qscope

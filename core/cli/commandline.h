#pragma once
/// One subcommand's command line: a QCommandLineParser with qscope-cli's conventions on top.
///  - A q expression or literal may start with a dash ("-1+2", "-0.5", "-1 2 3"): any argument
///    with a single dash other than -h is taken as positional, as it always was here.
///  - --console takes two values (H W, as q's -c); the pair is joined before parsing.
///  - The help text is ours (a synopsis, the options from their QCommandLineOption
///    descriptions, what the command returns), printed for --help and, with the reason, on a
///    usage error.
/// Thread: the thread running the command.

#include <QCommandLineParser>
#include <QStringList>

namespace qscope::cli {

class CommandLine
{
public:
    /// command is the subcommand's name ("query"); synopsis follows "usage: qscope-cli command "
    /// (several lines are indented to line up); about goes before the options, footer after.
    CommandLine(QString command, QString synopsis, QString about, QString footer = {});

    void addOptions(const QList<QCommandLineOption> &options);

    /// Parses args. Returns false when the command ends here with *exitCode: 0 after printing the
    /// help for --help, 1 after a usage error on stderr (a missing value, an unknown option).
    bool parse(const QStringList &args, int *exitCode);

    bool isSet(const QCommandLineOption &option) const { return m_parser.isSet(option); }
    QString value(const QCommandLineOption &option) const { return m_parser.value(option); }
    const QCommandLineParser &parser() const { return m_parser; }
    QStringList positional() const;

    /// The help text (synopsis, about, options, footer).
    QString helpText() const;
    /// "qscope-cli command: message" on stderr; returns 1 (the usage exit code).
    int fail(const QString &message) const;
    /// The help text on stderr (after message, if any); returns 1.
    int usageError(const QString &message = {}) const;

private:
    QStringList prepare(const QStringList &args, QString *error) const;
    bool takesValue(const QString &arg) const;

    QString m_command;
    QString m_synopsis;
    QString m_about;
    QString m_footer;
    QList<QCommandLineOption> m_options;
    QCommandLineOption m_help;
    QCommandLineParser m_parser;
};

/// --console H W as a height and width (at least 1 and 10); false with *error otherwise.
bool parseConsoleSize(const QString &value, int *height, int *width, QString *error);
QCommandLineOption consoleOption();

} // namespace qscope::cli

#include "commandline.h"

#include <QTextStream>

namespace qscope::cli {

namespace {

/// Marks an argument that starts with a dash but is a value (a q expression) so that
/// QCommandLineParser leaves it positional; removed again in positional(). A control character
/// no one types in front of a dash.
const QChar kValueMark(0x01);

QString optionLabel(const QCommandLineOption &o)
{
    QStringList names;
    for (const QString &n : o.names())
        names << (n.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + n;
    QString label = names.join(QStringLiteral(", "));
    if (!o.valueName().isEmpty()) label += QLatin1Char(' ') + o.valueName();
    return label;
}

} // namespace

CommandLine::CommandLine(QString command, QString synopsis, QString about, QString footer)
    : m_command(std::move(command)), m_synopsis(std::move(synopsis)), m_about(std::move(about)),
      m_footer(std::move(footer)),
      m_help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("this text"))
{
    m_parser.addOption(m_help);
}

void CommandLine::addOptions(const QList<QCommandLineOption> &options)
{
    m_options += options;
    m_parser.addOptions(options);
}

bool CommandLine::takesValue(const QString &arg) const
{
    if (!arg.startsWith(QLatin1String("--")) || arg.contains(QLatin1Char('='))) return false;
    const QString name = arg.mid(2);
    for (const QCommandLineOption &o : m_options)
        if (o.names().contains(name)) return !o.valueName().isEmpty();
    return false;
}

QStringList CommandLine::prepare(const QStringList &args, QString *error) const
{
    QStringList out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--")) { // the rest is positional, as QCommandLineParser reads it
            out += args.mid(i);
            break;
        }
        if (a == QLatin1String("--console") && i + 2 < args.size()) {
            out << a << args[i + 1] + QLatin1Char(' ') + args[i + 2];
            i += 2;
            continue;
        }
        if (takesValue(a)) {
            if (i + 1 >= args.size()) {
                *error = a + QStringLiteral(" needs a value");
                return {};
            }
            out << a << args[i + 1];
            ++i;
            continue;
        }
        const bool singleDash =
            a.size() > 1 && a.startsWith(QLatin1Char('-')) && !a.startsWith(QLatin1String("--"));
        out << (singleDash && a != QLatin1String("-h") ? kValueMark + a : a);
    }
    return out;
}

bool CommandLine::parse(const QStringList &args, int *exitCode)
{
    QString error;
    const QStringList prepared = prepare(args, &error);
    if (!error.isEmpty()) {
        *exitCode = fail(error);
        return false;
    }
    if (!m_parser.parse(QStringList{QStringLiteral("qscope-cli ") + m_command} + prepared)) {
        const QStringList unknown = m_parser.unknownOptionNames();
        *exitCode = unknown.isEmpty()
                        ? fail(m_parser.errorText())
                        : usageError(QStringLiteral("unknown option ") +
                                     (unknown.front().size() == 1 ? QStringLiteral("-")
                                                                  : QStringLiteral("--")) +
                                     unknown.front());
        return false;
    }
    if (m_parser.isSet(m_help)) {
        QTextStream(stdout) << helpText();
        *exitCode = 0;
        return false;
    }
    return true;
}

QStringList CommandLine::positional() const
{
    QStringList out = m_parser.positionalArguments();
    for (QString &a : out)
        if (a.startsWith(kValueMark)) a.remove(0, 1);
    return out;
}

QString CommandLine::helpText() const
{
    const QString lead = QStringLiteral("usage: qscope-cli ") + m_command + QLatin1Char(' ');
    QString text = lead;
    const QStringList lines = m_synopsis.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i)
        text +=
            (i ? QString(lead.size(), QLatin1Char(' ')) : QString()) + lines[i] + QLatin1Char('\n');
    text += QLatin1Char('\n') + m_about + QLatin1Char('\n');
    int width = 0;
    for (const QCommandLineOption &o : m_options)
        width = std::max(width, int(optionLabel(o).size()));
    const QString indent(width + 4, QLatin1Char(' '));
    for (const QCommandLineOption &o : m_options) {
        if (o.flags() & QCommandLineOption::HiddenFromHelp) continue;
        const QStringList desc = o.description().split(QLatin1Char('\n'));
        text += QStringLiteral("  ") + optionLabel(o).leftJustified(width + 2) + desc.front() +
                QLatin1Char('\n');
        for (qsizetype i = 1; i < desc.size(); ++i)
            text += indent + desc[i] + QLatin1Char('\n');
    }
    if (!m_footer.isEmpty()) text += m_footer + QLatin1Char('\n');
    return text;
}

int CommandLine::fail(const QString &message) const
{
    QTextStream(stderr) << "qscope-cli " << m_command << ": " << message << '\n';
    return 1;
}

int CommandLine::usageError(const QString &message) const
{
    if (!message.isEmpty()) fail(message);
    QTextStream(stderr) << helpText();
    return 1;
}

bool parseConsoleSize(const QString &value, int *height, int *width, QString *error)
{
    const QStringList parts = value.split(QLatin1Char(' '));
    if (parts.size() != 2) {
        *error = QStringLiteral("--console needs a height and a width");
        return false;
    }
    bool okH = false, okW = false;
    *height = parts[0].toInt(&okH);
    *width = parts[1].toInt(&okW);
    if (!okH || !okW || *height < 1 || *width < 10) {
        *error = QStringLiteral("bad --console size");
        return false;
    }
    return true;
}

QCommandLineOption consoleOption()
{
    return QCommandLineOption(QStringLiteral("console"),
                              QStringLiteral("console size as q's -c (default 25 80)"),
                              QStringLiteral("H W"));
}

} // namespace qscope::cli

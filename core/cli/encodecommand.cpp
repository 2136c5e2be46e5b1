// qscope-cli encode: parse a q literal and print the message -8! (or -18! with --compress)
// gives for it, as 0x-prefixed hex. Exit codes: 0 ok, 1 usage or parse error.

#include "cli.h"
#include "commandline.h"

#include "protocol/codec.h"
#include "protocol/literal.h"

#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

int encodeCommand(const QStringList &args)
{
    QTextStream err(stderr);
    CommandLine cl(
        QStringLiteral("encode"), QStringLiteral("[--compress] 'q literal'"),
        QStringLiteral(
            "Prints the bytes -8! gives for the value (a whole message, message type 0), "
            "as hex."),
        QStringLiteral("The literal is parsed, not evaluated: `til 5` is an error, `0 1 2 3 4` is "
                       "not."));
    const QCommandLineOption compressOption(
        QStringLiteral("compress"),
        QStringLiteral("apply kdb+'s compression as -18! does (only over 2000 bytes, and only\n"
                       "if it halves the message)"));
    cl.addOptions({compressOption});
    int exitCode = 1;
    if (!cl.parse(args, &exitCode)) return exitCode;
    const bool compress = cl.isSet(compressOption);
    const QStringList positional = cl.positional();
    if (positional.isEmpty()) return cl.usageError();
    if (positional.size() > 1)
        return cl.fail(QStringLiteral("give the literal as one argument (quote it)"));
    const QString literal = positional.front();
    const QByteArray text = literal.toUtf8();
    const LiteralResult parsed = parseLiteral(text);
    if (!parsed.ok()) {
        err << "qscope-cli encode: ";
        if (parsed.error->position >= 0) err << "at position " << parsed.error->position << ": ";
        err << parsed.error->message << '\n';
        if (parsed.error->position >= 0 && parsed.error->position <= text.size())
            err << "  " << literal << "\n  "
                << QString(QString::fromUtf8(text.left(parsed.error->position)).size(),
                           QLatin1Char(' '))
                << "^\n";
        return 1;
    }
    EncodeOptions o;
    o.type = MessageType::Async; // -8! writes message type 0
    o.compress = compress;
    o.capability = 6;
    const QByteArray message = encodeMessage(parsed.value, o);
    if (message.isEmpty()) {
        err << "qscope-cli encode: the value is too large to encode\n";
        return 1;
    }
    const QByteArray out = "0x" + message.toHex() + '\n';
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fflush(stdout);
    return 0;
}

} // namespace qscope::cli

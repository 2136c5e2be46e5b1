// qscope-cli encode: parse a q literal and print the message -8! (or -18! with --compress)
// gives for it, as 0x-prefixed hex. Exit codes: 0 ok, 1 usage or parse error.

#include "cli.h"

#include "protocol/codec.h"
#include "protocol/literal.h"

#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

namespace {

void encodeUsage(QTextStream &out)
{
    out << "usage: qscope-cli encode [--compress] 'q literal'\n"
           "\n"
           "Prints the bytes -8! gives for the value (a whole message, message type 0), as hex.\n"
           "  --compress   apply kdb+'s compression as -18! does (only over 2000 bytes, and only\n"
           "               if it halves the message)\n"
           "The literal is parsed, not evaluated: `til 5` is an error, `0 1 2 3 4` is not.\n";
}

} // namespace

int encodeCommand(const QStringList &args)
{
    QTextStream err(stderr);
    bool compress = false;
    QString literal;
    bool haveLiteral = false;
    for (const QString &a : args) {
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            QTextStream out(stdout);
            encodeUsage(out);
            return 0;
        }
        if (a == QLatin1String("--compress")) {
            compress = true;
        } else if (!haveLiteral) {
            literal = a;
            haveLiteral = true;
        } else {
            err << "qscope-cli encode: give the literal as one argument (quote it)\n";
            return 1;
        }
    }
    if (!haveLiteral) {
        encodeUsage(err);
        return 1;
    }
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

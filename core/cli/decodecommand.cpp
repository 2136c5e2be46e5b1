// qscope-cli decode: read one IPC message (or a bare payload), print it as q's console, the
// one-line form, JSON, or re-encoded hex. Exit codes: 0 ok, 1 usage, bad input or malformed
// message.

#include "cli.h"

#include "protocol/codec.h"
#include "protocol/format.h"

#include <QFile>
#include <QTextStream>

#include <cctype>
#include <cstdio>

namespace qscope::cli {

namespace {

void decodeUsage(QTextStream &out)
{
    out << "usage: qscope-cli decode [--hex] [--payload] [--out q|q1|json|ipc|ipcz]\n"
           "                         [--console H W] [FILE|-]\n"
           "\n"
           "Reads one kdb+ IPC message from FILE (or stdin), decompresses it if flagged and\n"
           "prints the value.\n"
           "  --hex          input is hex text (whitespace and a 0x prefix allowed)\n"
           "  --payload      input is a payload without the 8-byte header (little-endian)\n"
           "  --out FORMAT   q: q's console (default); q1: one line (-3!); json: .j.j;\n"
           "                 ipc: the message re-encoded (-8!); ipcz: with kdb+'s compression\n"
           "                 rules applied (-18!)\n"
           "  --console H W  console size as q's \\c (default 25 80)\n"
           "A malformed message prints the byte offset of the fault and exits 1.\n";
}

/// Hex text to bytes; nullopt (and the offending position) on a non-hex character or odd count.
std::optional<QByteArray> parseHex(const QByteArray &text, qsizetype *badAt)
{
    QByteArray digits;
    digits.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size() && QChar::isSpace(uchar(text[i])))
        ++i;
    if (text.mid(i, 2).toLower() == "0x") i += 2;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (QChar::isSpace(uchar(c))) continue;
        if (!std::isxdigit(uchar(c))) {
            *badAt = i;
            return std::nullopt;
        }
        digits.append(c);
    }
    if (digits.size() % 2) {
        *badAt = text.size();
        return std::nullopt;
    }
    return QByteArray::fromHex(digits);
}

} // namespace

int decodeCommand(const QStringList &args)
{
    QTextStream err(stderr);
    bool hex = false, payload = false;
    QString format = QStringLiteral("q");
    FormatOptions console;
    QString path;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            QTextStream out(stdout);
            decodeUsage(out);
            return 0;
        }
        if (a == QLatin1String("--hex")) {
            hex = true;
        } else if (a == QLatin1String("--payload")) {
            payload = true;
        } else if (a == QLatin1String("--out")) {
            if (++i >= args.size()) {
                err << "qscope-cli decode: --out needs a format\n";
                return 1;
            }
            format = args[i];
            static const QStringList known = {QStringLiteral("q"), QStringLiteral("q1"),
                                              QStringLiteral("json"), QStringLiteral("ipc"),
                                              QStringLiteral("ipcz")};
            if (!known.contains(format)) {
                err << "qscope-cli decode: unknown --out format '" << format
                    << "' (q, q1, json, ipc, ipcz)\n";
                return 1;
            }
        } else if (a == QLatin1String("--console")) {
            bool okH = false, okW = false;
            if (i + 2 >= args.size()) {
                err << "qscope-cli decode: --console needs a height and a width\n";
                return 1;
            }
            console.height = args[i + 1].toInt(&okH);
            console.width = args[i + 2].toInt(&okW);
            if (!okH || !okW || console.height < 1 || console.width < 10) {
                err << "qscope-cli decode: bad --console size\n";
                return 1;
            }
            i += 2;
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            err << "qscope-cli decode: unknown option '" << a << "'\n";
            decodeUsage(err);
            return 1;
        } else if (path.isEmpty()) {
            path = a;
        } else {
            err << "qscope-cli decode: more than one input\n";
            return 1;
        }
    }

    QFile in;
    bool opened;
    if (path.isEmpty() || path == QLatin1String("-")) {
        opened = in.open(stdin, QIODevice::ReadOnly);
        path = QStringLiteral("stdin");
    } else {
        in.setFileName(path);
        opened = in.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        err << "qscope-cli decode: cannot read " << path << ": " << in.errorString() << '\n';
        if (hex)
            err << "  (--hex reads hex text from FILE or stdin: echo 0x0100... | qscope-cli "
                   "decode --hex)\n";
        return 1;
    }
    QByteArray bytes = in.readAll();
    if (hex) {
        qsizetype badAt = -1;
        auto parsed = parseHex(bytes, &badAt);
        if (!parsed) {
            err << "qscope-cli decode: " << path << ": not hex at character " << badAt << '\n';
            return 1;
        }
        bytes = std::move(*parsed);
    }
    if (bytes.isEmpty()) {
        err << "qscope-cli decode: " << path << " is empty\n";
        return 1;
    }

    const Decoded d = payload ? decodePayload(bytes) : decodeMessage(bytes);
    if (!d.ok()) {
        err << "qscope-cli decode: malformed " << (payload ? "payload" : "message") << " at byte "
            << d.error->offset << ": " << d.error->message << '\n';
        return 1;
    }

    QByteArray text;
    if (format == QLatin1String("q")) {
        text = formatConsole(d.value, console);
    } else if (format == QLatin1String("q1")) {
        text = formatOneLine(d.value) + '\n';
    } else if (format == QLatin1String("json")) {
        text = formatJson(d.value) + '\n';
    } else {
        EncodeOptions o;
        o.type = payload ? MessageType::Async : d.header.type;
        o.compress = format == QLatin1String("ipcz");
        o.capability = 6;
        const QByteArray encoded = encodeMessage(d.value, o);
        if (encoded.isEmpty()) {
            err << "qscope-cli decode: the value is too large to encode\n";
            return 1;
        }
        text = "0x" + encoded.toHex() + '\n';
    }
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
    return 0;
}

} // namespace qscope::cli

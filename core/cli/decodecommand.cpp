// qscope-cli decode: read one IPC message (or a bare payload), print it as q's console, the
// one-line form, JSON, or re-encoded hex. Exit codes: 0 ok, 1 usage, bad input or malformed
// message.

#include "cli.h"
#include "commandline.h"

#include "protocol/codec.h"
#include "protocol/format.h"

#include <QFile>
#include <QTextStream>

#include <cctype>
#include <cstdio>

namespace qscope::cli {

namespace {

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
    CommandLine cl(
        QStringLiteral("decode"),
        QStringLiteral("[--hex] [--payload] [--out q|q1|json|ipc|ipcz]\n[--console H W] [FILE|-]"),
        QStringLiteral(
            "Reads one kdb+ IPC message from FILE (or stdin), decompresses it if flagged "
            "and\nprints the value."),
        QStringLiteral("A malformed message prints the byte offset of the fault and exits 1."));
    const QCommandLineOption hexOption(QStringLiteral("hex"),
                                       QStringLiteral("input is hex text (whitespace and a 0x "
                                                      "prefix allowed)"));
    const QCommandLineOption payloadOption(
        QStringLiteral("payload"),
        QStringLiteral("input is a payload without the 8-byte header (little-endian)"));
    const QCommandLineOption outOption(
        QStringLiteral("out"),
        QStringLiteral("q: q's console (default); q1: one line (-3!); json: .j.j;\n"
                       "ipc: the message re-encoded (-8!); ipcz: with kdb+'s compression\n"
                       "rules applied (-18!)"),
        QStringLiteral("FORMAT"), QStringLiteral("q"));
    const QCommandLineOption consoleSize = consoleOption();
    cl.addOptions({hexOption, payloadOption, outOption, consoleSize});
    int exitCode = 1;
    if (!cl.parse(args, &exitCode)) return exitCode;
    const bool hex = cl.isSet(hexOption), payload = cl.isSet(payloadOption);
    const QString format = cl.value(outOption);
    static const QStringList known = {QStringLiteral("q"), QStringLiteral("q1"),
                                      QStringLiteral("json"), QStringLiteral("ipc"),
                                      QStringLiteral("ipcz")};
    if (!known.contains(format))
        return cl.fail(
            QStringLiteral("unknown --out format '%1' (q, q1, json, ipc, ipcz)").arg(format));
    FormatOptions console;
    QString error;
    if (cl.isSet(consoleSize) &&
        !parseConsoleSize(cl.value(consoleSize), &console.height, &console.width, &error))
        return cl.fail(error);
    const QStringList positional = cl.positional();
    if (positional.size() > 1) return cl.fail(QStringLiteral("more than one input"));
    QString path = positional.value(0);

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

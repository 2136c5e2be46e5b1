// qscope-cli tplog info|verify|cat|replay FILE: a tickerplant log read through the same engine
// as the app's log view (core/tplog). Exit codes: 0 ok, 1 usage or unreadable file (also one
// that shrank while being read), 2 the log is corrupt (verify; info, cat and replay still use
// the valid prefix and say so on stderr), 3 publishing failed (connection, q error).

#include "cli.h"

#include "net/connectionargs.h"
#include "net/connectionmanager.h"
#include "protocol/format.h"
#include "tplog/tplogfilter.h"
#include "tplog/tplogpublisher.h"
#include "tplog/tplogreader.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

namespace {

QString timeText(int64_t raw, int type)
{
    if (!type) return QStringLiteral("-");
    return QString::fromUtf8(formatAtom(Value::atom(-type, raw)));
}

void printSummary(QTextStream &out, const tplog::TpLogReader &r, const tplog::LogSummary &s)
{
    out << "file:        " << r.path() << '\n';
    out << "size:        " << s.fileSize << " bytes\n";
    out << "header:      "
        << (s.headerOk ? QStringLiteral("q list file, count %1").arg(s.headerCount)
                       : s.headerProblem)
        << '\n';
    out << "chunks:      " << s.chunks << " valid\n";
    out << "valid:       " << s.validLength << " bytes"
        << (s.isValid() ? QStringLiteral(" (the whole file)") : QString()) << '\n';
    if (s.badOffset >= 0)
        out << "first bad:   chunk " << s.chunks << " at offset " << s.badOffset << ": "
            << s.badReason << " (byte " << s.badAt << ")\n";
    if (s.headerOk && s.headerCount != s.chunks)
        out << "note:        the header counts " << s.headerCount << " item(s), " << s.chunks
            << " valid chunk(s) found\n";
}

void printTables(QTextStream &out, const tplog::LogSummary &s)
{
    if (s.tables.empty()) return;
    out << "\ntable            messages         rows  first                 last\n";
    for (const tplog::TableStats &t : s.tables)
        out << QString::fromUtf8(t.name).leftJustified(16) << ' '
            << QString::number(t.messages).rightJustified(9) << ' '
            << QString::number(t.rows).rightJustified(12) << "  "
            << timeText(t.minTime, t.timeType).leftJustified(20) << "  "
            << timeText(t.maxTime, t.timeType) << '\n';
    int64_t active = 0, peak = 0, total = 0;
    int peakAt = -1;
    for (size_t i = 0; i < s.perSecond.size(); ++i) {
        if (!s.perSecond[i]) continue;
        ++active;
        total += s.perSecond[i];
        if (s.perSecond[i] > peak) peak = s.perSecond[i], peakAt = int(i);
    }
    if (active)
        out << "\nmessages per second: mean "
            << QString::number(double(total) / double(active), 'f', 1) << " over " << active
            << " active second(s), peak " << peak << " at "
            << QStringLiteral("%1:%2:%3")
                   .arg(peakAt / 3600, 2, 10, QLatin1Char('0'))
                   .arg(peakAt / 60 % 60, 2, 10, QLatin1Char('0'))
                   .arg(peakAt % 60, 2, 10, QLatin1Char('0'))
            << '\n';
}

/// The file could not be read to the end (it shrank while open): say so, exit 1.
int unreadable(QTextStream &err, const tplog::TpLogReader &r, const QString &why)
{
    err << "qscope-cli tplog: " << r.path() << ": " << why << '\n';
    return 1;
}

} // namespace

int tplogCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Read a kdb+ tickerplant log (tick.q's .u.L) without loading it:\n"
        "  info    chunks, valid prefix, first bad chunk, tables, messages per second\n"
        "  verify  what -11!(-2;f) says: exit 0 if valid, 2 if corrupt; --repair OUT writes the\n"
        "          valid prefix (the repair a q user does by truncating to last -11!(-2;f))\n"
        "  cat     one line per message: index, offset, function, table, rows, first time, x\n"
        "  replay  publish each message to --to-server (as .u.upd, or --function), with\n"
        "          progress; without --to-server, count what would be sent"));
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("info|verify|cat|replay"));
    p.addPositionalArgument(QStringLiteral("file"), QStringLiteral("the log file"));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("This text."));
    const QCommandLineOption table(QStringLiteral("table"), QStringLiteral("Only table <t>."),
                                   QStringLiteral("t"));
    const QCommandLineOption sym(QStringLiteral("sym"),
                                 QStringLiteral("Only rows of sym <s> (repeat or comma-separate)."),
                                 QStringLiteral("s"));
    const QCommandLineOption from(
        QStringLiteral("from"), QStringLiteral("Only rows at or after time <T> (10:31[:05.250])."),
        QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"),
                                QStringLiteral("Only rows at or before time <T>."),
                                QStringLiteral("T"));
    const QCommandLineOption limit(
        QStringLiteral("limit"), QStringLiteral("cat: at most <n> messages."), QStringLiteral("n"));
    const QCommandLineOption repair(QStringLiteral("repair"),
                                    QStringLiteral("verify: write the valid prefix to <out>."),
                                    QStringLiteral("out"));
    const QCommandLineOption server(QStringLiteral("to-server"),
                                    QStringLiteral("replay: publish to HOST:PORT."),
                                    QStringLiteral("addr"));
    const QCommandLineOption function(QStringLiteral("function"),
                                      QStringLiteral("replay: call <f> (default .u.upd)."),
                                      QStringLiteral("f"), QStringLiteral(".u.upd"));
    const QCommandLineOption speed(QStringLiteral("speed"),
                                   QStringLiteral("replay: 1 = original pace, N = N times it, "
                                                  "0 = as fast as possible (default)."),
                                   QStringLiteral("x"), QStringLiteral("0"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("replay: login U:P."),
                                  QStringLiteral("U:P"));
    const QCommandLineOption tls(QStringLiteral("tls"),
                                 QStringLiteral("replay: connect with TLS."));
    p.addOptions({help, table, sym, from, to, limit, repair, server, function, speed, user, tls});
    if (!p.parse(QStringList{QStringLiteral("qscope-cli tplog")} + args)) {
        err << "qscope-cli tplog: " << p.errorText() << '\n';
        return 1;
    }
    if (p.isSet(help)) {
        out << p.helpText();
        return 0;
    }
    const QStringList pos = p.positionalArguments();
    static const QStringList kCommands = {QStringLiteral("info"), QStringLiteral("verify"),
                                          QStringLiteral("cat"), QStringLiteral("replay")};
    if (pos.size() != 2 || !kCommands.contains(pos[0])) {
        err << p.helpText();
        return 1;
    }
    const QString cmd = pos[0];

    tplog::MessageFilter filter;
    filter.table = p.value(table).toUtf8();
    for (const QString &v : p.values(sym))
        for (const QString &s : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
            filter.syms << s.trimmed().toUtf8();
    for (const auto &[opt, slot] : {std::pair{&from, &filter.from}, std::pair{&to, &filter.to}}) {
        if (!p.isSet(*opt)) continue;
        *slot = tplog::MessageFilter::parseTime(p.value(*opt));
        if (!*slot) {
            err << "qscope-cli tplog: --" << opt->names().first() << " wants a time such as "
                << "10:31 or 10:31:05.250, not '" << p.value(*opt) << "'\n";
            return 1;
        }
    }

    auto reader = std::make_shared<tplog::TpLogReader>();
    QString error;
    if (!reader->open(pos[1], &error)) {
        err << "qscope-cli tplog: " << error << '\n';
        return 1;
    }
    if (cmd == QLatin1String("verify")) {
        const tplog::LogSummary s = reader->verify();
        if (!s.fileError.isEmpty()) return unreadable(err, *reader, s.fileError);
        printSummary(out, *reader, s);
        out.flush();
        if (p.isSet(repair)) {
            if (!reader->exportValidPrefix(p.value(repair), &error)) {
                err << "qscope-cli tplog: " << error << '\n';
                return 1;
            }
            out << "repaired:    " << p.value(repair) << " (" << s.chunks << " chunks, "
                << s.validLength << " bytes)\n";
        }
        return s.isValid() ? 0 : 2;
    }
    const tplog::LogSummary s = reader->index();
    if (!s.fileError.isEmpty()) return unreadable(err, *reader, s.fileError);
    if (!s.isValid() && cmd != QLatin1String("info"))
        err << "qscope-cli tplog: corrupt log: using the " << s.chunks
            << " valid chunk(s); first bad chunk at offset " << s.badOffset << ": " << s.badReason
            << '\n';
    if (cmd == QLatin1String("info")) {
        printSummary(out, *reader, s);
        printTables(out, s);
        return s.isValid() ? 0 : 2;
    }
    if (cmd == QLatin1String("cat")) {
        const int64_t max = p.isSet(limit) ? p.value(limit).toLongLong() : -1;
        int64_t shown = 0;
        for (int64_t i = 0; i < reader->chunkCount() && (max < 0 || shown < max); ++i) {
            const tplog::ChunkInfo &c = reader->chunk(i);
            if (!filter.mayMatch(*reader, c)) continue;
            const Decoded d = reader->decode(i);
            if (!d.ok() && !reader->fileError().isEmpty()) {
                out.flush();
                return unreadable(err, *reader, reader->fileError());
            }
            if (!d.ok()) {
                out << i << '\t' << c.offset << "\t'" << d.error->message << '\n';
                continue;
            }
            const Value m = filter.apply(d.value);
            if (m.isGenericNull()) continue;
            const bool shaped = m.isList() && m.count() >= 3;
            out << i << '\t' << c.offset << '\t'
                << (c.function < reader->functionNames().size()
                        ? QString::fromUtf8(reader->functionNames()[c.function])
                        : QStringLiteral("-"))
                << '\t' << QString::fromUtf8(reader->tableName(c)) << '\t' << c.rows << '\t'
                << timeText(c.time, c.timeType) << '\t'
                << QString::fromUtf8(formatOneLine(shaped ? m.item(2) : m)) << '\n';
            ++shown;
        }
        return s.isValid() ? 0 : 2;
    }
    // replay
    if (!p.isSet(server)) {
        int64_t messages = 0, rows = 0;
        for (int64_t i = 0; i < reader->chunkCount(); ++i) {
            if (!filter.mayMatch(*reader, reader->chunk(i))) continue;
            const Decoded d = reader->decode(i);
            if (!d.ok() && !reader->fileError().isEmpty())
                return unreadable(err, *reader, reader->fileError());
            if (!d.ok()) continue;
            const Value m = filter.apply(d.value);
            if (m.isGenericNull()) continue;
            ++messages;
            rows += reader->chunk(i).rows;
        }
        out << "would send " << messages << " message(s) (" << rows
            << " row(s) before row filters); add --to-server HOST:PORT to publish\n";
        return s.isValid() ? 0 : 2;
    }
    ConnectionArgs net;
    net.tls = p.isSet(tls);
    if (p.isSet(user)) {
        const QString u = p.value(user);
        net.user = u.section(QLatin1Char(':'), 0, 0);
        net.password = u.section(QLatin1Char(':'), 1);
    }
    const auto options = net.connectionOptions(p.value(server), &error);
    if (!options) {
        err << "qscope-cli tplog: " << error << '\n';
        return 1;
    }
    tplog::TpLogPublisher::Options po;
    po.function = p.value(function).toUtf8();
    po.filter = filter;
    bool okSpeed = false;
    po.speed = p.value(speed).toDouble(&okSpeed);
    if (!okSpeed || po.speed < 0) {
        err << "qscope-cli tplog: --speed wants 0 or a positive number\n";
        return 1;
    }
    ConnectionManager manager(1);
    const ConnectionId id = manager.open(*options);
    tplog::TpLogPublisher pub(reader, &manager, id, po);
    QEventLoop loop;
    int rc = 3;
    QObject::connect(&pub, &tplog::TpLogPublisher::progress, &loop,
                     [&](qint64 done, qint64 total, qint64 msgs, qint64 rows) {
                         err << "\rreplay: " << done << '/' << total << " chunks, " << msgs
                             << " messages, " << rows << " rows acknowledged" << Qt::flush;
                     });
    QObject::connect(&pub, &tplog::TpLogPublisher::finished, &loop,
                     [&](bool ok, const QString &why, qint64 msgs, qint64 rows) {
                         err << '\n';
                         if (ok) {
                             out << "published " << msgs << " message(s), " << rows << " row(s) to "
                                 << options->address.display() << " as "
                                 << QString::fromUtf8(po.function) << '\n';
                             rc = s.isValid() ? 0 : 2;
                         } else if (!reader->fileError().isEmpty()) {
                             rc = unreadable(err, *reader, why);
                         } else {
                             err << "qscope-cli tplog: " << options->address.display() << ": "
                                 << why << " (after " << msgs << " acknowledged message(s))\n";
                         }
                         loop.quit();
                     });
    pub.start();
    loop.exec();
    return rc;
}

} // namespace qscope::cli

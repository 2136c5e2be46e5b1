#pragma once
// Logs for the tplog tests and benchmark: written with the same writer the demo uses, each chunk
// (`upd;`trade;(time;sym;price;size)) with `rowsPerMessage` rows, times one millisecond apart.

#include "protocol/codec.h"
#include "tplog/tplogwriter.h"

#include <QFile>
#include <QString>

namespace qscope::test {

inline Value tradeUpd(int64_t firstNs, int rows, int seed)
{
    static const std::vector<QByteArray> kSyms = {"AAPL", "MSFT", "IBM", "KX", "NVDA"};
    const auto n = static_cast<size_t>(rows);
    std::vector<int64_t> t(n), sz(n);
    std::vector<double> px(n);
    std::vector<QByteArray> s(n);
    for (int r = 0; r < rows; ++r) {
        t[size_t(r)] = firstNs + r;
        s[size_t(r)] = kSyms[size_t(seed + r) % kSyms.size()];
        px[size_t(r)] = 100.0 + (seed % 100) * 0.25;
        sz[size_t(r)] = 100 * (1 + (seed + r) % 9);
    }
    return Value::list({Value::symbol("upd"), Value::symbol(seed % 3 == 0 ? "quote" : "trade"),
                        Value::list({Value::fromVector(Timespan, std::move(t)), Value::symbols(s),
                                     Value::fromVector(Float, std::move(px)),
                                     Value::fromVector(Long, std::move(sz))})});
}

/// Write a log of about `bytes` bytes (at least one message), message i at 09:00 + i * stepNs;
/// returns the chunk count or -1.
inline int64_t writeTradeLog(const QString &path, int64_t bytes, int rowsPerMessage = 4,
                             QString *error = nullptr, int64_t stepNs = 1000000)
{
    QFile::remove(path);
    QString err;
    auto w = tplog::TpLogWriter::open(path, &err);
    if (!w) {
        if (error) *error = err;
        return -1;
    }
    QByteArray block;
    int64_t inBlock = 0, written = 14, seed = 0;
    const int64_t startNs = int64_t(9) * 3600 * 1000000000; // 09:00
    while (written < bytes || seed == 0) {
        const QByteArray chunk =
            encodePayload(tradeUpd(startNs + seed * stepNs, rowsPerMessage, int(seed)));
        block += chunk;
        written += chunk.size();
        ++inBlock;
        ++seed;
        if (block.size() > (4 << 20)) {
            if (!w->appendEncoded(block, inBlock, &err)) return -1;
            block.clear();
            inBlock = 0;
        }
    }
    if (inBlock && !w->appendEncoded(block, inBlock, &err)) return -1;
    return w->count();
}

} // namespace qscope::test

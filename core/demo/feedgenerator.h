#pragma once
/// The built-in feed: batches of trade (sym price size) and quote (sym bid ask bsize asize) rows
/// for a set of symbols, with prices following a random walk around a per-symbol start price.
/// Rows are built as tick.q's feeds send them: a list of columns without the time column, which
/// the tickerplant stamps. Plain class; used on the interpreter thread.

#include "protocol/value.h"

#include <QByteArray>
#include <QList>

#include <random>
#include <vector>

namespace qscope::detail {

class FeedGenerator
{
public:
    explicit FeedGenerator(const QList<QByteArray> &syms, uint64_t seed = 42);

    static QList<QByteArray> defaultSyms();
    const std::vector<QByteArray> &syms() const { return m_syms; }

    /// (sym;price;size) for n rows: symbol vector, float vector, long vector.
    Value tradeBatch(int n);
    /// (sym;bid;ask;bsize;asize) for n rows.
    Value quoteBatch(int n);

private:
    int pickSym();
    double step(int s);

    std::vector<QByteArray> m_syms;
    std::vector<double> m_mid;
    std::mt19937_64 m_rng;
};

} // namespace qscope::detail

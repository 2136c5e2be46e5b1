#include "demo/feedgenerator.h"

#include <algorithm>
#include <cmath>

namespace qscope::detail {

FeedGenerator::FeedGenerator(const QList<QByteArray> &syms, uint64_t seed) : m_rng(seed)
{
    const QList<QByteArray> use = syms.isEmpty() ? defaultSyms() : syms;
    for (const QByteArray &s : use) {
        m_syms.push_back(s);
        // A start price from the name, so a symbol looks the same from run to run.
        uint32_t h = 2166136261u;
        for (char c : s)
            h = (h ^ uint8_t(c)) * 16777619u;
        m_mid.push_back(20.0 + double(h % 48000) / 100.0);
    }
}

QList<QByteArray> FeedGenerator::defaultSyms()
{
    return {"AAPL", "MSFT", "GOOG", "AMZN", "IBM", "NVDA", "TSLA", "META", "KX", "ORCL"};
}

int FeedGenerator::pickSym()
{
    std::uniform_int_distribution<int> d(0, int(m_syms.size()) - 1);
    return d(m_rng);
}

double FeedGenerator::step(int s)
{
    // Geometric random walk, 5 basis points per move, kept off zero.
    std::normal_distribution<double> n(0.0, 0.0005);
    m_mid[size_t(s)] = std::max(0.05, m_mid[size_t(s)] * std::exp(n(m_rng)));
    return m_mid[size_t(s)];
}

Value FeedGenerator::tradeBatch(int n)
{
    std::vector<QByteArray> sym;
    std::vector<double> price;
    std::vector<int64_t> size;
    std::uniform_int_distribution<int> lots(1, 20);
    for (int r = 0; r < n; ++r) {
        const int s = pickSym();
        sym.push_back(m_syms[size_t(s)]);
        price.push_back(std::round(step(s) * 100.0) / 100.0);
        size.push_back(int64_t(lots(m_rng)) * 100);
    }
    return Value::list({Value::symbols(sym), Value::fromVector(Float, std::move(price)),
                        Value::fromVector(Long, std::move(size))});
}

Value FeedGenerator::quoteBatch(int n)
{
    std::vector<QByteArray> sym;
    std::vector<double> bid, ask;
    std::vector<int64_t> bsize, asize;
    std::uniform_int_distribution<int> lots(1, 50);
    std::uniform_int_distribution<int> ticks(1, 5);
    for (int r = 0; r < n; ++r) {
        const int s = pickSym();
        const double mid = step(s);
        const double half = ticks(m_rng) * 0.01;
        sym.push_back(m_syms[size_t(s)]);
        bid.push_back(std::round((mid - half) * 100.0) / 100.0);
        ask.push_back(std::round((mid + half) * 100.0) / 100.0);
        bsize.push_back(int64_t(lots(m_rng)) * 100);
        asize.push_back(int64_t(lots(m_rng)) * 100);
    }
    return Value::list({Value::symbols(sym), Value::fromVector(Float, std::move(bid)),
                        Value::fromVector(Float, std::move(ask)),
                        Value::fromVector(Long, std::move(bsize)),
                        Value::fromVector(Long, std::move(asize))});
}

} // namespace qscope::detail

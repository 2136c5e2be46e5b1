#pragma once
// Values shaped like a kdb-tick feed, built in the test (no server needed).

#include "protocol/value.h"

#include <vector>

namespace qscope::test {

/// ([] time:n; sym:s; price:f; size:j) with the given rows.
inline Value tradeTable(const std::vector<QByteArray> &syms, const std::vector<double> &prices,
                        const std::vector<int64_t> &sizes, int64_t timeBase = 0)
{
    std::vector<int64_t> times;
    for (size_t i = 0; i < syms.size(); ++i)
        times.push_back(timeBase + int64_t(i) * 1000000);
    return Value::table(
        Value::symbols({"time", "sym", "price", "size"}),
        Value::list({Value::fromVector(Timespan, times), Value::symbols(syms),
                     Value::fromVector(Float, prices), Value::fromVector(Long, sizes)}));
}

/// n rows cycling over syms, price = 100 + i, size = 10 * (i % 7 + 1).
inline Value tradeRows(int n, int start = 0)
{
    static const QByteArray all[] = {"AAPL", "MSFT", "IBM"};
    std::vector<QByteArray> s;
    std::vector<double> p;
    std::vector<int64_t> z;
    for (int i = start; i < start + n; ++i) {
        s.push_back(all[i % 3]);
        p.push_back(100.0 + i);
        z.push_back(10 * (i % 7 + 1));
    }
    return tradeTable(s, p, z, int64_t(start) * 1000000);
}

inline Value quoteTable(int n)
{
    std::vector<int64_t> t;
    std::vector<QByteArray> s;
    std::vector<double> b, a;
    std::vector<int64_t> bs, as;
    for (int i = 0; i < n; ++i) {
        t.push_back(i);
        s.push_back(i % 2 ? "MSFT" : "AAPL");
        b.push_back(50 + i);
        a.push_back(50.5 + i);
        bs.push_back(100);
        as.push_back(200);
    }
    return Value::table(Value::symbols({"time", "sym", "bid", "ask", "bsize", "asize"}),
                        Value::list({Value::fromVector(Timespan, t), Value::symbols(s),
                                     Value::fromVector(Float, b), Value::fromVector(Float, a),
                                     Value::fromVector(Long, bs), Value::fromVector(Long, as)}));
}

} // namespace qscope::test

#pragma once
// Small q values built in memory, shared by the results tests.

#include "protocol/value.h"

#include <cstring>
#include <vector>

namespace qscope::testdata {

/// q's float null 0n (the negative quiet NaN).
inline double floatNull()
{
    double d;
    std::memcpy(&d, &qnull::fBits, sizeof d);
    return d;
}

inline Value longs(std::vector<int64_t> v)
{
    return Value::fromVector(Long, std::move(v));
}
inline Value floats(std::vector<double> v)
{
    return Value::fromVector(Float, std::move(v));
}
inline Value syms(std::vector<QByteArray> v)
{
    return Value::symbols(v);
}
inline Value table(std::vector<QByteArray> names, std::vector<Value> cols)
{
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

/// ([] sym:`b`a`c`a; price:1.5 0n 3.25 2; size:10 20 30 40; note:("x";"hello, world";"";"q\"t"))
inline Value trades()
{
    return table({"sym", "price", "size", "note"},
                 {syms({"b", "a", "c", "a"}), floats({1.5, floatNull(), 3.25, 2.0}),
                  longs({10, 20, 30, 40}),
                  Value::list({Value::string("x"), Value::string("hello, world"), Value::string(""),
                               Value::string("q\"t")})});
}

} // namespace qscope::testdata

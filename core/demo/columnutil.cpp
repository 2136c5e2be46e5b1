#include "demo/columnutil.h"

namespace qscope::detail {

std::vector<Value> columnItems(const Value &x)
{
    if (x.isList()) return x.items();
    std::vector<Value> out;
    if (x.isVector()) {
        out.reserve(size_t(x.count()));
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(x.element(i));
    }
    return out;
}

} // namespace qscope::detail

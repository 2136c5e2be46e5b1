// parseLiteral: the public entry to the q literal parser.
#include "literal.h"

#include "literalparser.h"

namespace qscope {

LiteralResult parseLiteral(const QByteArray &text)
{
    detail::LiteralParser parser(text);
    return parser.parse();
}

} // namespace qscope
